"""The nightly flow: drop folder → ingest and delta → screen in chunks on a task runner → one
transaction into DuckDB → watch list → artifacts.

Thin by design: each task is a call into ``screening``. Only I/O (the drop folder) retries.
Screening chunks are mapped over the task runner (Dask by default, a LocalCluster sized to the
machine, or an existing cluster by address); workers return Arrow tables and only this flow
writes to DuckDB, holding the store's run lock from plan to commit.
"""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pyarrow as pa
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from screening.screener import default_screener
from screening.settings import get_settings
from screening.store import drop, scan, summary
from screening.store.lock import run_lock

REGISTRY_TIME = ZoneInfo("Asia/Shanghai")


@task(retries=3, retry_delay_seconds=[5, 30, 120], cache_policy=NO_CACHE)
def find_extracts(drop_dir: Path, db: Path) -> list[Path]:
    """Unprocessed extracts in the drop folder, oldest first."""
    return drop.pending_extracts(drop_dir, db)


@task(cache_policy=NO_CACHE)
def plan_extract(extract: Path, db: Path, as_of: date, full: bool, chunk_rows: int) -> scan.RunPlan:
    """Read, validate and compare the extract with the store."""
    return scan.plan_run(extract, db, default_screener().versions, as_of, full, chunk_rows)


@task(cache_policy=NO_CACHE)
def screen_chunk(chunk: pl.DataFrame) -> pa.Table:
    """Screen one chunk of firms (runs on a worker); the result travels as Arrow."""
    return scan.screen_store_chunk(default_screener(), chunk).to_arrow()


@task(cache_policy=NO_CACHE)
def commit(plan: scan.RunPlan, results: list[pa.Table]) -> dict:
    """Write the run in one transaction; returns its ``runs`` row."""
    priority = scan.category_priority()
    screened = scan.summarise_screened([pl.from_arrow(r) for r in results], priority)
    return scan.commit_run(plan, screened, priority).run


@task(cache_policy=NO_CACHE)
def publish(db: Path, run: dict) -> None:
    """Markdown and table artifacts of the run: counts by status, regulator, region; new firms; rejects."""
    rows = summary.run_summary(db, run)
    create_markdown_artifact(summary.run_markdown(run, rows), key="nightly-registry-scan",
                             description=f"run {run['run_id']}")
    create_table_artifact(summary.new_firm_records(rows), key="nightly-new-firms",
                          description=f"firms first flagged by run {run['run_id']}")


@flow(name="nightly-registry-scan", log_prints=True)
def nightly_registry_scan(drop_dir: Path = Path("data/drop"), db: Path | None = None, as_of: date | None = None,
                          full: bool = False, chunk_rows: int = 50_000) -> list[dict]:
    """Process every unprocessed extract in ``drop_dir`` into the store ``db``."""
    db = Path(db or get_settings().db_path)
    as_of = as_of or datetime.now(REGISTRY_TIME).date()
    runs = []
    with run_lock(db):
        for extract in find_extracts(drop_dir, db):
            plan = plan_extract(extract, db, as_of, full, chunk_rows)
            results = [future.result() for future in screen_chunk.map(plan.chunks(chunk_rows))]
            run = commit(plan, results)
            publish(db, run)
            print(f"run {run['run_id']} {run['status']}: {Path(run['extract_file']).name}, "
                  f"{run['rows_in']:,} rows in = {run['rows_loaded']:,} loaded + {run['rows_rejected']:,} rejected")
            runs.append(run)
    return runs
