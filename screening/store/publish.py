"""Readers during writes: analysts read a published read-only snapshot of the store, never the store.

DuckDB lets one process open a database file read-write, and while it has it open no other process
can open that file at all, not even read-only ("Could not set lock on file"). A nightly run holds the
store for its whole transaction, so analysts reading the store itself would be blocked for the run.
Instead, every writer publishes a complete copy of the store after its transaction, and analysts'
read-only connections (:func:`screening.store.database.open_reader`) open that copy:

    registry.duckdb              the store: written by runs, decisions, exports, pushes (run lock)
    registry.published.duckdb    its snapshot: what `regscreen sql`, status, dossier, related read

Publishing (:func:`publish`), always by a process that holds the store's run lock:

1. open the store read-write (DuckDB's exclusive file lock: no other process can write it meanwhile)
   and CHECKPOINT, so every committed change is in the main file and the write-ahead log is gone;
2. copy the file to a temporary file in the same folder (``registry.published.duckdb.publishing-…``),
   with the store's permission bits and modification time, fsync it and check DuckDB opens it;
3. ``os.replace`` it onto the snapshot's name (atomic on POSIX) and fsync the folder; then close the store.

A reader that opens the snapshot gets the old complete file or the new one, never a mix, and never
waits for a run: the run only ever touches the store. A reader that has the old snapshot open keeps
reading it (the old file lives until it is closed); its next connection sees the new one. Within one
process DuckDB shares an open file between connections, so a process that keeps a reader open across
a publish sees the old snapshot on its new connections too until all of them are closed. Temporary
files left by a killed publish are removed by the next publish (under the same locks).

Who publishes: a run at the end of its commit (a repeat too) and at its start when the snapshot is
missing or stale, and a decision after its commit (:func:`publish_after_write`: a failure is logged,
the write stands), an export after recording its hand-offs, and a push after its batches. A snapshot
is stale when the store's size or modification time differs from the one it was copied at (the copy
carries the store's mtime). A reader that finds it missing or stale (a store from before snapshots, a write that
did not publish, a publish that failed) publishes it itself when the run lock is free; while a run
holds the lock (the store then looks stale as soon as the run writes), or when the reader may not
write the folder, it reads the last published snapshot: the last complete state.

The ledgers beside the store (:mod:`screening.store.ledgers`, the analysts' decisions) are published
the same way, each on its own: a decision copies its ledger (a few MB), never the store. A reader opens
the store's snapshot first and then each ledger's (:func:`readable_snapshots`).
"""

from contextlib import closing
import glob
import logging
import os
from pathlib import Path
import shutil
import tempfile

import duckdb

from screening.errors import RunInProgress, SnapshotUnavailable, StoreMissing
from screening.store import ledgers
from screening.store.lock import run_lock

log = logging.getLogger(__name__)

MARKER = ".published"
TEMP_INFIX = ".publishing-"


def snapshot_path(db: Path) -> Path:
    """The published snapshot of a store: ``registry.duckdb`` → ``registry.published.duckdb``."""
    return db.with_name(f"{db.stem}{MARKER}{db.suffix}")


def is_snapshot(path: Path) -> bool:
    """Whether ``path`` names a published snapshot itself (``….published.duckdb``, or ``….published``)."""
    return MARKER in (path.suffix, Path(path.stem).suffix)


def leftover_temp_files(db: Path) -> list[Path]:
    """Temporary files of the store's publishes that never finished (a publish killed half-way)."""
    snapshot = snapshot_path(db)
    return sorted(snapshot.parent.glob(glob.escape(snapshot.name + TEMP_INFIX) + "*"))


