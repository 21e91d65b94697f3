"""One run at a time: an exclusive lock file beside the store, released when the process ends.

DuckDB lets one process write a file; the lock makes a second run fail at once with a clear
message instead of half-way through, and the kernel releases it if the holder is killed.
"""

from contextlib import contextmanager
from datetime import datetime
import fcntl
import os
from pathlib import Path

from screening.errors import RunInProgress


def lock_path(db: Path) -> Path:
    """The lock file of a store."""
    return db.with_name(db.name + ".lock")


@contextmanager
def run_lock(db: Path):
    """Hold the store's run lock for the block, or raise RunInProgress naming the holder."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise RunInProgress(f"{db}: another run holds the store ({handle.read().strip() or 'unknown'});"
                                " wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now():%Y-%m-%d %H:%M:%S}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
