"""How the nightly flow fails: a user's or an operator's error ends the run at once with one line
(no traceback, no retry); only an I/O error is retried."""

import functools

from prefect import get_run_logger
from prefect.states import Failed

from screening.errors import RegscreenError


def ends_with_one_line(function):
    """Wrap a flow function so that a RegscreenError (a wrong drop folder, a store another run holds…)
    ends the flow run as Failed with its one-line message, logged once, without a traceback; the caller
    of the flow gets the error itself (the CLI maps it to its exit status)."""

    @functools.wraps(function)
    def flow_body(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except RegscreenError as error:
            get_run_logger().error(str(error))
            return Failed(message=str(error), data=error)

    return flow_body


def io_errors_only(task, task_run, state) -> bool:
    """A task's ``retry_condition_fn``: retry an I/O error (a network share that hiccups), never a
    configuration or data error, which would fail the same way again."""
    return isinstance(state.result(raise_on_failure=False), OSError)