def fingerprint(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, or None when it does not exist."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_size, found.st_mtime_ns


def is_current(db: Path) -> bool:
    """Whether the snapshot exists and was copied from the store as it is now (same size and mtime)."""
    snapshot = fingerprint(snapshot_path(db))
    return snapshot is not None and snapshot == fingerprint(db)


def fsync_path(path: Path) -> None:
    """Flush a file's or folder's data and metadata to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def checkpointed(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """CHECKPOINT the store so that its main file holds every committed change, and check the WAL is gone."""
    con.execute("checkpoint")
    wal = db.with_name(db.name + ".wal")
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{db}: write-ahead log still present after CHECKPOINT; not publishing")


def copy_for_publishing(db: Path, snapshot: Path) -> Path:
    """A complete, synced copy of the checkpointed store in a temporary file beside the snapshot."""
    source = db.stat()
    descriptor, name = tempfile.mkstemp(prefix=snapshot.name + TEMP_INFIX, dir=snapshot.parent)
    os.close(descriptor)
    temp = Path(name)
    try:
        shutil.copyfile(db, temp)
        os.chmod(temp, source.st_mode & 0o777)
        os.utime(temp, ns=(source.st_atime_ns, source.st_mtime_ns))
        fsync_path(temp)
        if fingerprint(db) != (source.st_size, source.st_mtime_ns) or temp.stat().st_size != source.st_size:
            raise RuntimeError(f"{db}: the store changed while it was copied; not publishing")
        with closing(duckdb.connect(str(temp), read_only=True)) as check:  # DuckDB can open what it will read
            check.execute("select count(*) from duckdb_tables()").fetchall()
        return temp
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def publish(db: Path) -> Path:
    """Publish the store's read-only snapshot (call with the run lock held, no connection to ``db`` open).

    Checkpoint, copy to a temporary file, swap it in atomically — all while this process holds DuckDB's
    exclusive lock on the store, so no other process writes it and no older copy can overtake this one."""
    snapshot = snapshot_path(db)
    with closing(duckdb.connect(str(db))) as con:
        checkpointed(con, db)
        for leftover in leftover_temp_files(db):
            leftover.unlink(missing_ok=True)
        temp = copy_for_publishing(db, snapshot)
        os.replace(temp, snapshot)
        fsync_path(snapshot.parent)
    return snapshot


def publish_after_write(db: Path) -> bool:
    """Publish after a committed write; a failure is logged, not raised (the write stands, and readers
    publish a stale snapshot themselves when they can). True when published."""
    try:
        publish(db)
        return True
    except (OSError, duckdb.Error, RuntimeError) as error:
        log.warning("%s: the store was written but its read-only snapshot was not published (%s); "
                    "readers see the previous one until the next publish", db, error)
        return False


def ensure_current(db: Path) -> None:
    """Publish the store's and its ledgers' snapshots when missing or stale (call with the run lock held)."""
    if not db.exists():
        return
    if not is_current(db):
        publish_after_write(db)
    for ledger in ledgers.LEDGERS:
        path = ledger.path(db)
        if not path.exists():
            ledgers.ensure(db, ledger)
        if not is_current(path):
            publish_after_write(path)


def refreshed(db: Path) -> str | None:
    """Publish missing or stale snapshots (the store's, its ledgers') if the run lock is free; None when
    done, else why not."""
    try:
        with run_lock(db):
            if not is_current(db):
                publish(db)
            for ledger in ledgers.LEDGERS:
                path = ledger.path(db) if ledger.path(db).exists() else ledgers.ensure(db, ledger)
                if not is_current(path):
                    publish(path)
        return None
    except RunInProgress as error:
        return str(error)
    except (OSError, duckdb.Error, RuntimeError) as error:
        return f"{db}: could not publish its read-only snapshot: {str(error).splitlines()[0]}"


def readable_snapshot(db: Path) -> Path:
    """The snapshot an analyst's read-only connection opens for the store ``db``.

    The current snapshot; a stale one is published again first when the run lock is free, and read as
    it is when not (a run is writing: the snapshot is its previous complete state). A path naming a
    snapshot is read as it is. Raises FileNotFoundError when there is neither store nor snapshot, and
    SnapshotUnavailable (a FileNotFoundError) when no snapshot exists and none can be published now."""
    if is_snapshot(db) and db.exists():
        return db
    snapshot = snapshot_path(db)
    if not db.exists():
        if snapshot.exists():
            return snapshot
        raise StoreMissing(f"{db}: no store here yet; run `regscreen scan EXTRACT --db {db}` first")
    if is_current(db):
        return snapshot
    why_not = refreshed(db)
    if snapshot.exists():
        return snapshot
    raise SnapshotUnavailable(f"{db}: no read-only snapshot has been published yet, and none can be now: {why_not}")


def store_of(path: Path) -> Path:
    """The store a path names: the store itself, or the store whose snapshot it is."""
    if not is_snapshot(path):
        return path
    stem = Path(path.stem)
    return path.with_name(f"{stem.stem}{path.suffix}") if stem.suffix == MARKER else path.with_name(stem.stem)


def readable_snapshots(db: Path) -> tuple[Path, dict[str, Path]]:
    """The store's snapshot an analyst reads (:func:`readable_snapshot`), then each ledger's, by the
    catalog name it is attached as. The store's is chosen first: a ledger read after it is at least as
    new. A ledger never published (a store from before ledgers, during a run) reads as an empty one."""
    snapshot = readable_snapshot(db)
    store = store_of(db)
    found = {}
    for ledger in ledgers.LEDGERS:
        path = ledger.path(store)
        published = snapshot_path(path)
        if not is_snapshot(db) and path.exists() and not is_current(path):
            refreshed(store)
        if not published.exists():
            empty_ledger_snapshot(ledger, published)
        found[ledger.alias] = published
    return snapshot, found


def empty_ledger_snapshot(ledger, snapshot: Path) -> None:
    """An empty snapshot of ``ledger`` at ``snapshot``, created atomically unless one appears meanwhile."""
    descriptor, name = tempfile.mkstemp(prefix=snapshot.name + TEMP_INFIX, dir=snapshot.parent)
    os.close(descriptor)
    temp = Path(name)
    try:
        temp.unlink()
        with closing(duckdb.connect(str(temp))) as con:
            con.execute(ledger.schema_sql())
        try:
            os.link(temp, snapshot)  # never replaces a snapshot published meanwhile
        except FileExistsError:
            pass
    finally:
        temp.unlink(missing_ok=True)
