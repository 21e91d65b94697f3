"""In-memory databases for the store's SQL unit tests: a run's staging database (``staging_db``) and a store
with its schema and views, the decisions ledger and a staging catalog attached in memory (``store_db``)."""

import duckdb
import polars as pl

from screening.store.database import apply_schema
from screening.store.ledgers import LEDGERS
from screening.store.sqlfiles import statement
from screening.store.writes import insert_frame

STAGED_FIRMS = {"credit_code": pl.Utf8, "version": pl.Int32, "change": pl.Utf8}


def staging_db() -> duckdb.DuckDBPyConnection:
    """A run's staging database, empty."""
    con = duckdb.connect()
    con.execute(statement("staging_schema"))
    return con


def stage_rows(con, rows: list[dict]) -> None:
    """Append records (dicts of reader columns; ``record`` numbered when absent) through the staging SQL."""
    known = [r[0] for r in con.execute("describe incoming").fetchall() if r[0] not in ("content_hash", "screen_hash")]
    numbered = [{"record": i + 1, **row} for i, row in enumerate(rows)]
    frame = pl.DataFrame([{c: row.get(c) for c in known} for row in numbered],
                         schema={c: (pl.Int64 if c == "record" else pl.Utf8) for c in known}, orient="row")
    insert_frame(con, statement("staging_insert_chunk"), frame)


def store_db(staged: pl.DataFrame | None = None, missing: list[str] = ()) -> duckdb.DuckDBPyConnection:
    """A store in memory with the schema and views, an empty decisions ledger, and a staging catalog whose
    ``firms`` (credit_code, version, change) and ``missing`` are given."""
    con = duckdb.connect()
    for ledger in LEDGERS:  # each ledger in memory, under the catalog name the views expect
        con.execute(ledger.attach_writable, [":memory:"])
        con.execute(f"use {ledger.alias}")
        con.execute(ledger.schema_sql())
    con.execute("attach ':memory:' as staging")
    con.execute("use staging")
    con.execute("create table firms (credit_code varchar, version integer, change varchar)")
    con.execute("create table missing (credit_code varchar, version integer)")
    con.execute("use memory")
    apply_schema(con)
    if staged is not None:
        insert_frame(con, "insert into staging.firms by name select * from staged", staged.cast(STAGED_FIRMS))
    for code in missing:
        con.execute("insert into staging.missing values (?, 1)", [code])
    return con
