"""Commands of the store: ingest an extract, query the views, record decisions, show the runs."""

from pathlib import Path

import click

from screening.cli import options
from screening.cli.options import db_option


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

    screener = options.ScreenerWhenNeeded()
    if not extract.is_file():
        options.fail(f"{extract}: no such file")
    with scan_progress(extract) as advance:
        report = run_scan(extract, options.store_path(db), screener, as_of.date() if as_of else None, full,
                          progress=advance, options=options.run_options(allow_mass_missing))
    for note in report.notes:
        click.echo(note)
    print_run(report.run)


@click.command()
@click.argument("query")
@db_option
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout instead of a table.")
def sql(query: str, db: Path | None, as_csv: bool) -> None:
    """Run a read-only QUERY against the store (views: v_watchlist_current, v_new_since_last_run, …).

    It reads the store's published snapshot: the last complete run, never blocked by one in progress."""
    from screening.cli.report import print_query
    from screening.store.database import read_query

    columns, rows = read_query(options.store_path(db), query)
    print_query(columns, rows, as_csv)


@click.command()
@click.argument("credit_code")
@click.argument("decision", type=click.Choice(["confirm", "dismiss", "refer"]))
@click.option("--reason", required=True, help="Why (kept with the decision).")
@click.option("--by", "decided_by", required=True, help="Who decides.")
@db_option
def decide(credit_code: str, decision: str, reason: str, decided_by: str, db: Path | None) -> None:
    """Record an analyst's DECISION on a watch-list firm (applies to its current registration)."""
    from screening.store.decisions import decide as record

    row = record(options.store_path(db), credit_code, decision, reason, decided_by)
    click.echo(f"recorded decision {row['decision_id']}: {row['credit_code']} {row['decision']} by {row['decided_by']}")


@click.command()
@db_option
@click.option("--runs", "limit", default=10, show_default=True, help="How many recent runs to show.")
def status(db: Path | None, limit: int) -> None:
    """The last runs with their counts (rows in = loaded + rejected) and list versions."""
    from screening.cli.report import print_status
    from screening.store.status import last_runs

    runs, watch = last_runs(options.store_path(db), limit)
    print_status(runs, watch)


COMMANDS = (scan, sql, decide, status)
