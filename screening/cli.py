"""The ``regscreen`` command line."""

import sys
from pathlib import Path

import click
import orjson

from screening.extract.headers import ExtractError
from screening.settings import get_settings
from screening.termlists import TermListError


def fail(message: str) -> None:
    """Print a one-line error on stderr and exit with status 2."""
    click.echo(f"regscreen: error: {message}", err=True)
    sys.exit(2)


def load_screener():
    """The screener over the configured lists, or a clear error."""
    from screening.screener import Screener

    try:
        return Screener.from_settings(get_settings())
    except (TermListError, ValueError, OSError) as error:
        fail(str(error))


@click.group()
def main() -> None:
    """Screen business registrations for the plans' restricted words (互联网金融风险专项整治)."""


@main.command()
@click.argument("extract", type=click.Path(path_type=Path))
@click.option("--format", "output", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per record on stdout; table: a readable table with hits highlighted.")
@click.option("--flagged-only", is_flag=True, help="Show only flagged records (table format).")
@click.option("--no-extended", is_flag=True,
              help="Switch the extended risk tier (关注) off: no extended hits, attention always false "
                   "(default: REGSCREEN_EXTENDED_TIER, on).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that screen chunks side by side (output stays in input order); "
                   "2 on a 2-core machine for a large extract.")
def check(extract: Path, output: str, flagged_only: bool, no_extended: bool, workers: int) -> None:
    """Screen every firm of EXTRACT (CSV, .xlsx, .parquet, .jsonl) without touching any database.

    Each record gets ``flagged`` (the plans' lists, 重点监管) and, apart, ``attention`` (the extended
    tier, 关注), with every hit, its tier and the parsed name (region, trade name, industry, form)."""
    from screening.parallel import screen_frames_on
    from screening.report import print_table, progress_frames
    from screening.results import firm_result

    screener = load_screener()
    if no_extended:
        screener = screener.without_extended()
    try:
        frames = progress_frames(screen_frames_on(screener, extract, get_settings().chunk_rows, workers), extract)
        if output == "table":
            print_table((firm_result(row) for frame in frames for row in frame.iter_rows(named=True)), flagged_only)
            return
        for frame in frames:
            frame.write_ndjson(sys.stdout.buffer)
            sys.stdout.buffer.flush()
    except ExtractError as error:
        fail(str(error))
    except BrokenPipeError:
        sys.stderr.close()


@main.command()
@click.option("--format", "output", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def terms(output: str) -> None:
    """The loaded term lists: term, fields, action, category, lead regulator, region, source, version.

    The extended tier (关注) is listed after the plans' lists when it is on, its reason as the source."""
    from screening.report import print_terms, term_rows

    screener = load_screener()
    lists = screener.lists + ([screener.extended.term_list] if screener.extended else [])
    if output == "jsonl":
        for row in term_rows(lists):
            sys.stdout.buffer.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
    else:
        print_terms(lists)


def db_option(function):
    """The --db option shared by the store commands."""
    return click.option("--db", type=click.Path(path_type=Path), default=None,
                        help="The DuckDB store file (default: REGSCREEN_DB_PATH or data/registry.duckdb).")(function)


@main.command()
@click.argument("extract", type=click.Path(path_type=Path))
@db_option
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Registry date of the extract.")
@click.option("--full", is_flag=True, help="The extract is the whole registry: report stored firms it lacks.")
def scan(extract: Path, db: Path | None, as_of, full: bool) -> None:
    """Ingest EXTRACT into the store, screen what changed, update the watch list (one transaction)."""
    from screening.report import print_run, scan_progress
    from screening.store.lock import RunInProgress
    from screening.store.scan import scan as run_scan

    screener = load_screener()
    if not extract.is_file():
        fail(f"{extract}: no such file")
    try:
        with scan_progress(extract) as advance:
            report = run_scan(extract, db or get_settings().db_path, screener, as_of.date() if as_of else None,
                              full, progress=advance)
    except (ExtractError, RunInProgress) as error:
        fail(str(error))
    print_run(report.run)


@main.command()
@click.argument("query")
@db_option
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout instead of a table.")
def sql(query: str, db: Path | None, as_csv: bool) -> None:
    """Run a read-only QUERY against the store (views: v_watchlist_current, v_new_since_last_run, …).

    It reads the store's published snapshot: the last complete run, never blocked by one in progress."""
    import duckdb

    from screening.report import print_query
    from screening.store.database import open_reader

    try:
        con = open_reader(db or get_settings().db_path)
    except (duckdb.Error, FileNotFoundError) as error:
        fail(str(error).splitlines()[0])
    try:
        cursor = con.execute(query)
        columns, rows = [c[0] for c in cursor.description or []], cursor.fetchall()
    except duckdb.Error as error:
        fail(f"{error}".splitlines()[0] + " (the store is read-only here; see `regscreen sql --help`)")
    finally:
        con.close()
    print_query(columns, rows, as_csv)


@main.command()
@click.argument("credit_code")
@click.argument("decision", type=click.Choice(["confirm", "dismiss", "refer"]))
@click.option("--reason", required=True, help="Why (kept with the decision).")
@click.option("--by", "decided_by", required=True, help="Who decides.")
@db_option
def decide(credit_code: str, decision: str, reason: str, decided_by: str, db: Path | None) -> None:
    """Record an analyst's DECISION on a watch-list firm (applies to its current registration)."""
    from screening.store.decisions import DecisionError, decide as record
    from screening.store.lock import RunInProgress

    try:
        row = record(db or get_settings().db_path, credit_code, decision, reason, decided_by)
    except (DecisionError, RunInProgress) as error:
        fail(str(error))
    click.echo(f"recorded decision {row['decision_id']}: {row['credit_code']} {row['decision']} by {row['decided_by']}")


@main.command()
@db_option
@click.option("--runs", "limit", default=10, show_default=True, help="How many recent runs to show.")
def status(db: Path | None, limit: int) -> None:
    """The last runs with their counts (rows in = loaded + rejected) and list versions."""
    from screening.report import print_status
    from screening.store.status import last_runs

    try:
        runs, watch = last_runs(db or get_settings().db_path, limit)
    except FileNotFoundError as error:
        fail(str(error))
    print_status(runs, watch)


@main.command()
@click.argument("extract_dir", type=click.Path(path_type=Path))
@db_option
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Registry date (default: today, Asia/Shanghai).")
@click.option("--full", is_flag=True, help="The extracts are the whole registry.")
@click.option("--dask", "address", default=None, help="Address of an existing Dask scheduler, e.g. tcp://scheduler:8786.")
@click.option("--workers", type=int, default=None, help="Workers of the local Dask cluster (default: one per core).")
@click.option("--runner", type=click.Choice(["dask", "threads"]), default="dask", show_default=True)
@click.option("--export-dir", type=click.Path(path_type=Path), default=Path("data/handoff"), show_default=True,
              help="Where the hand-off files per regulator go.")
def nightly(extract_dir: Path, db: Path | None, as_of, full: bool, address: str | None, workers: int | None,
            runner: str, export_dir: Path) -> None:
    """Run the nightly Prefect flow once, locally, over the extracts waiting in EXTRACT_DIR."""
    from flows.nightly import nightly_registry_scan
    from flows.runners import task_runner
    from screening.store.lock import RunInProgress

    configured = nightly_registry_scan.with_options(task_runner=task_runner(runner, address, workers))
    try:
        runs = configured(drop_dir=extract_dir, db=db or get_settings().db_path,
                          as_of=as_of.date() if as_of else None, full=full, export_dir=export_dir)
    except (RunInProgress, FileNotFoundError, ExtractError) as error:
        fail(str(error))
    click.echo(f"{len(runs)} extract(s) processed" + "".join(
        f"\n  run {r['run_id']} {r['status']}: {Path(r['extract_file']).name}" for r in runs))


@main.command()
@click.option("--endpoint", default=None, help="URL to push to (default: REGSCREEN_PUSH_ENDPOINT).")
@db_option
@click.option("--batch", type=click.IntRange(min=1), default=100, show_default=True, help="Entries per request.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for each answer.")
@click.option("--now", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]), default=None,
              help="The clock (default: now): entries whose next attempt is later are skipped.")
