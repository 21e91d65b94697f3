"""The nightly flow: drop folder → ingest and delta → screen in chunks on a task runner → one
transaction into DuckDB → watch list (and its outbox) → artifacts → hand-off files per regulator
→ push of the outbox.

Thin by design: each task is a call into ``screening``. Only I/O (the drop folder, the push) retries,
and only on an I/O error; a wrong configuration or a bad file ends the run at once with one line.
Screening chunks are mapped over the task runner (``flows.runners``: threads for a small drop, Dask
from REGSCREEN_DASK_MIN_ROWS rows on, a LocalCluster sized to the machine, or an existing cluster by
address); workers return Arrow tables and only this flow writes to DuckDB, holding the store's run
lock from plan to commit. The drop folder's contract (which files are complete, which are refused
to ``rejected/``) is ``screening.extract.drop``.
"""

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pyarrow as pa
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import messages, runners
from flows.failures import ends_with_one_line, io_errors_only
from flows.masking import mask_run_logs
from screening.errors import ExtractError
from screening.extract import drop as drop_contract
from screening.extract.workbook_limits import SPREADSHEETS, WorkbookLimits, check_workbook
from screening.handoff import export, push
from screening.rules.regulators import Regulators, load_regulators
from screening.rules.screener import Screener, product_screener
from screening.settings import get_settings
from screening.store import drop, scan, summary
from screening.store.location import check_output_folder, check_store
from screening.store.lock import run_lock

REGISTRY_TIME = ZoneInfo("Asia/Shanghai")
mask_run_logs()  # no personal ID number in the flow's logs


@lru_cache(maxsize=1)
def process_screener() -> Screener:
    """One screener per process (the flow's, and each Dask worker's) over the configured lists."""
    return product_screener(get_settings())


@task(retries=3, retry_delay_seconds=[5, 30, 120], retry_condition_fn=io_errors_only, cache_policy=NO_CACHE)
def find_extracts(drop_dir: Path, db: Path) -> list[drop_contract.Extract]:
    """The complete extracts in the drop folder that the store has not loaded, oldest first; files not
    complete yet wait for a later run, unreadable ones are moved to rejected/ (each said in the log)."""
    settings = get_settings()
    found = drop.take_pending(drop_dir, db, settings.drop_settle_seconds, settings.drop_require_marker,
                              wait=messages.waiting_for_files)
    messages.drop_report(found)
    return found.complete


@task(cache_policy=NO_CACHE)
def plan_extract(extract: drop_contract.Extract, db: Path, as_of: date, full: bool, chunk_rows: int) -> scan.RunPlan:
    """Read, validate and compare the extract with the store (a spreadsheet bounded first; the reading of a
    long one logged)."""
    if extract.path.suffix.lower() in SPREADSHEETS:
        check_workbook(extract.path, WorkbookLimits.configured(get_settings()))
    return scan.plan_run(extract.path, db, process_screener().versions, as_of, full, chunk_rows,
                         progress=messages.reading_progress(extract))


@task(cache_policy=NO_CACHE)
def screen_chunk(chunk: pl.DataFrame) -> pa.Table:
    """Screen one chunk of firms (runs on a worker); the result travels as Arrow."""
    return scan.screen_store_chunk(process_screener(), chunk).to_arrow()


@task(cache_policy=NO_CACHE)
def commit(plan: scan.RunPlan, results: list[pa.Table]) -> dict:
    """Write the run in one transaction; returns its ``runs`` row."""
    priority = process_screener().category_priority
    screened = scan.summarise_screened([pl.from_arrow(r) for r in results], priority)
    return scan.commit_run(plan, screened, priority, get_settings().interest_min_confirmed).run


@task(cache_policy=NO_CACHE)
def publish(db: Path, run: dict) -> None:
    """Markdown and table artifacts of the run: counts by status, regulator, region; new firms; rejects."""
    rows = summary.run_summary(db, run)
    create_markdown_artifact(summary.run_markdown(run, rows), key="nightly-registry-scan",
                             description=f"run {run['run_id']}")
    create_table_artifact(summary.new_firm_records(rows), key="nightly-new-firms",
                          description=f"firms first flagged by run {run['run_id']}")


