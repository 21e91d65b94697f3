"""Analysts' decisions on watch-list firms: confirm, dismiss or refer, with who, when and why.

A decision applies to the firm's current registration (its content hash): it stays with the
firm across runs and the firm returns to the review queue only when its registration changes, or when
a supervisor reopens it (a ``reopen`` decision: the latest decision is then no decision at all).
"""

from datetime import datetime
from pathlib import Path

from screening.errors import DecisionError, StoreMissing
from screening.store import interest, persons
from screening.store.database import apply_schema, write_transaction
from screening.store.lock import run_lock
from screening.store.publish import publish_after_write

DECISIONS = ("confirm", "dismiss", "refer", "reopen")


def decide(db: Path, credit_code: str, decision: str, reason: str, decided_by: str, min_confirmed: int = 2) -> dict:
    """Record a decision about the firm's current version, with an audit row, in one transaction, under
    the store's run lock (RunInProgress while a run writes); then publish the read-only snapshot.
    ``min_confirmed``: REGSCREEN_INTEREST_MIN_CONFIRMED (persons of interest are recomputed)."""
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if not reason.strip() or not decided_by.strip():
        raise DecisionError("a decision needs a reason (--reason) and who took it (--by)")
    if not db.exists():
        raise StoreMissing(f"{db}: no store here; pass --db with the store the firm is in")
    with run_lock(db):
        with write_transaction(db) as con:
            apply_schema(con)
            row = record(con, credit_code.strip().upper(), decision, reason.strip(), decided_by.strip())
            interest.after_decision(con, min_confirmed)  # persons of interest, spot checks withdrawn (重点抽查)
        publish_after_write(db)  # analysts' read-only snapshot shows the decision
    return row


def record(con, credit_code: str, decision: str, reason: str, decided_by: str) -> dict:
    """Insert the decision and its audit row (inside the caller's transaction)."""
    found = con.execute("select content_hash, status from watchlist where credit_code = ?", [credit_code]).fetchall()
    firm = found[0] if found else None
    if firm is None:
        raise DecisionError(f"{credit_code} is not on the watch list; see `regscreen sql \"select * from "
                            "v_watchlist_current\"` for the firms you can decide on")
    decision_id = con.execute("select coalesce(max(decision_id), 0) + 1 from decisions").fetchall()[0][0]
    now = datetime.now()
    row = {"decision_id": decision_id, "credit_code": credit_code, "decision": decision, "reason": reason,
           "decided_by": decided_by, "decided_at": now, "content_hash": firm[0]}
    con.execute("insert into decisions values ($decision_id, $credit_code, $decision, $reason, $decided_by,"
                " $decided_at, $content_hash)", row)
    con.execute("insert into audit values (null, ?, ?, ?, ?, ?)",
                [credit_code, now, firm[1], firm[1], f"decision {decision} by {decided_by}: {reason}"])
    persons.reprioritise(con)  # a confirm raises the firms of the same persons
    return row
