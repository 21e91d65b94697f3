"""The outbox: watch-list status changes waiting to be pushed to the regulators.

``fill`` runs inside the scan's transaction (same connection), so a run's watch-list change and its
outbox entries are committed together or not at all. Each entry's idempotency key is the sha256 of
(credit code, run, new status, content hash): the key is the table's primary key and only missing
keys are inserted, so writing the same run twice adds nothing. The rest are the short transactions
of ``push``: read the due entries, mark a batch delivered or failed, record each attempt.
"""

from contextlib import contextmanager
from datetime import datetime
import hashlib
from pathlib import Path

from screening.errors import StoreMissing
from screening.store.database import fetch_dicts, write_transaction
from screening.store.lock import run_lock
from screening.store.sqlfiles import statement

INSERT_MISSING = (  # outbox rows of a frame named staged, each key once (the spot checks' entries)
    "insert into outbox (idempotency_key, run_id, credit_code, old_status, status, name, lead_regulator,"
    " lead_category, priority, counting_hits, hold, content_hash, created_at)"
    " select idempotency_key, run_id, credit_code, old_status, status, name, lead_regulator, lead_category,"
    " priority, counting_hits, hold, content_hash, created_at from staged"
    " where idempotency_key not in (select idempotency_key from outbox)")
DUE = (
    "select idempotency_key, run_id, credit_code, old_status, status, name, lead_regulator, lead_category,"
    " priority, counting_hits, hold, content_hash from outbox"
    " where delivered_at is null and (next_attempt_at is null or next_attempt_at <= $now)"
    " order by run_id, priority nulls last, created_at, credit_code limit $limit")  # runs in turn; the watch list's order
DELIVERED = (
    "update outbox set delivered_at = $now, attempts = attempts + 1, last_error = null, next_attempt_at = null"
    " where list_contains($keys, idempotency_key) and delivered_at is null")
FAILED = (
    "update outbox set attempts = attempts + 1, last_error = $error,"
    " next_attempt_at = $now + to_seconds(least($base * pow(2, attempts), $cap))"
    " where list_contains($keys, idempotency_key) and delivered_at is null")
ATTEMPT = ("insert into push_attempts (attempted_at, endpoint, batch_key, entries, status_code, delivered, error)"
           " values ($now, $endpoint, $batch_key, $entries, $status_code, $delivered, $error)")
COUNTS = ("select count(*) filter (where delivered_at is not null), count(*) filter (where delivered_at is null)"
          " from outbox")
HAS_OUTBOX = "select count(*) from information_schema.tables where table_name = 'outbox'"


def idempotency_key(credit_code: str, run_id: int, status: str, content_hash: str | None) -> str:
    """sha256 of (credit code, run, new status, content hash): the same change always has the same key."""
    text = "\x1f".join((credit_code, str(run_id), status, content_hash or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fill(con, run_id: int) -> None:
    """Add this run's status changes into new/changed/cleared/exempt/missing (call in the run's transaction;
    ``sql/run/outbox_fill.sql`` computes :func:`idempotency_key` in SQL)."""
    con.execute(statement("outbox_fill"), {"run_id": run_id})


@contextmanager
def transaction(db: Path):
    """A short write transaction on the store, under its run lock (no scan at the same time)."""
    if not db.exists():
        raise StoreMissing(f"{db}: no store here yet; run `regscreen scan EXTRACT --db {db}` first")
    with run_lock(db), write_transaction(db) as con:
        yield con


def due(db: Path, now: datetime, limit: int) -> list[dict]:
    """Up to ``limit`` undelivered entries whose next attempt is not in the future, oldest first."""
    with transaction(db) as con:
        if not con.execute(HAS_OUTBOX).fetchall()[0][0]:
            return []
        return fetch_dicts(con, DUE, {"now": now, "limit": limit})


def record(db: Path, keys: list[str], attempt: dict, backoff: tuple[float, float]) -> None:
    """Mark a batch delivered (2xx) or failed (attempts + 1, error, next attempt) and log the attempt."""
    with transaction(db) as con:
        if attempt["delivered"]:
            con.execute(DELIVERED, {"now": attempt["now"], "keys": keys})
        else:
            con.execute(FAILED, {"now": attempt["now"], "keys": keys, "error": attempt["error"],
                                 "base": backoff[0], "cap": backoff[1]})
        con.execute(ATTEMPT, attempt)


def counts(db: Path) -> tuple[int, int]:
    """(delivered, pending) entries of the outbox."""
    with transaction(db) as con:
        if not con.execute(HAS_OUTBOX).fetchall()[0][0]:
            return 0, 0
        return con.execute(COUNTS).fetchall()[0]
