"""Ledgers: small database files beside the store for the writes analysts make, published on their own.

Why (issue 14, "publishing costs what the write changed"): DuckDB lets one process hold a database
file while it writes, so analysts read a published copy of the store (:mod:`screening.store.publish`).
Copying the whole store after one analyst's decision would cost the store's size (tens of GB at
national scale) for a row. So decisions live in their own file, which only ``decide`` writes:

    registry.duckdb                        the store: written by runs (and hand-off bookkeeping)
    registry.decisions.duckdb              the decisions ledger: written by decide()
    registry.published.duckdb              the store's snapshot
    registry.decisions.published.duckdb    the ledger's snapshot

A decision commits to the ledger and publishes the ledger alone (a copy of a file of a few MB), so it is
visible to readers in milliseconds whatever the store's size. Every connection attaches the ledger
under a fixed catalog name (``decisions_db``): writers attach the ledger file read-only, readers attach
its snapshot read-only before their configuration is locked. The store has a view ``decisions`` over
the ledger's table, so queries and the analysts' views read ``decisions`` as before. What a decision
changes for the watch list (its review state, the 延伸监管 order) is computed by the views at read time
(``v_watch_priority``), never written into the store.

Atomicity: each write touches exactly one file (DuckDB refuses a transaction that writes two attached
databases), and every write holds the store's run lock, so runs and decisions are serialised; a reader
opens the store's snapshot first and the ledger's second, so it sees complete writes only, and never a
decision older than the store state it reads. The run log (``registry.runlog.duckdb``, catalog ``runlog_db``) is the second ledger: a repeat run
changes nothing in the store, so it is recorded there (a row) and the view ``v_runs`` shows it with the
complete runs. A store written before ledgers keeps its ``decisions``
table until the first writer moves the rows into the ledger (copied first, dropped after: a kill in
between leaves both, and the next writer copies only the rows the ledger lacks).
"""

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

from screening.store.sqlfiles import SQL_DIR, read_sql_file


@dataclass(frozen=True, slots=True)
class Ledger:
    """A ledger: its file name part, the catalog name every connection attaches it as, its schema file, and
    the statements that attach it (the catalog name is part of the SQL, never a value)."""

    name: str
    alias: str
    schema: str
    attach_read_only: str
    attach_writable: str

    def path(self, db: Path) -> Path:
        """The ledger file of the store ``db``: ``registry.duckdb`` → ``registry.decisions.duckdb``."""
        return db.with_name(f"{db.stem}.{self.name}{db.suffix}")

    def schema_sql(self) -> str:
        """The ledger's tables (``sql/ledgers/<name>.sql``)."""
        return read_sql_file(SQL_DIR / "ledgers" / f"{self.schema}.sql").sql


DECISIONS = Ledger("decisions", "decisions_db", "decisions", "attach if not exists ? as decisions_db (read_only)",
                   "attach if not exists ? as decisions_db")
RUNLOG = Ledger("runlog", "runlog_db", "runlog", "attach if not exists ? as runlog_db (read_only)",
                "attach if not exists ? as runlog_db")
LEDGERS = (DECISIONS, RUNLOG)
LEGACY_TABLE = ("select count(*) from duckdb_tables() where database_name = current_database() "
                "and table_name = $table")
MIGRATE_DECISIONS = ("insert into decisions_db.decisions by name select d.*, null as watch_status from decisions d "
                     "where d.decision_id not in (select decision_id from decisions_db.decisions)")


def ensure(db: Path, ledger: Ledger) -> Path:
    """The ledger file of ``db``, created with its tables when missing (call with the run lock held)."""
    path = ledger.path(db)
    with closing(duckdb.connect(str(path))) as con:
        con.execute(ledger.schema_sql())
    return path


def attach(con: duckdb.DuckDBPyConnection, db: Path, read_only: bool = True) -> None:
    """Attach every ledger of the store ``db`` to ``con`` (a writer's connection to the store), created when
    missing, and move a legacy ``decisions`` table of the store into its ledger (run lock held)."""
    for ledger in LEDGERS:
        path = ledger.path(db)
        if not path.exists():
            ensure(db, ledger)
        legacy = ledger is DECISIONS and con.execute(LEGACY_TABLE, {"table": ledger.name}).fetchall()[0][0]
        if legacy:
            move_legacy_rows(con, path, ledger)
        con.execute(ledger.attach_read_only if read_only else ledger.attach_writable, [str(path)])
        if legacy:  # the store reads the ledger's table by its old name
            con.execute(read_sql_file(SQL_DIR / "schema_ledgers.sql").sql)


def move_legacy_rows(con: duckdb.DuckDBPyConnection, path: Path, ledger: Ledger) -> None:
    """Copy the rows of the store's own ``decisions`` table into the ledger, then drop the table (two
    transactions, each writing one file; repeatable)."""
    con.execute(ledger.attach_writable, [str(path)])
    con.execute(MIGRATE_DECISIONS)
    con.execute("detach decisions_db")
    con.execute("drop table decisions")


def attach_snapshots(con: duckdb.DuckDBPyConnection, snapshots: dict[str, Path]) -> None:
    """Attach the ledgers' published snapshots read-only to a reader's connection (by catalog name)."""
    for ledger in LEDGERS:
        con.execute(ledger.attach_read_only, [str(snapshots[ledger.alias])])


def attach_existing(con: duckdb.DuckDBPyConnection, db: Path, snapshots: bool = False) -> None:
    """Attach the ledger files of the store ``db`` that exist (``snapshots``: their published snapshots)
    read-only, without creating or moving anything."""
    for ledger in LEDGERS:
        path = ledger.path(db)
        if snapshots:
            path = path.with_name(f"{path.stem}.published{path.suffix}")
        if path.exists():
            con.execute(ledger.attach_read_only, [str(path)])
