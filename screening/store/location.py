"""Is this a regscreen store, or a place where a new one can be created? One check for every command.

``--db`` may name a folder, a CSV, another program's DuckDB file, the read-only snapshot, or a path in
a folder nobody may write; ``--to`` may name a file. Each is refused up front, before anything is read
or written, with a one-line StoreError (ConfigError for an output folder) naming the path and the fix
— never a traceback half-way through a run, and never a snapshot, lock or secret file written beside
something that is not a store.
"""

from contextlib import closing
import errno
import os
from pathlib import Path
import tempfile

import duckdb

from screening.errors import ConfigError, StoreError, StoreMissing
from screening.store.lock import lock_path
from screening.store.publish import is_snapshot, snapshot_path

DUCKDB_MAGIC = b"DUCK"  # bytes 8–11 of every DuckDB database file
STORE_TABLES = {"runs", "firms"}  # every regscreen store that has run once has these


def is_duckdb_file(path: Path) -> bool:
    """Whether the file starts like a DuckDB database."""
    with open(path, "rb") as handle:
        return handle.read(12)[8:12] == DUCKDB_MAGIC


def store_tables(path: Path) -> set[str] | None:
    """The tables of a DuckDB file (None when it cannot be opened now: a run holds it, or it is a store a
    run may be writing for the first time, with a lock file but no snapshot yet)."""
    if not is_snapshot(path) and lock_path(path).exists() and not snapshot_path(path).exists():
        return None
    try:
        with closing(duckdb.connect(str(path), read_only=True)) as con:
            return {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    except duckdb.ConnectionException:
        return None  # this process has it open already (a writer's connection)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            return None
        raise StoreError(f"{path}: a DuckDB file this version cannot open ({str(error).splitlines()[0]});"
                         " pass --db with a regscreen store") from None
    except duckdb.Error as error:
        raise StoreError(f"{path}: a DuckDB file this version cannot open ({str(error).splitlines()[0]});"
                         " pass --db with a regscreen store") from None


def tables_to_check(db: Path) -> Path:
    """Which file to read the tables from without ever opening the store itself while it may be written
    (a reader of the store would make a starting run fail on DuckDB's file lock): its published snapshot
    when there is one; the store itself only when no regscreen process ever wrote there (no lock file)."""
    snapshot = snapshot_path(db)
    if snapshot.is_file() and db != snapshot:
        return snapshot
    return db


def writable_folder(folder: Path, what: str, error_class=StoreError) -> None:
    """Refuse a folder where no file can be created (tried with a temporary file, removed at once)."""
    try:
        descriptor, name = tempfile.mkstemp(prefix=".regscreen-check-", dir=folder)
    except OSError as error:
        raise error_class(f"{folder}: {what} cannot be written here ({error.strerror}); pass a path in a folder "
                          "you may write") from None
    os.close(descriptor)
    os.unlink(name)


def nearest_folder(path: Path) -> Path:
    """The nearest existing ancestor of a path that does not exist; a file there is refused."""
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise StoreError(f"{path}: {ancestor} is a file, not a folder; pass --db with a path in a folder")
            return ancestor
    return Path.cwd()


def existing_store(db: Path, writing: bool) -> None:
    """Refuse a path that exists but is no regscreen store (or no DuckDB file at all)."""
    if db.is_dir():
        raise StoreError(f"{db}: is a folder, not a store file; pass --db with the store file, e.g. "
                         f"--db {db / 'registry.duckdb'}")
    if not db.is_file():
        raise StoreError(f"{db}: is not a regular file; pass --db with a regscreen store file")
    if writing and is_snapshot(db):
        raise StoreError(f"{db}: is the store's read-only snapshot, which commands never write; pass --db with "
                         "the store itself")
    try:
        duck = is_duckdb_file(db)
    except OSError as error:
        raise StoreError(f"{db}: cannot be read ({error.strerror}); check its permissions") from None
    if not duck:
        raise StoreError(f"{db}: is not a DuckDB database (an extract? another file?); pass --db with a regscreen "
                         "store, or a new file name to create one")
    tables = store_tables(tables_to_check(db))
    if tables and not STORE_TABLES <= tables:
        shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
        raise StoreError(f"{db}: is a DuckDB database of something else (tables: {shown}), not a regscreen store; "
                         "pass --db with a regscreen store, or a new file name to create one")
    if writing:
        if not os.access(db, os.R_OK | os.W_OK):
            raise StoreError(f"{db}: the store cannot be written ({os.strerror(errno.EACCES)}); check its permissions")
        writable_folder(db.parent, "the store's lock and snapshot files")


def check_store(db: Path, create: bool = False, writing: bool = True) -> Path:
    """``db`` when it is a regscreen store (or, with ``create``, a path where a new one can be made);
    otherwise StoreMissing (no store, not ``create``) or StoreError naming the path and the fix."""
    db = Path(db)
    if db.exists() or db.is_symlink():
        existing_store(db, writing)
        return db
    if not writing and snapshot_path(db).is_file():
        return db  # readers read the last published snapshot of a store that is gone or moved
    if not create:
        raise StoreMissing(f"{db}: no store here yet; run `regscreen scan EXTRACT --db {db}` first, or pass --db "
                           "with an existing store")
    if is_snapshot(db):
        raise StoreError(f"{db}: names a read-only snapshot (….published.duckdb); pick another name for the store")
    writable_folder(nearest_folder(db), "a new store")
    return db


def check_output_folder(folder: Path) -> Path:
    """``folder`` when files can be written there (created when missing); ConfigError naming it otherwise."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder}: is a file, not a folder; pass --to with a folder for the hand-off files")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"{folder}: the folder cannot be created ({error.strerror}); pass --to with a folder "
                          "you may write") from None
    writable_folder(folder, "hand-off files", ConfigError)
    return folder
