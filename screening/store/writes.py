"""The inserts of one run, each a static statement over a registered polars frame.

No SQL here is built from input: frames are registered under fixed names and read by fixed
statements; values travel as parameters.
"""

import duckdb
import orjson
import polars as pl

FIRM_COLUMNS = ("credit_code", "version", "content_hash", "screen_hash", "name", "scope", "address", "province",
                "district", "legal_rep", "status", "registered_on", "capital", "abnormal_flag", "shareholders",
                "region", "region_source", "key_kind", "registration_number")
HIT_COLUMNS = ("term", "field", "start", "end", "counts", "why", "list", "list_version", "source", "category",
               "regulator", "regulators", "action", "tier", "matched", "use", "use_reason", "obfuscated")


def insert_frame(con: duckdb.DuckDBPyConnection, statement: str, frame: pl.DataFrame) -> None:
    """Run ``statement`` (which reads the relation ``staged``) over ``frame``."""
    if frame.is_empty():
        return
    con.register("staged", frame.to_arrow())
    try:
        con.execute(statement)
    finally:
        con.unregister("staged")


def insert_firm_versions(con, frame: pl.DataFrame, run_id: int, as_of) -> None:
    """New versions of new, changed and updated firms."""
    staged = frame.select(FIRM_COLUMNS).rename({"abnormal_flag": "abnormal"}).with_columns(
        pl.lit(run_id).alias("first_run"), pl.lit(run_id).alias("last_run"), pl.lit(as_of).alias("seen_on"))
    insert_frame(con, "insert into firms by name select * from staged", staged)


def touch_unchanged(con, frame: pl.DataFrame, run_id: int, as_of) -> None:
    """Unchanged firms were seen again: their latest version's last run and date move on."""
    staged = frame.select("credit_code", "version")
    if staged.is_empty():
        return
    con.register("staged", staged.to_arrow())
    try:
        con.execute("update firms set last_run = $run_id, seen_on = $as_of from staged "
                    "where firms.credit_code = staged.credit_code and firms.version = staged.version",
                    {"run_id": run_id, "as_of": as_of})
    finally:
        con.unregister("staged")


def insert_rejects(con, rejects: pl.DataFrame, run_id: int) -> None:
    """The records this run could not load, with their raw text and reason."""
    staged = rejects.select(pl.lit(run_id).alias("run_id"), "source_file", "record", "credit_code", "raw", "reason")
    insert_frame(con, "insert into rejects by name select * from staged", staged)


def insert_screenings(con, screened: pl.DataFrame, run_id: int) -> None:
    """One screening row per screened firm version."""
    staged = screened.select(
        pl.lit(run_id).alias("run_id"), "credit_code", "version", "flagged",
        pl.col("exempt").struct.field("reason").alias("exempt_reason"),
        pl.col("exempt").struct.field("evidence").alias("exempt_evidence"),
        pl.col("counting_hits").fill_null(0), "lead_regulator", "lead_category", "hold", "use")
    insert_frame(con, "insert into screenings by name select * from staged", staged)


def insert_hits(con, screened: pl.DataFrame, run_id: int) -> None:
    """Every hit, counted or not, with its explanation."""
    hits = screened.select("credit_code", "version", "hits").explode("hits").drop_nulls("hits").unnest("hits")
    staged = hits.select(pl.lit(run_id).alias("run_id"), "credit_code", "version", *HIT_COLUMNS).rename(
        {"start": "span_start", "end": "span_end"})
    insert_frame(con, "insert into hits by name select * from staged", staged)


def replace_watchlist(con, watch: pl.DataFrame) -> None:
    """The whole watch list as it stands after this run."""
    con.execute("delete from watchlist")
    columns = [row[0] for row in con.execute("describe watchlist").fetchall()]
    insert_frame(con, "insert into watchlist by name select * from staged", watch.select(columns))


def insert_audit(con, audit: pl.DataFrame) -> None:
    """Status changes of this run."""
    insert_frame(con, "insert into audit by name select * from staged", audit)


def insert_run(con, run: dict) -> None:
    """The run's row, with its counts and list versions."""
    values = run | {"list_versions": orjson.dumps(run["list_versions"]).decode("utf-8")}
    con.execute(
        "insert into runs values ($run_id, $extract_file, $extract_sha256, $as_of, $full_extract, $started_at,"
        " $finished_at, $status, $repeat_of, $rows_in, $rows_loaded, $rows_rejected, $firms_new, $firms_changed,"
        " $firms_updated, $firms_unchanged, $firms_missing, $firms_screened, $list_versions, $rescreened_all)",
        values)
