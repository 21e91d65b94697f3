"""At the counter: an application naming a restricted legal representative or a person of interest is
reported, never refused for that alone (沪府办〔2016〕46号 附件8 四(二)3 restricts the post, 任职资格限制, and
四(二)4 makes the later firms of such shareholders spot-check targets; the registration office decides).

The given names are keyed exactly as the store keys its person links (:func:`screening.extract.persons.person_key`
with the store's secret): a name with an ID number matches the same name and ID, a name alone matches the
same name alone, and the ID never leaves the store — the reason shows the display name with the ID masked.
Names masked at the source (王*) are not compared, and the reason says so. The persons of interest are read
from the store's published snapshot (a run never makes the counter wait; a missing or stale one is published
first when no run holds the store), and read again only when it changes.
"""

from dataclasses import dataclass, replace
import hashlib
from pathlib import Path
import threading

import duckdb

from screening.extract.personal_ids import mask_ids
from screening.extract.persons import (MARKER, NOT_A_NAME, Person, clean_name, marked_ids, masked_name, person_key,
                                       persons)
from screening.intake.application import Application
from screening.intake.decision import Decision
from screening.intake.reasons import Reason, ordered
from screening.store.interest import MASKED_NOTE, SOURCES
from screening.store.publish import fingerprint, is_current, refreshed, snapshot_path
from screening.store.secret import secret_path, store_secret

LIST_ID = "persons_of_interest"
ACTION = "person"  # a reason about a named person, beside the lists' suspend and watch
FIELDS = {"legal_reps": "法定代表人", "shareholders": "股东"}
PERSONS_SQL = ("select person_key, person_name, basis, confirmed_firms from persons_of_interest "
               "order by person_key, basis")
HAS_TABLE = "select count(*) from information_schema.tables where table_name = 'persons_of_interest'"


@dataclass(frozen=True, slots=True)
class Interest:
    """The persons of interest of one snapshot: bases by person key, the snapshot's version, and the
    store's secret (None when the store has none: no person with an ID can be of interest then)."""

    bases: dict[str, list[tuple[str, int]]]
    version: str
    secret: bytes | None = None

    def of(self, person: Person) -> list[tuple[str, int]]:
        """The bases that make ``person`` of interest (empty: not of interest)."""
        if person.number is not None and self.secret is None:
            return []
        return self.bases.get(person_key(person, self.secret or b""), [])


def read_interest(db: Path, snapshot: Path) -> Interest:
    """The persons of interest in the store's published snapshot (none when it has no such table yet)."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        rows = con.execute(PERSONS_SQL).fetchall() if con.execute(HAS_TABLE).fetchall()[0][0] else []
    finally:
        con.close()
    bases: dict[str, list[tuple[str, int]]] = {}
    for key, _, basis, firms in rows:
        bases.setdefault(key, []).append((basis, firms))
    digest = hashlib.sha256("\n".join(f"{k}|{b}|{n}" for k, _, b, n in rows).encode("utf-8")).hexdigest()[:12]
    secret = store_secret(db) if bases and secret_path(db).exists() else None
    return Interest(bases, digest, secret)


def clean(text: str) -> str:
    """The name part of a cell (any ID number taken out), to tell a masked name."""
    return clean_name(marked_ids(text)[0].split(MARKER)[0])


def why(field: str, shown: str, bases: list[tuple[str, int]]) -> str:
    """The clerk's reason for one named person of interest, in Chinese."""
    said = []
    for basis, firms in bases:
        if basis == "revoked_legal_rep":
            said.append(f"系经认定后被吊销营业执照企业的法定代表人，依法予以任职资格限制（{SOURCES[basis]}）")
        else:
            said.append(f"系 {firms} 家经认定未经许可从事金融活动企业的股东，其投资、任职的企业列为重点抽查对象"
                        f"（{SOURCES[basis]}）")
    return f"须报告：申请所列{FIELDS[field]}「{shown}」" + "；".join(said) + "；不据此不予登记，由登记机关决定"


class PersonsCheck:
    """Checks the persons an application names against the store's persons of interest."""

    def __init__(self, db: Path):
        self.db = db
        self.loaded: tuple[tuple | None, Interest] = (None, Interest({}, ""))
        self.lock = threading.Lock()

    def interest(self) -> Interest:
        """The persons of interest of the current snapshot (read again only when the snapshot changed)."""
        snapshot = snapshot_path(self.db)
        if self.db.exists() and not is_current(self.db):
            refreshed(self.db)  # missing or stale: published now unless a run holds the store (then the last one)
        stamp = fingerprint(snapshot)
        with self.lock:
            if stamp != self.loaded[0]:
                self.loaded = (stamp, read_interest(self.db, snapshot) if stamp else Interest({}, ""))
            return self.loaded[1]

    def reasons(self, application: Application) -> tuple[list[Reason], str]:
        """A reason for each named person of interest (effect report) and each masked name (effect none),
        and the version of the persons of interest that applied."""
        named = [(field, index, cell) for field in FIELDS for index, cell in enumerate(getattr(application, field) or [])]
        if not named:
            return [], ""
        found, interest = [], self.interest()
        for field, index, cell in named:
            text = (cell or "").strip()
            people = persons(text, split=False)
            if not people and text.upper() not in NOT_A_NAME and masked_name(clean(text)):
                shown = mask_ids(text)
                found.append(Reason(shown, field, LIST_ID, interest.version, ACTION, "none", SOURCES["shareholder"],
                                    f"未比对：{FIELDS[field]}「{shown}」的姓名已脱敏；{MASKED_NOTE}", shown, index, index + 1))
            for person in people:
                if bases := interest.of(person):
                    source = "；".join(SOURCES[b] for b, _ in bases)
                    found.append(Reason(person.name, field, LIST_ID, interest.version, ACTION, "report", source,
                                        why(field, person.name, bases), person.name, index, index + 1))
        return found, interest.version

    def amended(self, decision: Decision, application: Application) -> Decision:
        """The counter's decision with the persons' reasons: a pass becomes report, a refuse stays refuse."""
        found, version = self.reasons(application)
        if not found:
            return decision
        reasons = ordered(decision.reasons + found)
        acting = [r for r in found if r.effect == "report"]
        verdict = decision.decision if decision.decision != "pass" or not acting else "report"
        summary = decision.summary if not acting else (
            f"{decision.summary}；另须报告：" if decision.decision != "pass" else "可以办理，但须报告：") + "、".join(
            f"{FIELDS[r.field]}「{r.term}」" for r in acting) + "为延伸监管的关注人员（沪府办〔2016〕46号 附件8 四(二)），由登记机关决定"
        return replace(decision, decision=verdict, summary=summary, reasons=reasons,
                       list_versions=decision.list_versions | {LIST_ID: version})
