"""The nightly flow: drop folder → stage and delta → screen the parts on the workers → one
transaction into DuckDB → watch list (and its outbox) → artifacts → hand-off files per regulator
→ push of the outbox.

Thin by design: each task is a call into ``screening``. Only I/O (the drop folder, the push) retries.
The plan stages the extract in DuckDB (bounded memory) and writes the firms to screen as Parquet parts
in the run's folder; each screening task (Dask by default: a LocalCluster sized to the machine, or an
existing cluster by address) gets the path of its part, screens it and writes its results as Parquet
parts beside it, and returns a small summary: nothing of the extract's size passes through this
process or the Dask scheduler. The commit loads every part in one DuckDB transaction. Only this flow
writes the store, holding its run lock from plan to commit; on a cluster the parts folder
(REGSCREEN_PARTS_DIR) must be a shared file system that every worker mounts at the same path.
"""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect_dask import DaskTaskRunner

from screening.handoff import export, push
from flows import workers
from flows.workers import process_screener
from screening.settings import Settings, get_settings
from screening.store import drop, scan, summary
from screening.store.database import Limits
from screening.store.lock import run_lock

REGISTRY_TIME = ZoneInfo("Asia/Shanghai")


@task(retries=3, retry_delay_seconds=[5, 30, 120], cache_policy=NO_CACHE)
def find_extracts(drop_dir: Path, db: Path) -> list[Path]:
    """Unprocessed extracts in the drop folder, oldest first."""
    return drop.pending_extracts(drop_dir, db)


def run_options(settings: Settings, chunk_rows: int, allow_mass_missing: bool) -> scan.RunOptions:
    """How the store works for this flow, from the settings."""
    return scan.RunOptions(chunk_rows, Limits(settings.duckdb_memory_limit, settings.duckdb_temp_dir),
                           settings.parts_dir, settings.missing_limit, allow_mass_missing)


@task(cache_policy=NO_CACHE)
def plan_extract(extract: Path, db: Path, as_of: date, full: bool, options: scan.RunOptions) -> scan.RunPlan:
    """Stage the extract, compare it with the store, write the parts to screen (in this process)."""
    return scan.plan_run(extract, db, process_screener().versions, as_of, full, options)


@task(cache_policy=NO_CACHE)
def screen_part(part: str, results_dir: str) -> dict:
    """Screen one part (runner threads): read its Parquet file, write its results beside it; a small summary."""
    return workers.screen_part(part, results_dir)


def screen_parts(to_screen: list[str], results_dir: str) -> list[dict]:
    """Screen every part: as plain Dask tasks on the task runner's cluster (workers need no Prefect API), or
    as Prefect tasks on the runner's threads. Only paths go out and small summaries come back."""
    runner = FlowRunContext.get().task_runner
    if isinstance(runner, DaskTaskRunner):
        futures = runner.client.map(workers.screen_part, to_screen, results_dir=results_dir, pure=False)
        return runner.client.gather(futures)
    return [future.result() for future in screen_part.map(to_screen, unmapped(results_dir))]


@task(cache_policy=NO_CACHE)
def commit(plan: scan.RunPlan) -> dict:
    """Write the run in one transaction from its result parts; returns its ``runs`` row."""
    report = scan.commit_run(plan)
    for note in report.notes:
        print(note)
    return report.run


@task(cache_policy=NO_CACHE)
def publish(db: Path, run: dict) -> None:
    """Markdown and table artifacts of the run: counts by status, regulator, region; new firms; rejects."""
    rows = summary.run_summary(db, run)
    create_markdown_artifact(summary.run_markdown(run, rows), key="nightly-registry-scan",
                             description=f"run {run['run_id']}")
    create_table_artifact(summary.new_firm_records(rows), key="nightly-new-firms",
                          description=f"firms first flagged by run {run['run_id']}")


@task(cache_policy=NO_CACHE)
def hand_off_files(db: Path, export_dir: Path, regulators: list[str] | None) -> list[dict]:
    """Each lead regulator's files of what is new or changed since its last hand-off."""
    return export.export(db, export_dir, regulators)


@task(retries=2, retry_delay_seconds=[30, 120], cache_policy=NO_CACHE)
def push_outbox(db: Path, endpoint: str) -> dict:
    """Deliver the outbox; what fails stays pending for the next run (nothing is lost)."""
    report = push.push(db, endpoint)
    return {"delivered": report.delivered, "failed": report.failed, "pending": report.pending}


@flow(name="nightly-registry-scan", log_prints=True)
def nightly_registry_scan(drop_dir: Path = Path("data/drop"), db: Path | None = None, as_of: date | None = None,
                          full: bool = False, chunk_rows: int | None = None, export_dir: Path | None = Path("data/handoff"),
                          regulators: list[str] | None = None, push_endpoint: str | None = None,
                          allow_mass_missing: bool = False) -> list[dict]:
    """Process every unprocessed extract in ``drop_dir`` into the store ``db``, then hand off:
    files per regulator into ``export_dir`` (None: no files) and the outbox to ``push_endpoint``
    (default: REGSCREEN_PUSH_ENDPOINT; unset: not pushed, entries wait in the outbox). ``regulators``
    limits the files to those lead regulators (default: all five). With ``full``, an extract that would
    mark more than REGSCREEN_MISSING_LIMIT of the stored firms missing is refused unless
    ``allow_mass_missing``."""
    settings = get_settings()
    db = Path(db or settings.db_path)
    options = run_options(settings, chunk_rows or settings.chunk_rows, allow_mass_missing)
    as_of = as_of or datetime.now(REGISTRY_TIME).date()
    runs = []
    with run_lock(db):
        for extract in find_extracts(drop_dir, db):
            plan = plan_extract(extract, db, as_of, full, options)
            to_screen = [str(part) for part in scan.parts_to_screen(plan)]
            summaries = screen_parts(to_screen, str(plan.results_dir))
            print(f"screened {sum(s['firms'] for s in summaries):,} firms in {len(summaries)} part(s) on "
                  f"{len({s['pid'] for s in summaries})} worker process(es)")
            run = commit(plan)
            publish(db, run)
            print(f"run {run['run_id']} {run['status']}: {Path(run['extract_file']).name}, "
                  f"{run['rows_in']:,} rows in = {run['rows_loaded']:,} loaded + {run['rows_rejected']:,} rejected")
            runs.append(run)
    if runs and export_dir is not None:
        for record in hand_off_files(db, Path(export_dir), regulators):
            print(f"hand-off to {record['regulator']}: {record['row_count']} firms")
    endpoint = push_endpoint or settings.push_endpoint
    if runs and endpoint:
        print(f"push: {push_outbox(db, endpoint)}")
    elif runs:
        print("push: no endpoint configured (REGSCREEN_PUSH_ENDPOINT); entries wait in the outbox")
    return runs
