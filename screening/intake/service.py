"""The counter: decide an application, journal the check durably, answer; flush the journal when due.

One :class:`Counter` serves the command line and the HTTP API alike. Every answer carries the
check's id and time, and is given only after the check is on disk in the counter's journal
(:mod:`screening.store.applications`); the journal reaches the store's table when no run holds it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
import logging
from pathlib import Path
import threading
import uuid

from screening.errors import RunInProgress, StoreError
from screening.intake.application import Application
from screening.intake.batch import BatchItem
from screening.intake.decision import CounterCheck, Decision
from screening.intake.persons_check import PersonsCheck
from screening.rules.screener import Screener
from screening.store.applications import CheckRecord, flush_checks, flush_due, journal
from screening.store.counter_db import CounterDb

log = logging.getLogger(__name__)
CHUNK = 1_000  # batch answers journaled per transaction
LOCAL_ZONE = datetime.now().astimezone().tzinfo  # the counter's local time zone (its offset, fixed per process)


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks: the API key's name and id (over HTTP), or a user of the command line."""

    name: str
    key_id: str | None
    via: str  # api | cli


def answer(check_id: str, checked_at: str, application: Application, decision: Decision) -> dict:
    """The answer to one application (JSON field names in English, summary and reasons in Chinese)."""
    return {"check_id": check_id, "id": application.id, "decision": decision.decision, "summary": decision.summary,
            "kind": application.kind, "region": application.region,
            "reasons": [r.as_dict() for r in decision.reasons], "list_versions": decision.list_versions,
            "checked_at": checked_at}


def record_of(application: Application, asker: Asker, verdict: dict) -> CheckRecord:
    """What the journal keeps of one check."""
    previous = application.previous
    return CheckRecord(verdict["check_id"], verdict["checked_at"], asker.name, asker.key_id, asker.via, application.kind,
                       application.region, application.name, application.scope,
                       previous.name if previous else None, previous.scope if previous else None,
                       application.approved, verdict["decision"], verdict["summary"], verdict["reasons"],
                       verdict["list_versions"])


class Counter:
    """Decides applications and records every check; safe to share between a server's threads."""

    def __init__(self, screener: Screener, db: Path, flush_seconds: float):
        self.check = CounterCheck(screener)
        self.persons = PersonsCheck(db)  # restricted legal representatives and persons of interest (延伸监管)
        self.db = db
        self.journal = CounterDb.beside(db)
        self.flush_seconds = flush_seconds
        self.deciding = threading.Lock()

    def decided(self, application: Application, asker: Asker) -> tuple[dict, CheckRecord]:
        """The answer and the record of one application (not yet journaled)."""
        with self.deciding:
            decision = self.persons.amended(self.check.decide(application), application)
        checked_at = datetime.now(LOCAL_ZONE).isoformat(timespec="milliseconds")
        verdict = answer(uuid.uuid4().hex, checked_at, application, decision)
        return verdict, record_of(application, asker, verdict)

    def ask(self, application: Application, asker: Asker) -> dict:
        """The answer to one application, returned once its check is journaled on disk."""
        verdict, record = self.decided(application, asker)
        journal(self.journal, [record])
        return verdict

    def ask_many(self, items: Iterable[BatchItem], asker: Asker, chunk: int = CHUNK) -> Iterator[dict]:
        """One line per batch item, in order: the answer (``row``, ``id`` first) or the row's error.
        Answers are yielded a chunk at a time, after the chunk's checks are journaled."""
        lines, records = [], []
        for item in items:
            head = {"row": item.row}
            if item.application is None:
                lines.append({**head, "id": item.id, "error": str(item.error),
                              "problems": getattr(item.error, "problems", [])})
            else:
                verdict, record = self.decided(item.application, asker)
                lines.append({**head, **verdict})
                records.append(record)
            if len(lines) >= chunk:
                journal(self.journal, records)
                yield from lines
                lines, records = [], []
        journal(self.journal, records)
        yield from lines

    def flush(self, when_due: bool = True) -> tuple[int, str | None]:
        """Flush the journal into the store (only when due, unless ``when_due`` is False):
        (checks moved, why not when a run holds the store or the store failed)."""
        try:
            if when_due and not flush_due(self.journal, self.flush_seconds):
                return 0, None
            return flush_checks(self.db, self.journal), None
        except RunInProgress as error:
            return 0, str(error)
        except StoreError as error:
            log.warning("%s", error)
            return 0, str(error)

    def close(self) -> None:
        """Close the journal."""
        self.journal.close()
