"""The nightly flow: drop folder → stage the extract and its delta → screen the parts on a task runner
→ one transaction into DuckDB → watch list (and its outbox) → artifacts → hand-off files per regulator
→ push of the outbox.

Thin by design: each task is a call into ``screening``. Only I/O (the drop folder, the push) retries,
and only on an I/O error; a wrong configuration or a bad file ends the run at once with one line.
The plan stages the extract in DuckDB (bounded memory) and writes the firms to screen as Parquet parts
in the run's folder; each screening task gets the path of its part, screens it and writes its results
as Parquet parts beside it, and returns a small summary: nothing of the extract's size passes through
this process or the Dask scheduler. The parts go to the task runner (``flows.runners``: threads for a
small drop, Dask from REGSCREEN_DASK_MIN_ROWS rows on, a LocalCluster sized to the machine, or an
existing cluster by address; on a cluster the parts folder, REGSCREEN_PARTS_DIR, must be a shared file
system every worker mounts at the same path). The commit loads every part in one DuckDB transaction;
only this flow writes the store, holding its run lock from plan to commit. The drop folder's contract
(which files are complete, which are refused to ``rejected/``) is ``screening.extract.drop``.
"""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import messages, part_screening, runners
from flows.failures import ends_with_one_line, io_errors_only
from flows.masking import mask_run_logs
from screening.errors import ExtractError
from screening.extract import drop as drop_contract
from screening.extract.workbook_limits import SPREADSHEETS, WorkbookLimits, check_workbook
from screening.handoff import export, push
from screening.rules.regulators import Regulators, load_regulators
from flows.part_screening import process_screener
from screening.settings import Settings, get_settings
from screening.store import drop, scan, summary
from screening.store.database import Limits
from screening.store.location import check_output_folder, check_store
from screening.store.lock import run_lock

REGISTRY_TIME = ZoneInfo("Asia/Shanghai")
mask_run_logs()  # no personal ID number in the flow's logs


@task(retries=3, retry_delay_seconds=[5, 30, 120], retry_condition_fn=io_errors_only, cache_policy=NO_CACHE)
def find_extracts(drop_dir: Path, db: Path) -> list[drop_contract.Extract]:
    """The complete extracts in the drop folder that the store has not loaded, oldest first; files not
    complete yet wait for a later run, unreadable ones are moved to rejected/ (each said in the log)."""
    settings = get_settings()
    found = drop.take_pending(drop_dir, db, settings.drop_settle_seconds, settings.drop_require_marker,
                              wait=messages.waiting_for_files)
    messages.drop_report(found)
    return found.complete


def run_options(settings: Settings, chunk_rows: int, allow_mass_missing: bool) -> scan.RunOptions:
    """How the store works for this flow, from the settings."""
    return scan.RunOptions(chunk_rows, Limits(settings.duckdb_memory_limit, settings.duckdb_temp_dir),
                           settings.parts_dir, settings.missing_limit, allow_mass_missing,
                           settings.interest_min_confirmed)


@task(cache_policy=NO_CACHE)
def plan_extract(extract: drop_contract.Extract, db: Path, as_of: date, full: bool,
                 options: scan.RunOptions) -> scan.RunPlan:
    """Stage the extract, compare it with the store, write the parts to screen (in this process; a
    spreadsheet bounded first, the reading of a long one logged)."""
    if extract.path.suffix.lower() in SPREADSHEETS:
        check_workbook(extract.path, WorkbookLimits.configured(get_settings()))
    return scan.plan_run(extract.path, db, process_screener().versions, as_of, full, options,
                         progress=messages.reading_progress(extract))


@task(cache_policy=NO_CACHE)
def screen_part(part: str, results_dir: str) -> dict:
    """Screen one part (runner threads): read its Parquet file, write its results beside it; a small summary."""
    return part_screening.screen_part(part, results_dir)


def screen_parts(to_screen: list[str], results_dir: str) -> list[dict]:
    """Screen every part: as plain Dask tasks on the runner's cluster (workers need no Prefect API), or as
    Prefect tasks on the runner's threads. Only paths go out and small summaries come back."""
    sizes = [pq.read_metadata(part).num_rows for part in to_screen]  # firms per part, for the progress lines
    client = runners.dask_client()
    if client is not None:
        futures = client.map(part_screening.screen_part, to_screen, results_dir=results_dir, pure=False)
    else:
        futures = screen_part.map(to_screen, unmapped(results_dir))
    return messages.screened(futures, sizes)


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
                          push_endpoint: str | None = None, allow_mass_missing: bool = False) -> list[dict]:
    """Process every unprocessed extract in ``drop_dir`` (created when missing) into the store ``db``,
    then hand off: files per regulator into ``export_dir`` (default: REGSCREEN_HANDOFF_DIR, else
    ``handoff`` beside the store; ``hand_off=False``: no files) and the outbox to ``push_endpoint``
    (default: REGSCREEN_PUSH_ENDPOINT; unset: not pushed, entries wait in the outbox). ``regulators``
    limits the files to those regulators of keywords/regulators.toml, by name, other name or slug
    (default: every regulator there); an unknown one stops the flow before any run. With ``full``, an
    extract that would mark more than REGSCREEN_MISSING_LIMIT of the stored firms missing is refused
    unless ``allow_mass_missing``."""
    settings = get_settings()
    known = load_regulators(settings.keywords_dir)
    only = [known.get(name).name for name in regulators] if regulators else None
    db = check_store(Path(db or settings.db_path), create=True)  # a store, or a place for a new one: else StoreError
    options = run_options(settings, chunk_rows or settings.chunk_rows, allow_mass_missing)
    as_of = as_of or datetime.now(REGISTRY_TIME).date()
    drop_dir = drop_contract.ensure_drop_folder(Path(drop_dir))
    runs = []
    with run_lock(db):
        extracts = find_extracts(drop_dir, db)
        messages.runner_choice(extracts, runners.expect_rows(sum(e.rows or 0 for e in extracts)))
        for number, extract in enumerate(extracts, start=1):
            messages.extract_started(number, len(extracts), extract)
            try:
                plan = plan_extract(extract, db, as_of, full, options)
            except ExtractError as error:  # unreadable past its header: refused, the others go on
                refusal = drop_contract.Refusal(extract.path, "it cannot be loaded (the reason file says why)", str(error))
                messages.refused(drop_contract.refuse(drop_dir, refusal), extract.path, refusal.reason)
                continue
            if not drop_contract.unchanged(extract):
                messages.changed_while_read(extract)
                continue
            screen_parts([str(part) for part in scan.parts_to_screen(plan)], str(plan.results_dir))
            run = commit(plan)
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
