"""Push the outbox to the regulators' endpoint: batches of JSON, delivered at least once, never lost.

Each batch is ``{"entries": [...]}``, every entry with its ``idempotency_key`` and its evidence
(:mod:`screening.handoff.push_payload`: kind, terms, scope, place, regulators, list versions, an
exemption's evidence), and the request has an ``Idempotency-Key`` header (sha256 of the batch's keys),
so the receiver can drop what it already has; a retry sends the same entries under the same keys.
Personal ID numbers in the entries' text are masked, as in every hand-off.
A 2xx marks the batch delivered; anything else (an error status, a timeout, a connection dropped
mid-answer, a receiver that is down) leaves it pending with attempts + 1, the error and a next
attempt after an exponential backoff (capped); the push then stops until that time. Every attempt
is recorded in ``push_attempts``. The store is read and written in short transactions, one per batch.
"""

from dataclasses import dataclass, field
from datetime import datetime
import hashlib
import logging
from pathlib import Path
from typing import Callable

import httpx
import orjson

from screening.errors import RunInProgress
from screening.handoff.push_payload import payload
from screening.rules.regulators import Regulators
from screening.store import outbox
from screening.store.lock import run_lock
from screening.store.publish import publish_after_write

log = logging.getLogger(__name__)

TIMEOUT = 10.0
BACKOFF = (30.0, 3600.0)  # seconds after the first failure, doubling per attempt, at most one hour


@dataclass
class PushReport:
    """What one push did."""

    batches: int = 0
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    errors: list[str] = field(default_factory=list)


def batch_key(keys: list[str]) -> str:
    """The batch's Idempotency-Key: sha256 of its entries' keys, in order."""
    return hashlib.sha256("\n".join(keys).encode("ascii")).hexdigest()


def post_batch(client: httpx.Client, endpoint: str, entries: list[dict]) -> tuple[int | None, str | None]:
    """POST one batch: (status code or None, error or None when delivered)."""
    keys = [e["idempotency_key"] for e in entries]
    body = orjson.dumps({"entries": entries})
    headers = {"Content-Type": "application/json", "Idempotency-Key": batch_key(keys)}
    try:
        answer = client.post(endpoint, content=body, headers=headers)
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"
    if 200 <= answer.status_code < 300:
        return answer.status_code, None
    return answer.status_code, f"HTTP {answer.status_code}: {answer.text[:200]}"


def push_once(client: httpx.Client, db: Path, endpoint: str, entries: list[dict], now: datetime,
              backoff: tuple[float, float]) -> tuple[bool, str | None]:
    """Send one batch and record the outcome in the store: (delivered, error)."""
    keys = [e["idempotency_key"] for e in entries]
    status_code, error = post_batch(client, endpoint, entries)
    attempt = {"now": now, "endpoint": endpoint, "batch_key": batch_key(keys), "entries": len(entries),
               "status_code": status_code, "delivered": error is None, "error": error}
    outbox.record(db, keys, attempt, backoff)
    if error:
        log.warning("push of %d entries to %s failed, will retry: %s", len(entries), endpoint, error)
    return error is None, error


def push(db: Path, endpoint: str, batch: int = 100, clock: Callable[[], datetime] = datetime.now,
         timeout: float = TIMEOUT, backoff: tuple[float, float] = BACKOFF, *, regulators: Regulators) -> PushReport:
    """Deliver the due outbox entries, with their evidence, in batches until none is due or a batch fails;
    ``regulators`` (keywords/regulators.toml) names each entry's lead regulator."""
    report = PushReport()
    with httpx.Client(timeout=timeout) as client:
        while entries := outbox.due(db, clock(), batch):
            report.batches += 1
            delivered, error = push_once(client, db, endpoint, payload(db, entries, regulators), clock(), backoff)
            if not delivered:
                report.failed += len(entries)
                report.errors.append(error)
                break
            report.delivered += len(entries)
    report.pending = outbox.counts(db)[1]
    if report.batches:
        publish_delivery_state(db)
    return report


def publish_delivery_state(db: Path) -> None:
    """Publish the store's read-only snapshot so analysts see what was delivered (skipped while a run
    holds the store: the run publishes at its end)."""
    try:
        with run_lock(db):
            publish_after_write(db)
    except RunInProgress:
        return
