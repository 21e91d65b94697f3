"""DuckDB connections to the store, and the SQL files under ``sql/`` (schema and analysts' views).

The writer opens the embedded file read-write, with the ledgers beside it attached read-only
(:mod:`screening.store.ledgers`) and, for the heavy work of a run, DuckDB's memory limit and spill
folder (:class:`Limits`, passed down from the settings). Analysts get a read-only connection to the
published snapshots (:mod:`screening.store.publish`) with external access disabled and the
configuration locked, so they cannot write, attach another database or copy data out to files.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
import re
import threading
import time

import duckdb

from screening.errors import QueryError, StoreError
from screening.store import ledgers
from screening.store.publish import is_snapshot, readable_snapshots, store_of
from screening.store.sqlfiles import HEADER, SQL_DIR, SqlFile, read_sql_file, schema_files, view_files

__all__ = ["HEADER", "SQL_DIR", "SqlFile", "read_sql_file", "schema_files", "view_files", "Limits", "connect",
           "open_store", "apply_schema", "fetch_dicts", "open_writer", "write_transaction", "open_reader", "reading", "read_query",
           "first_line"]


@dataclass(frozen=True, slots=True)
class Limits:
    """How much memory DuckDB may use for a run's heavy work and where it spills beyond it (from the
    settings REGSCREEN_DUCKDB_MEMORY_LIMIT and REGSCREEN_DUCKDB_TEMP_DIR, passed down)."""

    memory_limit: str | None = None
    temp_directory: Path | None = None

    def config(self, spill_dir: Path | None = None) -> dict:
        """DuckDB configuration: the memory limit, the spill folder (``spill_dir`` when none is set), and no
        insertion order to keep (the store's statements order what they need)."""
        config: dict = {"preserve_insertion_order": False}
        if self.memory_limit:
            config["memory_limit"] = self.memory_limit
        folder = self.temp_directory or spill_dir
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            config["temp_directory"] = str(folder)
        return config


def connect(path: Path | str, limits: Limits | None = None, spill_dir: Path | None = None,
            read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a DuckDB file with the run's limits (none: DuckDB's defaults)."""
    config = limits.config(spill_dir) if limits else {}
    return duckdb.connect(str(path), read_only=read_only, config=config)


def open_store(path: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A plain connection to a store file (or a snapshot) with its ledgers attached read-only as every view
    expects them: for operators and tests that look inside a store; analysts use :func:`open_reader`."""
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        ledgers.attach_existing(con, store_of(path), is_snapshot(path))
    except BaseException:
        con.close()
        raise
    return con


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create every view; call inside the writer's transaction (the
    ledgers attached: :func:`open_writer`)."""
    for schema in schema_files():
        con.execute(schema.sql)
    for view in view_files():
        con.execute(view.sql)


def fetch_dicts(con: duckdb.DuckDBPyConnection, statement: str, params=None) -> list[dict]:
    """The rows of a static query (values as parameters), each as a dict by column name."""
    cursor = con.execute(statement, params if params is not None else [])
    columns = [c[0] for c in cursor.description or []]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def open_writer(path: Path, limits: Limits | None = None, spill_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The single writing connection to the store file (created when missing), with its ledgers attached
    read-only; hold the run lock, and publish the snapshot after the transaction
    (:func:`screening.store.publish.publish_after_write`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = connect(path, limits, spill_dir)
    try:
        ledgers.attach(con, path)
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def write_transaction(db: Path, limits: Limits | None = None,
                      spill_dir: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction on the store's writing connection: committed when the block ends, rolled back
    on any error (so a failure leaves the store as it was), the connection closed either way. The
    caller holds the run lock."""
    con = open_writer(db, limits, spill_dir)
    try:
        con.execute("begin transaction")
        yield con
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class QueryBounds:
    """What an analyst's query may use: DuckDB's memory limit and threads, and seconds before it is
    interrupted (the CLI passes REGSCREEN_SQL_MEMORY_LIMIT, _SQL_THREADS, _SQL_TIMEOUT)."""

    memory_limit: str = "2GB"
    threads: int = 2
    timeout: float = 120.0


