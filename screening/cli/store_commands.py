"""Commands of the store: ingest an extract, query the views, record decisions, show the runs."""

from pathlib import Path

import click

from screening.cli import options
from screening.cli.options import db_option
from screening.cli.terminal import echo


@click.command()
@click.argument("extract", type=click.Path(path_type=Path))
@db_option
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Registry date of the extract.")
@click.option("--full", is_flag=True, help="The extract is the whole registry: report stored firms it lacks.")
@click.option("--allow-mass-missing", is_flag=True,
              help="With --full, accept an extract that marks more than REGSCREEN_MISSING_LIMIT (20%) of the "
                   "stored firms missing.")
def scan(extract: Path, db: Path | None, as_of, full: bool, allow_mass_missing: bool) -> None:
    """Ingest EXTRACT into the store, screen what changed, update the watch list (one transaction)."""
    from screening.cli.report import print_run, scan_progress
    from screening.store.scan import scan as run_scan

    store = options.store_to_write(db, create=True)
    screener = options.ScreenerWhenNeeded()  # built only when the run screens (a repeat never builds it)
    if not extract.is_file():
        options.fail(f"{extract}: no such file")
    options.check_extract(extract)  # a spreadsheet over the limits is refused before anything is loaded
    with scan_progress(extract) as advance:
        report = run_scan(extract, store, screener, as_of.date() if as_of else None, full,
                          progress=advance, options=options.run_options(allow_mass_missing))
    for note in report.notes:
        echo(note)
    print_run(report.run)


@click.command()
@click.argument("query")
@db_option
@click.option("--csv", "as_csv", is_flag=True,
              help="CSV on stdout instead of a table (cells that would start a formula get a leading ').")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="Print at most N rows (default: REGSCREEN_SQL_ROWS, 1000).")
@click.option("--all", "all_rows", is_flag=True, help="Print every row (streamed; still under the time limit).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds the query may run (default: REGSCREEN_SQL_TIMEOUT, 120).")
def sql(query: str, db: Path | None, as_csv: bool, limit: int | None, all_rows: bool, timeout: float | None) -> None:
    """Run a read-only QUERY against the store (views: v_watchlist_current, v_new_since_last_run, …).

    It reads the store's published snapshot: the last complete run, never blocked by one in progress.
    The query runs under a memory limit and a time limit; at most 1000 rows are printed unless --limit
    or --all says otherwise. Values are shown as text, ID numbers masked."""
    from screening.cli.report import print_query
    from screening.store.database import stream_query

    if limit is not None and all_rows:
        options.fail("give --limit N or --all, not both")
    max_rows = None if all_rows else options.settings().sql_rows if limit is None else limit
    batches = stream_query(options.store_to_read(db), query, options.query_bounds(timeout),
                           1000 if max_rows is None else min(max_rows + 1, 1000))
    try:
        print_query(batches, as_csv, max_rows)
    finally:
        batches.close()


@click.command()
@click.argument("credit_code")
@click.argument("decision", type=click.Choice(["confirm", "dismiss", "refer"]))
@click.option("--reason", required=True, help="Why (kept with the decision).")
@click.option("--by", "decided_by", required=True, help="Who decides (recorded as cli:NAME, apart from the workspace's signed-in users).")
@db_option
def decide(credit_code: str, decision: str, reason: str, decided_by: str, db: Path | None) -> None:
    """Record an analyst's DECISION on a watch-list firm (applies to its current registration)."""
    from screening.store.decisions import decide as record

    by = f"cli:{decided_by.strip()}" if decided_by.strip() else ""  # a blank --by is refused by decide
    row = record(options.store_to_write(db), credit_code, decision, reason, by, options.settings().interest_min_confirmed)
    echo(f"recorded decision {row['decision_id']}: {row['credit_code']} {row['decision']} by {row['decided_by']}")


@click.command()
@db_option
@click.option("--runs", "limit", default=10, show_default=True, help="How many recent runs to show.")
def status(db: Path | None, limit: int) -> None:
    """The last runs with their counts (rows in = loaded + rejected) and list versions."""
    from screening.cli.report import print_status
    from screening.store.status import last_runs

    runs, watch = last_runs(options.store_to_read(db), limit)
    print_status(runs, watch)


COMMANDS = (scan, sql, decide, status)
