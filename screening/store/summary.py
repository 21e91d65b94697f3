"""A run's summary for people: counts by status, lead regulator and region, new firms, rejects.

Plain data and Markdown; the flow publishes them as Prefect artifacts, the CLI could print them.
"""

from pathlib import Path

from screening.store.database import open_reader

QUERIES = {
    "by_status": "select status, count(*) from watchlist group by all order by 2 desc",
    "by_regulator": "select lead_regulator, count(*) from watchlist where status in ('new', 'continuing', 'changed') "
                    "group by all order by 2 desc",
    "by_region": "select province_code, sum(firms) from v_watchlist_by_region group by all order by 2 desc limit 15",
    "new_firms": "select priority, credit_code, name, lead_regulator, counting_hits, hold from v_watchlist "
                 "where first_flagged_run = ? and status = 'new' order by priority limit 50",
    "rejects": "select record, reason, credit_code from rejects where run_id = ? order by record limit 50",
}


def run_summary(db: Path, run: dict) -> dict[str, list[tuple]]:
    """The rows behind a run's summary."""
    con = open_reader(db)
    try:
        params = {"new_firms": [run["run_id"]], "rejects": [run["run_id"]]}
        return {name: con.execute(sql, params.get(name, [])).fetchall() for name, sql in QUERIES.items()}
    finally:
        con.close()


def markdown_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    """A Markdown table (cells with | escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v if v is not None else "").replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


def run_markdown(run: dict, summary: dict[str, list[tuple]]) -> str:
    """The Markdown report of one run."""
    head = (f"# Nightly registry scan: run {run['run_id']} ({run['status']})\n\n"
            f"Extract `{Path(run['extract_file']).name}` as of {run['as_of']}: {run['rows_in']:,} rows in = "
            f"{run['rows_loaded']:,} loaded + {run['rows_rejected']:,} rejected. Firms new {run['firms_new']:,}, "
            f"changed {run['firms_changed']:,}, unchanged {run['firms_unchanged']:,}, missing {run['firms_missing']:,}; "
            f"screened {run['firms_screened']:,}.\n")
    sections = [
        ("Watch list by status", ("status", "firms"), summary["by_status"]),
        ("Active firms by lead regulator", ("lead regulator", "firms"), summary["by_regulator"]),
        ("Active firms by province", ("province code", "firms"), summary["by_region"]),
        ("New firms on the watch list", ("priority", "credit code", "name", "lead regulator", "counting hits", "hold"),
         summary["new_firms"]),
        ("Rejected records", ("record", "reason", "credit code"), summary["rejects"]),
    ]
    return head + "\n".join(f"\n## {title}\n\n{markdown_table(header, rows)}\n" for title, header, rows in sections)


def new_firm_records(summary: dict[str, list[tuple]]) -> list[dict]:
    """The new firms as records for a table artifact."""
    keys = ("priority", "credit_code", "name", "lead_regulator", "counting_hits", "hold")
    return [dict(zip(keys, row)) for row in summary["new_firms"]]
