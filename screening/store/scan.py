"""One nightly run: ingest an extract, screen what changed, update the watch list — in one transaction.

A crash or kill at any point before COMMIT leaves the store as it was; the same extract (same
sha256, same list versions) run again changes nothing and is recorded as a repeat.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import orjson
import polars as pl

from screening.extract.files import file_sha256
from screening.extract.readers import CHUNK_ROWS, SCHEMA
from screening.rules.pipeline import screen_frame
from screening.rules.screener import Screener
from screening.store import delta, interest, outbox, persons, watchlist, writes
from screening.store.database import apply_schema, open_writer, write_transaction
from screening.errors import RunInProgress
from screening.store.lock import run_lock
from screening.store.publish import ensure_current, publish_after_write
from screening.store.staging import Staged, stage_extract


@dataclass
class RunReport:
    """What a run did, as recorded in ``runs``."""

    run: dict

    def __getattr__(self, name):
        return self.run[name]


def previous_runs(con) -> list[dict]:
    """Every earlier run, oldest first."""
    rows = con.execute("select run_id, extract_sha256, status, list_versions from runs order by run_id").fetchall()
    return [{"run_id": r[0], "sha256": r[1], "status": r[2], "list_versions": orjson.loads(r[3])} for r in rows]


def repeat_of(runs: list[dict], sha256: str, versions: dict) -> dict | None:
    """The complete run that already processed this file with these lists, if any."""
    return next((r for r in runs if r["status"] == "complete" and r["sha256"] == sha256
                 and r["list_versions"] == versions), None)


def screen_store_chunk(screener: Screener, chunk: pl.DataFrame) -> pl.DataFrame:
    """Screening results for one chunk of firm rows (reader columns plus delta keys), by credit code."""
    result = screen_frame(screener, chunk.select(list(SCHEMA)), has_code=True)
    keys = chunk.select("record", "credit_code", "version", "change", "name", "status", "content_hash", "abnormal_flag")
    return result.drop("credit_code", "name").join(keys, on="record", how="left", maintain_order="left")


def stored_firms_to_rescreen(stored: pl.DataFrame, exclude: pl.DataFrame) -> pl.DataFrame:
    """Latest versions of stored firms not in this extract, as reader rows (a term list changed)."""
    rows = stored.join(exclude.select("credit_code"), on="credit_code", how="anti")
    return rows.with_columns(
        pl.int_range(-rows.height, 0).alias("record"), pl.lit(None, pl.Utf8).alias("raw"),
        pl.lit(None, pl.Utf8).alias("problem"), pl.lit("unchanged").alias("change"),
        pl.col("abnormal").alias("abnormal_flag"), pl.col("abnormal").cast(pl.Utf8),
        *[pl.lit(None, pl.Utf8).alias(c) for c in SCHEMA if c not in rows.columns and c not in ("record", "raw", "problem")],
    )


def summarised(screener_results: pl.DataFrame, priority: dict[str, int]) -> pl.DataFrame:
    """Screening results with counting hits, lead regulator, lead category and suspension flag."""
    if screener_results.is_empty():
        return screener_results
    summary = watchlist.summarise(screener_results, priority)
    joined = screener_results.join(summary, on="credit_code", how="left", maintain_order="left")
    return joined.with_columns(pl.col("counting_hits").fill_null(0), pl.col("suspended_term").fill_null(False),
                               pl.col("hold").fill_null(False) if "hold" in joined.columns else pl.lit(False).alias("hold"))


def with_hold(screened: pl.DataFrame) -> pl.DataFrame:
    """``hold``: moving in (迁入) with a term of a Beijing suspension list."""
    if screened.is_empty():
        return screened
    return screened.with_columns((pl.col("suspended_term") & pl.col("status").fill_null("").str.contains("迁入"))
                                 .alias("hold"))


def run_row(plan: "RunPlan", screened: int) -> dict:
    """The ``runs`` row of a complete run."""
    staged, kinds = plan.staged, delta.counts(plan.classified)
    return {
        "run_id": plan.run_id, "extract_file": str(plan.extract), "extract_sha256": plan.sha256, "as_of": plan.as_of,
        "full_extract": plan.full, "started_at": plan.started, "finished_at": datetime.now(), "status": "complete",
        "repeat_of": None, "rows_in": staged.rows_in, "rows_loaded": staged.firms.height,
        "rows_rejected": staged.rejects.height, "firms_new": kinds["new"], "firms_changed": kinds["changed"],
        "firms_updated": kinds["updated"], "firms_unchanged": kinds["unchanged"], "firms_missing": plan.gone.height,
        "firms_screened": screened, "list_versions": plan.versions, "rescreened_all": plan.rescreen,
    }


@dataclass
class RunPlan:
    """Everything a run decided before screening: what to load, what to screen, its number."""

    extract: Path
    db: Path
    sha256: str
    as_of: date
    full: bool
    started: datetime
    run_id: int
    versions: dict
    repeat_of: int | None = None
    rescreen: bool = False
    staged: Staged | None = None
    classified: pl.DataFrame | None = None
    gone: pl.DataFrame | None = None
    to_screen: pl.DataFrame | None = None

    def chunks(self, chunk_rows: int) -> list[pl.DataFrame]:
        """The firms to screen, in chunks (what a task runner maps over)."""
        rows = self.to_screen if self.to_screen is not None else pl.DataFrame()
        return [rows.slice(start, chunk_rows) for start in range(0, rows.height, chunk_rows)]


def read_store(db: Path, query: str) -> pl.DataFrame | None:
    """The result of a read query on the store (None for a new store without tables)."""
    if not db.exists():
        return None
    con = open_writer(db)
    try:
        if not con.execute("select count(*) from information_schema.tables where table_name = 'runs'").fetchall()[0][0]:
            return None
        return con.sql(query).pl()
    finally:
        con.close()


def earlier_runs(db: Path) -> list[dict]:
    """Every earlier run of the store, oldest first."""
    runs = read_store(db, "select run_id, extract_sha256, status, list_versions from runs order by run_id")
    return [] if runs is None else [
        {"run_id": r["run_id"], "sha256": r["extract_sha256"], "status": r["status"],
         "list_versions": orjson.loads(r["list_versions"])} for r in runs.iter_rows(named=True)]


def plan_run(extract: Path, db: Path, versions: dict, as_of: date | None = None, full: bool = False,
             chunk_rows: int = CHUNK_ROWS, progress=lambda phase, rows: None) -> RunPlan:
    """Read the store and the extract, and decide what this run loads and screens (writes nothing but a
    missing or stale read-only snapshot, so analysts read the last complete state during the run)."""
    ensure_current(db)
    runs = earlier_runs(db)
    plan = RunPlan(extract, db, file_sha256(extract), as_of or date.today(), full, datetime.now(),
                   (runs[-1]["run_id"] if runs else 0) + 1, versions)
    earlier = repeat_of(runs, plan.sha256, versions)
    if earlier:
        plan.repeat_of = earlier["run_id"]
        return plan
    latest = read_store(db, "select credit_code, version, content_hash, screen_hash from v_firms_latest")
    latest = pl.DataFrame(schema=delta.LATEST) if latest is None else latest.cast(delta.LATEST)
    plan.staged = stage_extract(extract, chunk_rows, lambda rows: progress("reading", rows))
    plan.classified = delta.classify(plan.staged.firms, latest)
    plan.gone = delta.missing(latest, plan.staged.firms) if full else latest.clear()
    complete = [r for r in runs if r["status"] == "complete"]
    plan.rescreen = bool(complete) and complete[-1]["list_versions"] != versions
    plan.to_screen = plan.classified if plan.rescreen else plan.classified.filter(pl.col("change") != "unchanged")
    if plan.rescreen:
        stored = read_store(db, "select * from v_firms_latest")
        plan.to_screen = pl.concat([plan.to_screen, stored_firms_to_rescreen(stored, plan.to_screen)],
                                   how="diagonal_relaxed")
    return plan


def screen_plan(plan: RunPlan, screen_chunk, chunk_rows: int, priority: dict[str, int]) -> pl.DataFrame:
    """Screen the plan's chunks with ``screen_chunk`` (a function of one chunk) and summarise."""
    results = [screen_chunk(chunk) for chunk in plan.chunks(chunk_rows)]
    return summarise_screened(results, priority)


