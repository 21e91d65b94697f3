"""The store's runs: complete runs (``runs``, written by each run's commit) and repeats (the run log
ledger beside the store, :mod:`screening.store.ledgers`), numbered in one sequence and read together
(``v_runs``).

A repeat is a repeat of the store's current state: the same file (sha256) with the same lists as the
latest complete run. It changes nothing in the store, so it is recorded as one row in the run log and
published by copying that small file, never the store.
"""

from contextlib import closing
from datetime import datetime
from pathlib import Path

import duckdb
import orjson

from screening.errors import RunInProgress
from screening.store import ledgers
from screening.store.publish import publish_after_write

COLUMNS = ("run_id, extract_file, extract_sha256, as_of, full_extract, started_at, finished_at, status, repeat_of, "
           "rows_in, rows_loaded, rows_rejected, firms_new, firms_changed, firms_updated, firms_unchanged, "
           "firms_missing, firms_screened, list_versions, rescreened_all")
HAS_RUNS = "select count(*) from duckdb_tables() where database_name = current_database() and table_name = 'runs'"
RUNS = "select run_id, extract_sha256, status, list_versions from runs"
REPEATS = "select run_id, extract_sha256, status, list_versions from runlog_db.repeats"
RUN = "select * from runs where run_id = ?"
INSERT_REPEAT = ("insert into repeats by name select $run_id as run_id, $extract_file as extract_file, $extract_sha256 as "
                 "extract_sha256, $as_of as as_of, $full_extract as full_extract, $started_at as started_at, "
                 "$finished_at as finished_at, $status as status, $repeat_of as repeat_of, $rows_in as rows_in, "
                 "$rows_loaded as rows_loaded, $rows_rejected as rows_rejected, $firms_new as firms_new, "
                 "$firms_changed as firms_changed, $firms_updated as firms_updated, $firms_unchanged as "
                 "firms_unchanged, $firms_missing as firms_missing, $firms_screened as firms_screened, "
                 "$list_versions::json as list_versions, $rescreened_all as rescreened_all")


def earlier_runs(db: Path) -> list[dict]:
    """Every earlier run of the store, complete runs and repeats, oldest first (none for a new store)."""
    if not db.exists():
        return []
    with closing(duckdb.connect(str(db), read_only=True)) as con:
        if not con.execute(HAS_RUNS).fetchall()[0][0]:
            return []
        rows = con.execute(RUNS).fetchall()
        ledger = ledgers.RUNLOG.path(db)
        if ledger.exists():
            con.execute(ledgers.RUNLOG.attach_read_only, [str(ledger)])
            rows += con.execute(REPEATS).fetchall()
    return [{"run_id": r[0], "sha256": r[1], "status": r[2], "list_versions": orjson.loads(r[3])}
            for r in sorted(rows)]


def repeat_of(runs: list[dict], sha256: str, versions: dict) -> dict | None:
    """The latest complete run, when it processed this very file with these lists (a repeat of the store's
    current state); an older run of the same file does not make a repeat."""
    complete = [r for r in runs if r["status"] == "complete"]
    latest = complete[-1] if complete else None
    return latest if latest and latest["sha256"] == sha256 and latest["list_versions"] == versions else None


def repeated(db: Path, earlier: int, run_id: int, started: datetime, as_of) -> dict:
    """The row of a repeat of run ``earlier``: its counts, nothing screened."""
    with closing(duckdb.connect(str(db), read_only=True)) as con:
        cursor = con.execute(RUN, [earlier])
        original = dict(zip([c[0] for c in cursor.description], cursor.fetchall()[0]))
    return original | {"run_id": run_id, "started_at": started, "finished_at": datetime.now(), "status": "repeat",
                       "repeat_of": earlier, "as_of": as_of, "list_versions": orjson.loads(original["list_versions"]),
                       "firms_screened": 0}


def record_repeat(db: Path, row: dict) -> None:
    """Record a repeat in the run log, in one transaction on that small file, and publish it; refuse if
    another run was recorded since it was planned (call with the run lock held)."""
    runs = earlier_runs(db)
    if (runs[-1]["run_id"] if runs else 0) + 1 != row["run_id"]:
        raise RunInProgress(f"{db}: another run was recorded while this one was planned; run again")
    ledger = ledgers.RUNLOG.path(db) if ledgers.RUNLOG.path(db).exists() else ledgers.ensure(db, ledgers.RUNLOG)
    with closing(duckdb.connect(str(ledger))) as con:
        con.execute("begin transaction")
        con.execute(INSERT_REPEAT, row | {"list_versions": orjson.dumps(row["list_versions"]).decode("utf-8")})
        con.execute("commit")
    publish_after_write(ledger)
