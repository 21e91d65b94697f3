"""A polars frame inserted by a static statement (the frame registered under a fixed name).

No SQL here is built from input: frames are registered under fixed names and read by fixed
statements; values travel as parameters. A run's own writes are the SQL files of ``sql/run/``
(:mod:`screening.store.commit`).
"""

import duckdb
import polars as pl


def insert_frame(con: duckdb.DuckDBPyConnection, statement: str, frame: pl.DataFrame) -> None:
    """Run ``statement`` (which reads the relation ``staged``) over ``frame``."""
    if frame.is_empty():
        return
    con.register("staged", frame.to_arrow())
    try:
        con.execute(statement)
    finally:
        con.unregister("staged")
