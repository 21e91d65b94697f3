"""A run's commit: everything the run changes in the store, in one DuckDB transaction, in SQL.

The store's writing connection (with DuckDB's memory limit and spill folder) attaches the run's
staging database read-only and reads the workers' result parts; then, in one transaction:

    commit_results        the screened firms (read_parquet of every results part)
    commit_firm_versions  new versions of new, changed and updated firms
    commit_touch_unchanged  unchanged firms seen again (last run, date)
    commit_rejects        the records not loaded, with reason and raw text
    commit_screenings     one screening per screened firm version
    commit_hits           every hit (read_parquet of every hits part)
    person links          :func:`screening.store.persons.refresh_links` (延伸监管)
    watch list            :func:`screening.store.watchlist.update`: lifecycle, audit, numbering
    outbox                :func:`screening.store.outbox.fill`
    interest              :func:`screening.store.interest.after_run`: persons of interest, spot checks (重点抽查)
    commit_run_row        the run, with its counts

A crash or kill before COMMIT leaves the store as it was (DuckDB rolls the transaction back, or never
wrote it); the run's folder stays for the next run to resume or remove. :data:`STEPS` names the steps
so that tests can crash at each.
"""

from contextlib import closing
from datetime import datetime
from pathlib import Path

import duckdb
import orjson

from screening.errors import RunInProgress, StoreError
from screening.store import interest, outbox, persons, watchlist
from screening.store.database import Limits, apply_schema, open_writer
from screening.store.sqlfiles import statement

STEPS = ("commit_results", "commit_firm_versions", "commit_touch_unchanged", "commit_rejects", "commit_screenings",
         "commit_hits", "person_links", "watch_list", "outbox", "interest", "commit_run_row")
LAST_RUN = "select coalesce(max(run_id), 0) from v_runs"  # complete runs and repeats


def run_step(con, name: str, params: dict | None = None) -> None:
    """One named step of the commit (a SQL file of ``sql/run/``, or a library call)."""
    calls = {"person_links": lambda: persons.refresh_links(con, params["run_id"]),
             "watch_list": lambda: watchlist.update(con, params["run_id"], params["as_of"], params["now"]),
             "outbox": lambda: outbox.fill(con, params["run_id"]),
             "interest": lambda: interest.after_run(con, params["run_id"], params["min_confirmed"])}
    if name in calls:
        calls[name]()
    else:
        con.execute(statement(name), params or {})


def commit(db: Path, run: dict, staging: Path, results: list[Path], hits: list[Path],
           limits: Limits | None = None, spill_dir: Path | None = None, min_confirmed: int = 2) -> None:
    """Write the run ``run`` (its ``runs`` row) from its staging database and result parts in one transaction;
    refuse if another run was recorded since it was planned."""
    with closing(open_writer(db, limits, spill_dir)) as con:
        con.execute("attach ? as staging (read_only)", [str(staging)])
        con.execute("begin transaction")
        try:
            apply_schema(con)
            if con.execute(LAST_RUN).fetchall()[0][0] + 1 != run["run_id"]:
                raise RunInProgress(f"{db}: another run committed while this one was planned; run again")
            write_run(con, run, results, hits, min_confirmed)
            run_step(con, "commit_run_row", run_params(run))
            con.execute("commit")
        except duckdb.OutOfMemoryException:
            con.execute("rollback")
            limit = (limits.memory_limit if limits else None) or "DuckDB's default"
            raise StoreError(f"{db}: the run's commit needs more memory than DuckDB's limit ({limit}, "
                             "REGSCREEN_DUCKDB_MEMORY_LIMIT): the store's key indexes are held in memory. Nothing "
                             "was written; run again with a larger limit, e.g. REGSCREEN_DUCKDB_MEMORY_LIMIT=2GB") from None
        except BaseException:
            con.execute("rollback")
            raise


def write_run(con, run: dict, results: list[Path], hits: list[Path], min_confirmed: int = 2) -> None:
    """Every table a run writes but ``runs`` (inside the commit's transaction)."""
    run_id, as_of = run["run_id"], run["as_of"]
    if results:
        run_step(con, "commit_results", {"files": [str(p) for p in results]})
    else:
        con.execute(statement("commit_results_empty"))
    run_step(con, "commit_firm_versions", {"run_id": run_id, "as_of": as_of})
    run_step(con, "commit_touch_unchanged", {"run_id": run_id, "as_of": as_of})
    run_step(con, "commit_rejects", {"run_id": run_id, "source_file": run["extract_file"]})
    run_step(con, "commit_screenings", {"run_id": run_id})
    if hits:
        run_step(con, "commit_hits", {"run_id": run_id, "files": [str(p) for p in hits]})
    run_step(con, "person_links", {"run_id": run_id})
    run_step(con, "watch_list", {"run_id": run_id, "as_of": as_of, "now": datetime.now()})
    run_step(con, "outbox", {"run_id": run_id})
    run_step(con, "interest", {"run_id": run_id, "min_confirmed": min_confirmed})  # before the run's row


def run_params(run: dict) -> dict:
    """The ``runs`` row as the parameters of ``commit_run_row``."""
    return run | {"list_versions": orjson.dumps(run["list_versions"]).decode("utf-8")}