def summarise_screened(results: list[pl.DataFrame], priority: dict[str, int]) -> pl.DataFrame:
    """Join chunk results and add counting hits, lead regulator and hold."""
    results = [r for r in results if not r.is_empty()]
    return with_hold(summarised(pl.concat(results, how="diagonal_relaxed"), priority)) if results else pl.DataFrame()


def commit_run(plan: RunPlan, screened: pl.DataFrame, priority: dict[str, int], min_confirmed: int = 2) -> RunReport:
    """Write the run in one transaction; refuse if another run committed since the plan was made.
    Then publish the store's read-only snapshot (call with the run lock held). ``min_confirmed``:
    REGSCREEN_INTEREST_MIN_CONFIRMED (persons of interest, :mod:`screening.store.interest`)."""
    with write_transaction(plan.db) as con:
        apply_schema(con)
        runs = previous_runs(con)
        if (runs[-1]["run_id"] if runs else 0) + 1 != plan.run_id:
            raise RunInProgress(f"{plan.db}: another run committed while this one was planned; run again")
        if plan.repeat_of:
            row = repeated_run(con, plan.repeat_of, plan.run_id, plan.started)
        else:
            write_run(con, plan.classified, plan.staged, screened, plan.gone, plan.run_id, plan.as_of, priority)
            interest.after_run(con, plan.run_id, min_confirmed)  # 延伸监管：重点抽查 (its own block)
            row = run_row(plan, screened.height)
            writes.insert_run(con, row)
    publish_after_write(plan.db)  # analysts' read-only snapshot: this run, complete
    return RunReport(row)


