"""Task runners for the nightly flow: threads for a small drop, Dask for a large one.

``auto`` (the default) is :class:`DropSizeTaskRunner`: it starts on threads, which cost nothing to
start, and the flow tells it how many rows the drop holds (:func:`expect_rows`); from
``REGSCREEN_DASK_MIN_ROWS`` rows on, the screening goes to Dask: a LocalCluster of worker processes
sized to the machine, started then and closed with the flow, or an existing cluster by address.
``threads`` and ``dask`` choose one whatever the size (``regscreen nightly --runner``).
"""

from functools import lru_cache
import logging
import os

from prefect.context import FlowRunContext
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from screening.settings import get_settings

RUNNERS = ("auto", "threads", "dask")


WORKER_EXIT_SECONDS = 30  # how long a closing worker process may take to exit before it is killed


@lru_cache(maxsize=1)
def patient_nanny():
    """distributed's Nanny, waiting up to WORKER_EXIT_SECONDS for its worker process to exit when the
    cluster closes. A process that imported Prefect takes seconds to finish on a busy machine, and
    Nanny's own 4 s ended in "Worker process still alive after 4.0 seconds, killing"."""
    from distributed import Nanny

    class PatientNanny(Nanny):
        async def close(self, timeout: float = WORKER_EXIT_SECONDS, reason: str = "nanny-close"):
            return await super().close(timeout=timeout, reason=reason)

    return PatientNanny


def dask_runner(address: str | None = None, workers: int | None = None):
    """prefect-dask's DaskTaskRunner on an existing scheduler, or on a new LocalCluster of processes
    (on loopback; closed with the flow, each worker given time to exit)."""
    from prefect_dask import DaskTaskRunner

    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO chatter is not the user's business
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers or os.cpu_count() or 1, "threads_per_worker": 1,
                                          "processes": True, "host": "127.0.0.1", "worker_class": patient_nanny(),
                                          "dashboard_address": "127.0.0.1:0"})  # any free port: no clash on 8787


def thread_runner(workers: int | None = None) -> ThreadPoolTaskRunner:
    """Threads in the flow's own process (the screening holds the GIL, so this is for small drops)."""
    return ThreadPoolTaskRunner(max_workers=workers or os.cpu_count() or 1)


class DropSizeTaskRunner(TaskRunner):
    """Threads until the flow says the drop is large (``expect_rows`` ≥ ``dask_min_rows``), then Dask."""

    def __init__(self, dask_min_rows: int | None = None, address: str | None = None, workers: int | None = None):
        super().__init__()
        self.dask_min_rows, self.address, self.workers = dask_min_rows, address, workers
        self.threads = thread_runner(workers)
        self.dask = None
        self.chosen = "threads"

    def duplicate(self) -> "DropSizeTaskRunner":
        return type(self)(self.dask_min_rows, self.address, self.workers)

    def expect_rows(self, rows: int) -> str:
        """Choose the runner for ``rows`` rows; returns ``"threads"`` or ``"dask"``."""
        threshold = self.dask_min_rows or get_settings().dask_min_rows
        self.chosen = "dask" if rows >= threshold else "threads"
        if self.chosen == "dask" and self.dask is None:
            self.dask = dask_runner(self.address, self.workers).__enter__()
        return self.chosen

    def submit(self, task, parameters, wait_for=None, dependencies=None):
        runner = self.dask if self.chosen == "dask" else self.threads
        return runner.submit(task, parameters, wait_for, dependencies)

    def __enter__(self):
        super().__enter__()
        self.threads.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self.dask is not None:
                self.dask.__exit__(*exc_info)  # closes the client, then the cluster and its worker processes
        finally:
            self.dask = None
            self.threads.__exit__(*exc_info)
            super().__exit__(*exc_info)


def expect_rows(rows: int) -> str:
    """Tell the running flow's task runner how many rows are to be screened; returns the runner that
    will screen them (``threads``, ``dask``, or the name of a runner chosen explicitly)."""
    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if isinstance(runner, DropSizeTaskRunner):
        return runner.expect_rows(rows)
    return "dask" if runner is not None and runner.name == "dask" else "threads"


def dask_client():
    """The Dask client of the running flow's task runner when it screens on Dask, else None (threads)."""
    from prefect_dask import DaskTaskRunner

    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if isinstance(runner, DropSizeTaskRunner):
        runner = runner.dask if runner.chosen == "dask" else None
    return runner.client if isinstance(runner, DaskTaskRunner) else None


def elsewhere(address: str | None) -> bool:
    """Whether a Dask scheduler address is on another machine (not this one's loopback)."""
    if not address:
        return False
    host = address.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
    return host not in ("localhost", "127.0.0.1", "::1") and not host.startswith("127.")


def task_runner(kind: str = "auto", address: str | None = None, workers: int | None = None,
                dask_min_rows: int | None = None) -> TaskRunner:
    """The runner named ``kind``: auto (by the drop's rows), threads or dask."""
    if kind == "threads":
        return thread_runner(workers)
    if kind == "dask":
        return dask_runner(address, workers)
    return DropSizeTaskRunner(dask_min_rows, address, workers)
