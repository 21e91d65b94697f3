"""What the store holds: the last runs with their counts (reconciled) and list versions."""

from pathlib import Path

import orjson

from screening.store.database import fetch_dicts, reading

RUNS = ("select run_id, status, repeat_of, extract_file, as_of, started_at, finished_at, rows_in, rows_loaded,"
        " rows_rejected, firms_new, firms_changed, firms_updated, firms_unchanged, firms_missing, firms_screened,"
        " list_versions, rescreened_all from v_runs order by run_id desc limit ?")


def last_runs(db: Path, limit: int = 10) -> tuple[list[dict], dict[str, int]]:
    """(the last runs, newest first, each with ``reconciled``: rows in = loaded + rejected;
    watch-list firms by status)."""
    with reading(db) as con:
        runs = fetch_dicts(con, RUNS, [limit])
        watch = dict(con.execute("select status, count(*) from watchlist group by all").fetchall())
    for run in runs:
        run["list_versions"] = orjson.loads(run["list_versions"])
        run["reconciled"] = run["rows_in"] == run["rows_loaded"] + run["rows_rejected"]
    return runs, watch
