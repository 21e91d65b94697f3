"""The Prefect process worker of the deployment, stopping promptly on SIGTERM.

``prefect worker start`` (Prefect 3.9.1) turns a SIGTERM into a SIGINT that its command line never acts
on: a service manager's stop is ignored until it sends SIGKILL. ``regscreen worker`` runs the same
``ProcessWorker`` with the project's Prefect settings and, on SIGTERM or SIGINT:

1. sends SIGTERM to the flow runs it is executing (their process groups, so a flow's own Dask
   workers too); the store's transaction rolls back, the store stays as it was and the next run
   takes the same extract; Prefect's executor sees each process end and marks its run Crashed;
2. waits for those runs to be accounted for (at most :data:`RUNS_SECONDS`), takes no new one;
3. stops polling, hands its queued logs and events to the server, and exits: within
   :data:`STOP_SECONDS` of the signal, after which it exits regardless.
"""

import asyncio
import os
from pathlib import Path
import signal
import sys

STOP_SECONDS = 8.0  # from SIGTERM to exit, at most (service managers allow 10 s by default)
RUNS_SECONDS = 4.0  # of them, for the flow runs in progress to end and be marked Crashed
DRAIN_SECONDS = 2.0  # of them, for handing queued logs and events to the server
NO_LIMIT = 1_000_000  # flow runs at once when none is given (a limiter lets the worker count its runs)


async def serve(pool: str, run_once: bool = False, limit: int | None = None) -> bool:
    """Run the process worker on ``pool`` until it is done (``run_once``) or a stop signal comes;
    returns whether it was stopped by a signal."""
    from prefect.workers.process import ProcessWorker

    worker = ProcessWorker(work_pool_name=pool, limit=limit or NO_LIMIT)
    polling = asyncio.ensure_future(worker.start(run_once=run_once, printer=print))
    loop, stopping = asyncio.get_running_loop(), []

    def stop(signum: int) -> None:
        print(f"Received {signal.Signals(signum).name}: stopping the worker (at most {STOP_SECONDS:.0f} s)",
              flush=True)
        if not stopping:
            loop.call_later(STOP_SECONDS, hard_exit)
            stopping.append(asyncio.ensure_future(end_runs_then(worker, polling)))

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop, signum)
    try:
        await polling
    except asyncio.CancelledError:
        if not stopping:
            raise
    return bool(stopping)


async def end_runs_then(worker, polling: asyncio.Future) -> None:
    """Stop the flow runs in progress and wait (at most RUNS_SECONDS) until the worker has accounted for
    them, taking no new one; then stop the worker's polling."""
    limiter = worker._limiter  # Prefect's count of the runs this worker holds
    running = limiter.borrowed_tokens if limiter else 0
    if limiter:
        limiter.total_tokens = max(1, running)  # no new run from now on
    for pid in flow_run_processes():
        terminate(pid)
    deadline = asyncio.get_running_loop().time() + RUNS_SECONDS
    while running and limiter.borrowed_tokens and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
    polling.cancel()


def flow_run_processes() -> list[int]:
    """The processes this worker started: its flow runs (read from /proc; none elsewhere)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def terminate(pid: int) -> None:
    """SIGTERM to a flow run: its whole process group when it leads one (its Dask workers with it)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGTERM)
        else:
            os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


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
