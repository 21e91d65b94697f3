"""Every check at the counter, recorded: journaled before its answer, then flushed into the store.

Recording must neither lose a check nor wait for a nightly run (which holds the store for its whole
transaction). So it takes two steps:

1. **Journal** (:func:`journal`): each check (or each chunk of a batch) is one SQLite transaction in
   the counter's side database (:mod:`screening.store.counter_db`), fsynced before the answer is
   given. It never touches the DuckDB store, so a run in progress does not slow it.
2. **Flush** (:func:`flush_checks`): under the store's run lock, taken only when free (a run holding
   it raises RunInProgress at once and the checks wait in the journal), the pending checks are
   inserted into the store's tables ``application_checks`` and ``application_check_reasons`` in one
   transaction, the analysts' snapshot is published, and only then are they removed from the journal.
   A crash between the commit and the removal leaves them in both; the next flush inserts them again
   with ``insert or ignore`` on the check id, so nothing is lost and nothing is counted twice.

When to flush is :func:`flush_due`: the oldest pending check has waited ``max_age`` seconds, or
``max_rows`` are pending. The web server tries in the background, ``regscreen apply`` after its
answers, ``regscreen checks flush`` at once. Personal ID numbers in the application text are masked
before anything is written.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import orjson
import polars as pl

from screening.errors import StoreError
from screening.extract.personal_ids import mask_ids
from screening.store.counter_db import CounterDb
from screening.store.database import apply_schema, first_line, write_transaction
from screening.store.lock import run_lock
from screening.store.publish import publish_after_write

FLUSH_ROWS = 5_000  # pending checks that make a flush due whatever their age
CHECK_COLUMNS = ("check_id", "checked_at", "asked_by", "key_id", "via", "kind", "region", "name", "scope",
                 "previous_name", "previous_scope", "approved", "decision", "summary", "list_versions")
REASON_COLUMNS = ("check_id", "position", "term", "field", "list", "list_version", "action", "effect", "source",
                  "why", "matched", "span_start", "span_end")
INSERT_JOURNAL = ("insert into check_journal (check_id, checked_at, asked_by, key_id, via, kind, region, name, scope,"
                  " previous_name, previous_scope, approved, decision, summary, reasons, list_versions)"
                  " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_CHECKS = ("insert or ignore into application_checks (check_id, checked_at, asked_by, key_id, via, kind, region,"
                 " name, scope, previous_name, previous_scope, approved, decision, summary, list_versions, recorded_at)"
                 " select check_id, checked_at, asked_by, key_id, via, kind, region, name, scope, previous_name,"
                 " previous_scope, approved, decision, summary, list_versions, ? from journal_checks")
INSERT_REASONS = ("insert or ignore into application_check_reasons (check_id, position, term, field, list, list_version,"
                  " action, effect, source, why, matched, span_start, span_end)"
                  " select check_id, position, term, field, list, list_version, action, effect, source, why, matched,"
                  " span_start, span_end from journal_reasons")


@dataclass(slots=True)
class CheckRecord:
    """One check as it is recorded: the application, who asked, the decision and its reasons."""

    check_id: str
    checked_at: str  # local time, ISO 8601 with its offset (as answered)
    asked_by: str
    key_id: str | None
    via: str
    kind: str
    region: str
    name: str | None
    scope: str | None
    previous_name: str | None
    previous_scope: str | None
    approved: bool
    decision: str
    summary: str
    reasons: list[dict]
    list_versions: dict[str, str]


def masked(text: str | None) -> str | None:
    """Application text with personal ID numbers masked (same length)."""
    return mask_ids(text) if text else text


def journal_row(record: CheckRecord) -> tuple:
    """The journal row of a check (text masked, reasons and versions as JSON)."""
    reasons = [{**reason, "matched": masked(reason.get("matched"))} for reason in record.reasons]
    return (record.check_id, record.checked_at, record.asked_by, record.key_id,
            record.via, record.kind, record.region, masked(record.name), masked(record.scope),
            masked(record.previous_name), masked(record.previous_scope), int(record.approved), record.decision,
            record.summary, orjson.dumps(reasons).decode(),
            orjson.dumps(record.list_versions, option=orjson.OPT_SORT_KEYS).decode())


def journal(counter: CounterDb, records: list[CheckRecord]) -> None:
    """Write checks to the journal in one durable transaction (returns once they are on disk)."""
    if records:
        with counter.transaction() as con:
            con.executemany(INSERT_JOURNAL, [journal_row(record) for record in records])


def pending_state(counter: CounterDb) -> tuple[int, datetime | None]:
    """How many checks wait in the journal, and when the oldest was made."""
    row = counter.rows("select count(*) as n, min(checked_at) as oldest from check_journal")[0]
    return row["n"], datetime.fromisoformat(row["oldest"]) if row["oldest"] else None


def flush_due(counter: CounterDb, max_age_seconds: float, now: datetime | None = None,
              max_rows: int = FLUSH_ROWS) -> bool:
    """Whether the journal should be flushed: its oldest check waited ``max_age_seconds``, or it is full."""
    count, oldest = pending_state(counter)
    if not count:
        return False
    waited = ((now or datetime.now().astimezone()) - oldest).total_seconds()
    return count >= max_rows or waited >= max_age_seconds


def store_tables(rows: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The journal rows as the store's two tables (checks, reasons); times as the counter's local time.
    (Polars frames: DuckDB scans them without pyarrow's pandas import, seconds on a cold start.)"""
    checks = {name: [row[name] for row in rows] for name in CHECK_COLUMNS}
    checks["checked_at"] = [datetime.fromisoformat(at).replace(tzinfo=None) for at in checks["checked_at"]]
    checks["approved"] = [bool(flag) for flag in checks["approved"]]
    reasons: dict[str, list] = {name: [] for name in REASON_COLUMNS}
    for row in rows:
        for position, reason in enumerate(orjson.loads(row["reasons"])):
            reasons["check_id"].append(row["check_id"])
            reasons["position"].append(position)
            reasons["span_start"].append(reason.get("start"))
            reasons["span_end"].append(reason.get("end"))
            for name in REASON_COLUMNS[2:11]:
                reasons[name].append(reason.get(name))
    check_schema = {name: pl.Datetime("us") if name == "checked_at" else pl.Boolean if name == "approved" else pl.String
                    for name in CHECK_COLUMNS}
    reason_schema = {name: pl.Int64 if name in ("position", "span_start", "span_end") else pl.String
                     for name in REASON_COLUMNS}
    return pl.DataFrame(checks, schema=check_schema), pl.DataFrame(reasons, schema=reason_schema)