def open_reader(path: Path, bounds: QueryBounds | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only analyst connection to the store's published snapshot and its ledgers' (the last complete
    writes, never blocked by a run): no writes, no ATTACH, no COPY to files, memory and threads bounded,
    settings locked. StoreMissing when there is no store, SnapshotUnavailable when no snapshot can be
    published yet, StoreError when the file is not a store DuckDB can open."""
    bounds = bounds or QueryBounds()
    snapshot, ledger_snapshots = readable_snapshots(path)
    try:
        con = duckdb.connect(str(snapshot), read_only=True, config={
            "memory_limit": bounds.memory_limit, "threads": bounds.threads})
        try:
            ledgers.attach_snapshots(con, ledger_snapshots)
            con.execute("set enable_external_access = false")
            con.execute("set lock_configuration = true")
        except BaseException:
            con.close()
            raise
    except duckdb.Error as error:
        raise StoreError(f"{path}: cannot be opened as a store ({first_line(error)});"
                         " check --db names a regscreen store") from None
    return con


@contextmanager
def reading(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only analyst connection for the block (see :func:`open_reader`); a query the store cannot
    answer becomes a StoreError naming the store, the connection is closed either way."""
    con = open_reader(path)
    try:
        yield con
    except duckdb.Error as error:
        raise StoreError(f"{path}: the store could not answer ({first_line(error)});"
                         " is it a regscreen store of this version?") from None
    finally:
        con.close()


def bound_exceeded(error: duckdb.Error, bounds: QueryBounds) -> QueryError | None:
    """The QueryError naming the bound a query hit (time or memory), else None."""
    if isinstance(error, duckdb.InterruptException):
        return QueryError(f"the query ran past the time limit of {bounds.timeout:g} s and was stopped "
                          "(REGSCREEN_SQL_TIMEOUT); narrow it with where/limit, or aggregate")
    if isinstance(error, duckdb.OutOfMemoryException):
        return QueryError(f"the query needs more memory than its limit of {bounds.memory_limit} and was stopped "
                          "(REGSCREEN_SQL_MEMORY_LIMIT); narrow it with where/limit, or aggregate")
    return None


def stream_query(path: Path, query: str, bounds: QueryBounds | None = None,
                 batch_rows: int = 1000) -> Iterator[tuple[list[str], list[tuple]]]:
    """(column names, the next batch of at most ``batch_rows`` rows) of an analyst's read-only ``query`` on
    the published snapshot, streamed (at least one batch, maybe empty). The query runs under ``bounds``:
    a timer interrupts it at the time limit, DuckDB stops it at the memory limit, and either is a
    QueryError naming the limit; a query the store refuses is a QueryError with DuckDB's first line."""
    bounds = bounds or QueryBounds()
    con = open_reader(path, bounds)
    timer = threading.Timer(bounds.timeout, con.interrupt)
    deadline = time.monotonic() + bounds.timeout
    timer.start()
    try:
        cursor = con.execute(query)
        if cursor is None:
            raise QueryError("the query holds no SQL statement; give one, e.g. \"select * from v_watchlist_current\"")
        columns = [c[0] for c in cursor.description or []]
        batch = cursor.fetchmany(batch_rows) if cursor.description else []
        yield columns, batch
        while len(batch) == batch_rows:
            if time.monotonic() > deadline:
                raise duckdb.InterruptException("time limit")
            batch = cursor.fetchmany(batch_rows)
            if batch:
                yield columns, batch
    except duckdb.Error as error:
        raise (bound_exceeded(error, bounds) or QueryError(query_problem(error))) from None
    finally:
        timer.cancel()
        con.close()


def read_query(path: Path, query: str, max_rows: int | None = None,
               bounds: QueryBounds | None = None) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of an analyst's read-only ``query`` under ``bounds`` (see :func:`stream_query`);
    with ``max_rows``, at most ``max_rows + 1`` rows are fetched, so that one more than asked for says
    the query returns more."""
    columns, rows = [], []
    batches = stream_query(path, query, bounds, min(max_rows + 1, 10_000) if max_rows is not None else 10_000)
    try:
        for columns, batch in batches:
            rows.extend(batch)
            if max_rows is not None and len(rows) > max_rows:
                return columns, rows[:max_rows + 1]
    finally:
        batches.close()
    return columns, rows
# What went wrong, by DuckDB's error class, and what to do: (class name, what, fix).
QUERY_PROBLEMS = (
    ("ParserException", "syntax error", "check the SQL near there"),
    ("CatalogException", "unknown table, view or function",
     "the views are listed by `regscreen sql \"select table_name from information_schema.tables\"`"),
    ("BinderException", "unknown column, or a column that does not fit",
     "`regscreen sql \"describe VIEW\"` lists a view's columns"),
    ("ConversionException", "a value does not convert", "cast it, or compare it with a value of its type"),
    ("PermissionException", "refused: files, other databases and extensions cannot be reached from here",
     "`regscreen sql` reads the store only; use `--csv > FILE` to save a result"),
)
READ_ONLY = ("read-only mode", "configuration has been locked")


def query_problem(error: duckdb.Error) -> str:
    """One line saying what went wrong with an analyst's query: a syntax error, an unknown table or
    column, a refused write, file access or setting, or else DuckDB's own first line; and the fix."""
    detail = first_line(error).split(": ", 1)[-1]  # without DuckDB's "Parser Error: " prefix
    if type(error).__name__ == "InvalidInputException" and any(mark in detail for mark in READ_ONLY):
        return (f"refused: the store is read-only here and its settings are fixed ({detail});"
                " `regscreen sql` only reads (decisions: `regscreen decide`)")
    for name, what, fix in QUERY_PROBLEMS:
        if type(error).__name__ == name:
            return f"{what}: {detail}; {fix}"
    return f"the store could not run the query: {first_line(error)}"


def first_line(error: BaseException) -> str:
    """The first line of an error's message (DuckDB adds context lines a user does not need)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
