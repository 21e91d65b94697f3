"""One nightly run: ingest an extract, screen what changed, update the watch list — in one transaction.

A crash or kill at any point before COMMIT leaves the store as it was; the same extract (same
sha256, same list versions) run again changes nothing and is recorded as a repeat.
"""

from dataclasses import dataclass
from datetime import date, datetime
import hashlib
from pathlib import Path

import orjson
import polars as pl

from screening.extract.readers import SCHEMA
from screening.pipeline import screen_frame
from screening.screener import Screener
from screening.store import delta, watchlist, writes
from screening.store.database import apply_schema, open_writer
from screening.store.staging import stage_extract
from screening.termlists import load_categories
from screening.settings import get_settings


@dataclass
class RunReport:
    """What a run did, as recorded in ``runs``."""

    run: dict

    def __getattr__(self, name):
        return self.run[name]


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def previous_runs(con) -> list[dict]:
    """Every earlier run, oldest first."""
    rows = con.execute("select run_id, extract_sha256, status, list_versions from runs order by run_id").fetchall()
    return [{"run_id": r[0], "sha256": r[1], "status": r[2], "list_versions": orjson.loads(r[3])} for r in rows]


def repeat_of(runs: list[dict], sha256: str, versions: dict) -> dict | None:
    """The complete run that already processed this file with these lists, if any."""
    return next((r for r in runs if r["status"] == "complete" and r["sha256"] == sha256
                 and r["list_versions"] == versions), None)


def screen_firms(screener: Screener, firms: pl.DataFrame, chunk_rows: int, progress=lambda phase, rows: None
                 ) -> pl.DataFrame:
    """Screening results for firm rows (reader columns), keyed by credit code."""
    frames = []
    for start in range(0, firms.height, chunk_rows):
        chunk = firms.slice(start, chunk_rows)
        progress("screening", chunk.height)
        result = screen_frame(screener, chunk.select(list(SCHEMA)), has_code=True)
        frames.append(result.drop("credit_code", "name").join(
            chunk.select("record", "credit_code", "version", "change", "name", "status", "content_hash",
                         "abnormal_flag"), on="record", how="left", maintain_order="left"))
    return pl.concat(frames) if frames else pl.DataFrame()


def stored_firms_to_rescreen(con, exclude: pl.DataFrame) -> pl.DataFrame:
    """Latest versions of stored firms not in this extract's screening, as reader rows (lists changed)."""
    latest = con.sql("select * from v_firms_latest").pl()
    rows = latest.join(exclude.select("credit_code"), on="credit_code", how="anti")
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


def run_row(run_id, extract, sha, as_of, full, started, staged, kinds, missing, screened, versions, rescreen) -> dict:
    """The ``runs`` row of a complete run."""
    return {
        "run_id": run_id, "extract_file": str(extract), "extract_sha256": sha, "as_of": as_of, "full_extract": full,
        "started_at": started, "finished_at": datetime.now(), "status": "complete", "repeat_of": None,
        "rows_in": staged.rows_in, "rows_loaded": staged.firms.height, "rows_rejected": staged.rejects.height,
        "firms_new": kinds["new"], "firms_changed": kinds["changed"], "firms_updated": kinds["updated"],
        "firms_unchanged": kinds["unchanged"], "firms_missing": missing, "firms_screened": screened,
        "list_versions": versions, "rescreened_all": rescreen,
    }


def scan(extract: Path, db: Path, screener: Screener, as_of: date | None = None, full: bool = False,
         chunk_rows: int | None = None, progress=lambda phase, rows: None) -> RunReport:
    """Run one scan of ``extract`` into the store at ``db``, all in one transaction.
    ``progress(phase, rows)`` is told what is being done (reading, screening, writing)."""
    settings = get_settings()
    chunk_rows = chunk_rows or settings.chunk_rows
    as_of, started, sha = as_of or date.today(), datetime.now(), file_sha256(extract)
    priority = {name: c.priority for name, c in load_categories(settings.keywords_dir).items()}
    con = open_writer(db)
    try:
        con.execute("begin transaction")
        apply_schema(con)
        runs, versions = previous_runs(con), screener.versions
        run_id = (runs[-1]["run_id"] if runs else 0) + 1
        earlier = repeat_of(runs, sha, versions)
        if earlier:
            row = repeated_run(con, earlier["run_id"], run_id, started)
            con.execute("commit")
            return RunReport(row)
        row = load_run(con, extract, sha, as_of, full, started, run_id, runs, versions, screener, priority,
                       chunk_rows, progress)
        con.execute("commit")
        return RunReport(row)
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()