def flush_checks(db: Path, counter: CounterDb, batch: int = 50_000) -> int:
    """Move every journaled check into the store's tables; the number moved.

    Takes the store's run lock without waiting: RunInProgress when a run holds it (the checks stay in
    the journal for the next try). Publishes the analysts' snapshot after the commit."""
    try:
        return moved_into_store(db, counter, batch)
    except duckdb.Error as error:
        raise StoreError(f"{db}: the counter's checks could not be moved into the store ({first_line(error)});"
                         " they stay in the journal; check --db names a regscreen store") from None


def moved_into_store(db: Path, counter: CounterDb, batch: int) -> int:
    """The flush itself (see :func:`flush_checks`)."""
    moved = 0
    with run_lock(db):
        while rows := counter.rows("select * from check_journal order by checked_at limit ?", (batch,)):
            checks, reasons = store_tables(rows)
            with write_transaction(db) as con:
                apply_schema(con)
                con.register("journal_checks", checks)
                con.register("journal_reasons", reasons)
                con.execute(INSERT_CHECKS, [datetime.now()])
                con.execute(INSERT_REASONS)
            ids = orjson.dumps([row["check_id"] for row in rows]).decode()
            with counter.transaction() as journal_con:
                journal_con.execute("delete from check_journal where check_id in (select value from json_each(?))",
                                    (ids,))
            moved += len(rows)
        if moved:
            publish_after_write(db)
    return moved