@task(cache_policy=NO_CACHE)
def hand_off_files(db: Path, export_dir: Path, regulators: Regulators, only: list[str] | None) -> list[dict]:
    """Each regulator's files of what is new or changed since its last hand-off."""
    return export.export(db, export_dir, regulators, only)


@task(retries=2, retry_delay_seconds=[30, 120], cache_policy=NO_CACHE)
def push_outbox(db: Path, endpoint: str, regulators: Regulators) -> dict:
    """Deliver the outbox; what fails stays pending for the next run (nothing is lost)."""
    report = push.push(db, endpoint, regulators=regulators)
    return {"delivered": report.delivered, "failed": report.failed, "pending": report.pending}


@flow(name="nightly-registry-scan", log_prints=True, task_runner=runners.DropSizeTaskRunner())
@ends_with_one_line
def nightly_registry_scan(drop_dir: Path = Path("data/drop"), db: Path | None = None, as_of: date | None = None,
                          full: bool = False, chunk_rows: int | None = None, export_dir: Path | None = None,
                          hand_off: bool = True, regulators: list[str] | None = None,
                          push_endpoint: str | None = None) -> list[dict]:
    """Process every unprocessed extract in ``drop_dir`` (created when missing) into the store ``db``,
    then hand off: files per regulator into ``export_dir`` (default: REGSCREEN_HANDOFF_DIR, else
    ``handoff`` beside the store; ``hand_off=False``: no files) and the outbox to ``push_endpoint``
    (default: REGSCREEN_PUSH_ENDPOINT; unset: not pushed, entries wait in the outbox). ``regulators``
    limits the files to those regulators of keywords/regulators.toml, by name, other name or slug
    (default: every regulator there); an unknown one stops the flow before any run."""
    settings = get_settings()
    known = load_regulators(settings.keywords_dir)
    only = [known.get(name).name for name in regulators] if regulators else None
    db = check_store(Path(db or settings.db_path), create=True)  # a store, or a place for a new one: else StoreError
    chunk_rows = chunk_rows or settings.chunk_rows
    as_of = as_of or datetime.now(REGISTRY_TIME).date()
    drop_dir = drop_contract.ensure_drop_folder(Path(drop_dir))
    runs = []
    with run_lock(db):
        extracts = find_extracts(drop_dir, db)
        messages.runner_choice(extracts, runners.expect_rows(sum(e.rows or 0 for e in extracts)))
        for number, extract in enumerate(extracts, start=1):
            messages.extract_started(number, len(extracts), extract)
            try:
                plan = plan_extract(extract, db, as_of, full, chunk_rows)
            except ExtractError as error:  # unreadable past its header: refused, the others go on
                refusal = drop_contract.Refusal(extract.path, "it cannot be loaded (the reason file says why)", str(error))
                messages.refused(drop_contract.refuse(drop_dir, refusal), extract.path, refusal.reason)
                continue
            if not drop_contract.unchanged(extract):
                messages.changed_while_read(extract)
                continue
            chunks = plan.chunks(chunk_rows)
            results = messages.screened(screen_chunk.map(chunks), chunks)
            run = commit(plan, results)
            publish(db, run)
            messages.run_done(run)
            runs.append(run)
    if runs and hand_off:
        folder = check_output_folder(Path(export_dir or settings.handoff_folder(db)))
        messages.handed_off(hand_off_files(db, folder, known, only))
    endpoint = push_endpoint or settings.push_endpoint
    if runs and endpoint:
        messages.pushed(push_outbox(db, endpoint, known))
    elif runs:
        print("push: no endpoint configured (REGSCREEN_PUSH_ENDPOINT); the entries wait in the outbox")
    return runs
