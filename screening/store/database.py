"""DuckDB connections and the SQL files under ``sql/`` (schema and analysts' views).

The writer opens the embedded file read-write; analysts get a read-only connection with
external access disabled and the configuration locked, so they cannot write the store,
attach another database or copy data out to files. Analysts' connections open the store's
published snapshot (:mod:`screening.store.publish`), never the store a run may be writing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
import re

import duckdb

from screening.settings import get_settings
from screening.store.publish import readable_snapshot

HEADER = re.compile(r"^-- title: (?P<title>.+)\n-- description: (?P<description>.+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SqlFile:
    """A named SQL file with its title and description comment."""

    name: str
    title: str
    description: str
    sql: str


def read_sql_file(path: Path) -> SqlFile:
    """A SQL file; it must start with its ``-- title:`` and ``-- description:`` lines."""
    text = path.read_text(encoding="utf-8")
    header = HEADER.match(text)
    if not header:
        raise ValueError(f"{path}: must start with '-- title: …' and '-- description: …' lines")
    return SqlFile(path.stem, header["title"], header["description"], text)


def schema_files(sql_dir: Path | None = None) -> list[SqlFile]:
    """``sql/schema.sql`` and then every ``sql/schema_*.sql`` (tables of later stages), in name order."""
    folder = sql_dir or get_settings().sql_dir
    return [read_sql_file(folder / "schema.sql")] + [read_sql_file(p) for p in sorted(folder.glob("schema_*.sql"))]


def view_files(sql_dir: Path | None = None) -> list[SqlFile]:
    """Every view under ``sql/views/``, in file-name order (later views may use earlier ones)."""
    return [read_sql_file(p) for p in sorted((sql_dir or get_settings().sql_dir).joinpath("views").glob("*.sql"))]


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create every view; call inside the run's transaction."""
    for schema in schema_files():
        con.execute(schema.sql)
    for view in view_files():
        con.execute(view.sql)


def open_writer(path: Path) -> duckdb.DuckDBPyConnection:
    """The single writing connection to the store file (created when missing); hold the run lock, and
    publish the snapshot after the transaction (:func:`screening.store.publish.publish_after_write`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path))


@contextmanager
def write_transaction(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction on the store's writing connection: committed when the block ends, rolled back
    on any error (so a failure leaves the store as it was), the connection closed either way. The
    caller holds the run lock."""
    con = open_writer(db)
    try:
        con.execute("begin transaction")
        yield con
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()


def open_reader(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only analyst connection to the store's published snapshot (the last complete write, never
    blocked by a run): no writes, no ATTACH, no COPY to files, settings locked. FileNotFoundError when
    there is no store (or no snapshot can be published yet)."""
    snapshot = readable_snapshot(path)
    con = duckdb.connect(str(snapshot), read_only=True, config={"enable_external_access": False})
    con.execute("set lock_configuration = true")
    return con