def scan(extract: Path, db: Path, screener: Screener, as_of: date | None = None, full: bool = False,
         chunk_rows: int = CHUNK_ROWS, progress=lambda phase, rows: None, min_confirmed: int = 2) -> RunReport:
    """Run one scan of ``extract`` into the store at ``db``: plan, screen here, commit in one transaction.
    ``progress(phase, rows)`` is told what is being done (reading, screening, writing)."""
    priority = screener.category_priority
    with run_lock(db):
        plan = plan_run(extract, db, screener.versions, as_of, full, chunk_rows, progress)

        def screen_chunk(chunk: pl.DataFrame) -> pl.DataFrame:
            progress("screening", chunk.height)
            return screen_store_chunk(screener, chunk)

        screened = screen_plan(plan, screen_chunk, chunk_rows, priority)
        progress("writing", 0)
        return commit_run(plan, screened, priority, min_confirmed)


def repeated_run(con, earlier: int, run_id: int, started: datetime) -> dict:
    """Record a repeat: same file and lists as ``earlier``; nothing else changes."""
    columns = [c[0] for c in con.execute("describe runs").fetchall()]
    original = dict(zip(columns, con.execute("select * from runs where run_id = ?", [earlier]).fetchall()[0]))
    row = original | {"run_id": run_id, "started_at": started, "finished_at": datetime.now(), "status": "repeat",
                      "repeat_of": earlier, "list_versions": orjson.loads(original["list_versions"]),
                      "firms_screened": 0}
    writes.insert_run(con, row)
    return row


def write_run(con, classified, staged, screened, gone, run_id, as_of, priority) -> None:
    """Firm versions, rejects, screenings, hits, watch list and audit of one run."""
    changed = classified.filter(pl.col("change") != "unchanged")
    if not screened.is_empty():
        regions = screened.select("credit_code", "region", "region_source").unique("credit_code", keep="first")
        changed = changed.join(regions, on="credit_code", how="left", maintain_order="left")
    else:
        changed = changed.with_columns(pl.lit(None, pl.Utf8).alias("region"), pl.lit(None, pl.Utf8).alias("region_source"))
    writes.insert_firm_versions(con, changed, run_id, as_of)
    writes.touch_unchanged(con, classified.filter(pl.col("change") == "unchanged"), run_id, as_of)
    writes.insert_rejects(con, staged.rejects, run_id)
    if not screened.is_empty():
        writes.insert_screenings(con, screened, run_id)
        writes.insert_hits(con, screened, run_id)
    screened_codes = set(screened["credit_code"].to_list()) if not screened.is_empty() else set()
    unchanged = set(classified.filter(pl.col("change") == "unchanged")["credit_code"].to_list()) - screened_codes
    persons.refresh_links(con, run_id)  # person–firm links (延伸监管) of the firm versions this run wrote
    previous = con.sql("select * from watchlist").pl()
    watch, audit = watchlist.update(previous, screened, unchanged, set(gone["credit_code"].to_list()), run_id,
                                    as_of, datetime.now(), persons.related_to_confirmed(con))
    writes.replace_watchlist(con, watch)
    writes.insert_audit(con, audit)
    outbox.fill(con, run_id)  # the hand-off entries of this run's changes, in the same transaction
