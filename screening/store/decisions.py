"""Analysts' decisions on watch-list firms: confirm, dismiss or refer, with who, when and why.

A decision applies to the firm's current registration (its content hash): it stays with the
firm across runs and the firm returns to the review queue only when its registration changes, or when
a supervisor reopens it (a ``reopen`` decision: the latest decision is then no decision at all).
Decisions are written to the decisions ledger beside the store (:mod:`screening.store.ledgers`) and
published by copying that small file alone, so a decision is visible to readers at once whatever the
store's size. Its effects on the watch list (the review queue, 延伸监管 raising the firms of a confirmed
firm's persons) are computed by the views when they are read, so the store itself is not written for
them. Only the 重点抽查 list (:mod:`screening.store.interest`) lives in the store: a confirm, or a decision that
replaces a confirm, recomputes the persons of interest there after the ledger is published (the decision is
visible first), then publishes the store.
"""

from contextlib import closing
from datetime import datetime
from pathlib import Path

import duckdb

from screening.errors import DecisionError, StoreError, StoreMissing
from screening.store import interest, ledgers
from screening.store.database import apply_schema, open_store, open_writer, write_transaction
from screening.store.lock import run_lock
from screening.store.publish import publish_after_write

DECISIONS = ("confirm", "dismiss", "refer", "reopen")
ON_LIST = ("select content_hash, status from watchlist where credit_code = ?")
LATEST = "select decision from decisions where credit_code = ? order by decided_at desc, decision_id desc limit 1"
INSERT = ("insert into decisions (decision_id, credit_code, decision, reason, decided_by, decided_at, content_hash,"
          " watch_status) select coalesce(max(decision_id), 0) + 1, $credit_code, $decision, $reason, $decided_by,"
          " $decided_at, $content_hash, $watch_status from decisions returning decision_id")


def decide(db: Path, credit_code: str, decision: str, reason: str, decided_by: str, min_confirmed: int = 2) -> dict:
    """Record a decision about the firm's current version in one transaction on the decisions ledger, under
    the store's run lock (RunInProgress while a run writes); then publish the ledger's snapshot. A confirm,
    or a decision that replaces a confirm, then recomputes the persons of interest in the store and withdraws
    the spot checks of those no longer of interest (``min_confirmed``: REGSCREEN_INTEREST_MIN_CONFIRMED)."""
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if not reason.strip() or not decided_by.strip():
        raise DecisionError("a decision needs a reason (--reason) and who took it (--by)")
    if not db.exists():
        raise StoreMissing(f"{db}: no store here; pass --db with the store the firm is in")
    with run_lock(db):
        code = credit_code.strip().upper()
        content_hash, status = watch_entry(db, code)
        ledger = ledgers.DECISIONS.path(db) if ledgers.DECISIONS.path(db).exists() else ledgers.ensure(
            db, ledgers.DECISIONS)
        row = {"credit_code": code, "decision": decision, "reason": reason.strip(), "decided_by": decided_by.strip(),
               "decided_at": datetime.now(), "content_hash": content_hash, "watch_status": status}
        with closing(duckdb.connect(str(ledger))) as con:
            con.execute("begin transaction")
            previous = con.execute(LATEST, [code]).fetchall()
            row["decision_id"] = con.execute(INSERT, row).fetchall()[0][0]
            con.execute("commit")
        publish_after_write(ledger)  # readers see the decision: the ledger's snapshot, a small file
        if (decision == "confirm" or (previous and previous[0][0] == "confirm")) and interest_changed(db, min_confirmed):
            with write_transaction(db) as store:  # 重点抽查: persons of interest again, withdrawals
                apply_schema(store)
                interest.after_decision(store, min_confirmed)
            publish_after_write(db)
    return row


def interest_changed(db: Path, min_confirmed: int) -> bool:
    """Whether the decision just recorded changes the persons of interest (read from the store, the ledger
    attached as written)."""
    with closing(open_store(db)) as con:
        return interest.evidence_changed(con, min_confirmed)


def watch_entry(db: Path, credit_code: str) -> tuple[str, str]:
    """(content hash, status) of the firm's watch-list entry, read from the store (no run writes it now);
    a store from before the ledger has its decisions moved into it first."""
    try:
        with closing(duckdb.connect(str(db), read_only=True)) as con:
            legacy = con.execute(ledgers.LEGACY_TABLE, {"table": ledgers.DECISIONS.name}).fetchall()[0][0]
            found = con.execute(ON_LIST, [credit_code]).fetchall()
    except duckdb.Error as error:
        raise StoreError(f"{db}: cannot be read as a store ({str(error).splitlines()[0]}); check --db") from None
    if legacy:
        with closing(open_writer(db)):
            pass  # attaching the ledger moves the store's own decisions table into it
    if not found:
        raise DecisionError(f"{credit_code} is not on the watch list; see `regscreen sql \"select * from "
                            "v_watchlist_current\"` for the firms you can decide on")
    return found[0]
