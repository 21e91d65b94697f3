"""The counter's side database: a small SQLite file beside the store (``registry.intake.sqlite``).

Checks at the counter must never wait for a nightly run, and a run holds the DuckDB store (its run
lock, and DuckDB's file lock) for its whole transaction. So the counter writes here instead: its
journal of checks (:mod:`screening.store.applications`) and its API keys
(:mod:`screening.store.api_keys`). SQLite in WAL mode lets several processes (the web server, a
batch from the command line, ``regscreen apikey``) write it one short transaction at a time, readers
never block writers, and ``synchronous = FULL`` makes every commit durable (fsynced) before it
returns: a check is on disk before its answer leaves. The tables are ``sql/sqlite/intake.sql``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
import sqlite3
import threading

from screening.errors import StoreError
from screening.store.database import SQL_DIR, read_sql_file

SCHEMA = SQL_DIR / "sqlite" / "intake.sql"
BUSY_MS = 10_000


def counter_db_path(db: Path) -> Path:
    """The side database of a store: ``registry.duckdb`` → ``registry.intake.sqlite``."""
    return db.with_name(f"{db.stem}.intake.sqlite")


class CounterDb:
    """One connection to the side database, shared by the threads of a process (one at a time)."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.con = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
            self.con.execute("pragma journal_mode = wal")
            self.con.execute("pragma synchronous = full")
            self.con.executescript(read_sql_file(SCHEMA).sql)
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"{path}: the counter's journal cannot be opened ({error});"
                             " check the folder is writable and the file is the counter's SQLite journal") from None

    @classmethod
    def beside(cls, db: Path) -> "CounterDb":
        """The side database of the store ``db`` (created when missing)."""
        return cls(counter_db_path(db))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (and fsynced) when the block ends, rolled back on error."""
        with self.lock:
            try:
                self.con.execute("begin immediate")
                yield self.con
                self.con.execute("commit")
            except BaseException as error:
                if self.con.in_transaction:
                    self.con.execute("rollback")
                if isinstance(error, sqlite3.Error):
                    raise StoreError(f"{self.path}: the counter's journal could not be written ({error})") from None
                raise

    def rows(self, statement: str, params=()) -> list[dict]:
        """The rows of a read-only statement, each as a dict by column name."""
        with self.lock:
            cursor = self.con.execute(statement, params)
            columns = [c[0] for c in cursor.description or []]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.con.close()
