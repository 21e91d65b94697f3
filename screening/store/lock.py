"""One run at a time: an exclusive lock file beside the store, released when the process ends.

DuckDB lets one process write a file; the lock makes a second run fail at once with a clear
message instead of half-way through, and the kernel releases it if the holder is killed.

The lock file is opened without following symlinks: it is created with O_CREAT | O_EXCL |
O_NOFOLLOW, or opened with O_NOFOLLOW when it exists, and must then be a regular file with one
link, owned by this user. A symlink, a hard link, a folder, a FIFO or another user's file at the
lock path is refused (StoreError) and left as it is: nothing is ever written through it.
"""

from contextlib import contextmanager
from datetime import datetime
import errno
import fcntl
import os
from pathlib import Path
import stat

from screening.errors import RunInProgress, StoreError

OPEN_FLAGS = os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def lock_path(db: Path) -> Path:
    """The lock file of a store."""
    return db.with_name(db.name + ".lock")


def refuse(path: Path, what: str) -> StoreError:
    """The error for a lock path that is not our own regular file."""
    return StoreError(f"{path}: {what}, not the store's lock file; refusing to use it. Remove it "
                      "(or find out who put it there) and run again")


def open_private_file(path: Path, mode: int = 0o600) -> int:
    """A descriptor of our own regular file at ``path``, created exclusively when missing, never through a
    symlink; StoreError naming the path when something else is there."""
    try:
        descriptor = os.open(path, OPEN_FLAGS | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        try:
            descriptor = os.open(path, OPEN_FLAGS)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise refuse(path, "a symbolic link") from None
            if error.errno == errno.EISDIR:
                raise refuse(path, "a folder") from None
            raise StoreError(f"{path}: cannot be opened ({error.strerror}); check the folder's permissions") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be created ({error.strerror}); check that the store's folder exists "
                         "and is writable, or pass --db with another path") from None
    found = os.fstat(descriptor)
    problem = ("not a regular file" if not stat.S_ISREG(found.st_mode)
               else f"owned by another user (uid {found.st_uid})" if found.st_uid != os.geteuid()
               else "a hard link to another file" if found.st_nlink != 1 else None)
    if problem:
        os.close(descriptor)
        raise refuse(path, problem)
    return descriptor


@contextmanager
def run_lock(db: Path):
    """Hold the store's run lock for the block, or raise RunInProgress naming the holder."""
    path = lock_path(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{path.parent}: the store's folder cannot be created ({error.strerror});"
                         " pass --db with a path in a writable folder") from None
    with os.fdopen(open_private_file(path), "r+", encoding="utf-8", errors="replace") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise RunInProgress(f"{db}: another run holds the store ({handle.read(200).strip() or 'unknown'});"
                                " wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now():%Y-%m-%d %H:%M:%S}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