def repeated_run(con, earlier: int, run_id: int, started: datetime) -> dict:
    """Record a repeat: same file and lists as ``earlier``; nothing else changes."""
    columns = [c[0] for c in con.execute("describe runs").fetchall()]
    original = dict(zip(columns, con.execute("select * from runs where run_id = ?", [earlier]).fetchone()))
    row = original | {"run_id": run_id, "started_at": started, "finished_at": datetime.now(), "status": "repeat",
                      "repeat_of": earlier, "list_versions": orjson.loads(original["list_versions"]),
                      "firms_screened": 0}
    writes.insert_run(con, row)
    return row


def load_run(con, extract, sha, as_of, full, started, run_id, runs, versions, screener, priority, chunk_rows,
             progress) -> dict:
    """Stage, classify, screen, and write everything of one run (inside the caller's transaction)."""
    staged = stage_extract(extract, chunk_rows, lambda rows: progress("reading", rows))
    latest = con.sql("select credit_code, version, content_hash, screen_hash from v_firms_latest").pl()
    classified = delta.classify(staged.firms, latest)
    gone = delta.missing(latest, staged.firms) if full else latest.clear()
    complete = [r for r in runs if r["status"] == "complete"]
    rescreen = bool(complete) and complete[-1]["list_versions"] != versions
    to_screen = classified.filter(pl.col("change") != "unchanged")
    if rescreen:
        to_screen = pl.concat([to_screen, classified.filter(pl.col("change") == "unchanged")], how="diagonal_relaxed")
    screened = with_hold(summarised(screen_firms(screener, to_screen, chunk_rows, progress), priority))
    if rescreen:
        extra = stored_firms_to_rescreen(con, to_screen)
        more = with_hold(summarised(screen_firms(screener, extra, chunk_rows, progress), priority))
        screened = pl.concat([screened, more], how="diagonal_relaxed") if not more.is_empty() else screened
    progress("writing", 0)
    write_run(con, classified, staged, screened, gone, run_id, as_of, priority)
    kinds = delta.counts(classified)
    row = run_row(run_id, extract, sha, as_of, full, started, staged, kinds, gone.height, screened.height, versions,
                  rescreen)
    writes.insert_run(con, row)
    return row


def write_run(con, classified, staged, screened, gone, run_id, as_of, priority) -> None:
    """Firm versions, rejects, screenings, hits, watch list and audit of one run."""
    changed = classified.filter(pl.col("change") != "unchanged")
    regions = screened.select("credit_code", "region", "region_source") if not screened.is_empty() else None
    if regions is not None:
        changed = changed.join(regions, on="credit_code", how="left", maintain_order="left")
    writes.insert_firm_versions(con, changed, run_id, as_of)
    writes.touch_unchanged(con, classified.filter(pl.col("change") == "unchanged"), run_id, as_of)
    writes.insert_rejects(con, staged.rejects, run_id)
    if not screened.is_empty():
        writes.insert_screenings(con, screened, run_id)
        writes.insert_hits(con, screened, run_id)
    unchanged = set(classified.filter(pl.col("change") == "unchanged")["credit_code"].to_list())
    previous = con.sql("select * from watchlist").pl()
    watch, audit = watchlist.update(previous, screened, unchanged, set(gone["credit_code"].to_list()), run_id,
                                    as_of, datetime.now(), priority)
    writes.replace_watchlist(con, watch)
    writes.insert_audit(con, audit)
