"""The Prefect process worker of the deployment, stopping promptly on SIGTERM.

``prefect worker start`` (Prefect 3.9.1) turns a SIGTERM into a SIGINT that its command line never acts
on: a service manager's stop is ignored until it sends SIGKILL. ``regscreen worker`` runs the same
``ProcessWorker`` with the project's Prefect settings and, on SIGTERM or SIGINT, stops polling,
stops the flow run it is executing (Prefect marks it crashed; the store's transaction rolls back, so
the store stays as it was and the next run takes the same extract), hands its queued logs and events
to the server, and exits: well within :data:`STOP_SECONDS`, after which it exits regardless.
"""

import asyncio
import os
import signal
import sys

STOP_SECONDS = 8.0  # from SIGTERM to exit, at most (service managers allow 10 s by default)
DRAIN_SECONDS = 3.0  # of them, for handing queued logs and events to the server


async def serve(pool: str, run_once: bool = False, limit: int | None = None) -> bool:
    """Run the process worker on ``pool`` until it is done (``run_once``) or a stop signal comes;
    returns whether it was stopped by a signal."""
    from prefect.workers.process import ProcessWorker

    worker = ProcessWorker(work_pool_name=pool, limit=limit)
    polling = asyncio.ensure_future(worker.start(run_once=run_once, printer=print))
    loop, stopped = asyncio.get_running_loop(), []

    def stop(signum: int) -> None:
        print(f"Received {signal.Signals(signum).name}: stopping the worker (at most {STOP_SECONDS:.0f} s)",
              flush=True)
        stopped.append(signum)
        loop.call_later(STOP_SECONDS, hard_exit)
        polling.cancel()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop, signum)
    try:
        await polling
    except asyncio.CancelledError:
        if not stopped:
            raise
    return bool(stopped)


def hard_exit() -> None:
    """The worker did not finish stopping in time: leave now."""
    print(f"the worker did not stop within {STOP_SECONDS:.0f} s: exiting", file=sys.stderr, flush=True)
    os._exit(1)


def run_worker(pool: str, run_once: bool = False, limit: int | None = None) -> None:
    """Serve ``pool`` in this process. After a stop signal, the queued logs and events are sent and the
    process exits at once: a process that has imported Prefect takes seconds to tear itself down on a
    busy machine, which a service manager's 10 s would not always allow."""
    if asyncio.run(serve(pool, run_once, limit)):
        deliver_queued()
        print("worker stopped", flush=True)
        sys.stderr.flush()
        os._exit(0)


def deliver_queued(seconds: float = DRAIN_SECONDS) -> None:
    """Hand the logs and events still queued in this process to the Prefect server (at most ``seconds``)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=seconds / 2)
    EventsWorker.drain_all(timeout=seconds / 2)