def push(endpoint: str | None, db: Path | None, batch: int, timeout: float, now) -> None:
    """Push the outbox (new, changed, cleared, exempt, missing watch-list entries) to the regulators' endpoint.

    Failed batches stay pending and are retried by a later push after a backoff; exit 1 when one failed."""
    from datetime import datetime

    from screening.handoff.push import push as run_push
    from screening.store.lock import RunInProgress

    endpoint = endpoint or get_settings().push_endpoint
    if not endpoint:
        fail("no push endpoint configured: give --endpoint URL or set REGSCREEN_PUSH_ENDPOINT")
    try:
        report = run_push(db or get_settings().db_path, endpoint, batch, (lambda: now) if now else datetime.now,
                          timeout)
    except (RunInProgress, FileNotFoundError) as error:
        fail(str(error))
    click.echo(f"pushed to {endpoint}: {report.delivered} delivered in {report.batches} batch(es), "
               f"{report.failed} failed, {report.pending} pending")
    if report.errors:
        click.echo(f"regscreen: push failed, will retry: {report.errors[0]}", err=True)
        sys.exit(1)


@main.command()
@click.option("--to", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the hand-off files (created when missing).")
@click.option("--regulator", "regulators", multiple=True, type=click.Choice(["银监局", "证监局", "保监局", "人民银行", "金融办"]),
              help="Only this lead regulator (repeatable; default: all five).")
@click.option("--since-last/--all", "since_last", default=True, show_default=True,
              help="Only rows new or changed since each regulator's last hand-off, or everything on the list.")
@db_option
def export(out_dir: Path, regulators: tuple[str, ...], since_last: bool, db: Path | None) -> None:
    """Write each lead regulator's hand-off: .xlsx, CSV (GB18030 and UTF-8 with BOM) and manifest.json."""
    from screening.handoff.export import export as hand_off
    from screening.store.lock import RunInProgress

    try:
        records = hand_off(db or get_settings().db_path, out_dir, list(regulators) or None, since_last)
    except (FileNotFoundError, ValueError, RunInProgress) as error:
        fail(str(error))
    if not records:
        click.echo("nothing new to hand off since the last export (use --all to export everything again)")
    for record in records:
        click.echo(f"{record['regulator']}: {record['row_count']} row(s) + {record['attention_rows']} of the extended "
                   f"tier (关注), runs {record['since_run'] + 1}–{record['run_id']} → {out_dir / record['files'][0]['name']}")


@main.command()
@click.argument("credit_code")
@click.option("--html", "as_html", is_flag=True, help="A self-contained HTML page on stdout instead of text.")
@db_option
def dossier(credit_code: str, as_html: bool, db: Path | None) -> None:
    """One firm's file (一户一档): every registration version, hits, watch-list history, decisions, related firms."""
    import duckdb

    from screening.handoff.dossier import UnknownFirm, load, render_html, render_text

    try:
        found = load(db or get_settings().db_path, credit_code)
    except (UnknownFirm, FileNotFoundError, duckdb.Error) as error:
        fail(str(error).splitlines()[0] if not isinstance(error, UnknownFirm) else error.args[0])
    click.echo(render_html(found) if as_html else render_text(found), nl=False)


@main.command()
@click.argument("credit_code")
@db_option
def related(credit_code: str, db: Path | None) -> None:
    """Firms sharing a legal representative or shareholder with CREDIT_CODE, with their watch-list status (延伸监管)."""
    import duckdb

    from screening.handoff.related import firm_exists, latest_decision, related as related_firms
    from screening.handoff.safe_cells import mask_ids
    from screening.store.database import open_reader

    code = credit_code.strip().upper()
    try:
        con = open_reader(db or get_settings().db_path)
    except (duckdb.Error, FileNotFoundError) as error:
        fail(str(error).splitlines()[0])
    try:
        if not firm_exists(con, code):
            fail(f"{code}: no such firm in the store (check the credit code, or pass --db)")
        decision, rows = latest_decision(con, code), related_firms(con, code)
    finally:
        con.close()
    click.echo(f"{code}: latest decision {decision or 'none'}; {len(rows)} related firm link(s)")
    for row in rows:
        click.echo(mask_ids(f"  {row['person']} ({row['role_here']} here, {row['role_there']} there): "
                            f"{row['credit_code']} {row['name'] or ''} — {row['watch_status']}"
                            + (f", decision {row['decision']}" if row["decision"] else "")))
