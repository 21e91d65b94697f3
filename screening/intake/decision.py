"""The counter's decision on one application (京政办发〔2016〕24号 三(一)): refuse, report or pass.

- **refuse**: a suspension list (``action = "suspend"``) of the applicant's region applies to what the
  application adds: the name and scope of a new registration; for a change, only what it adds (a
  suspension term the previous name already had, as many times, is kept; a scope item the previous
  scope already had is not new); everything in a move in (迁入) that has not been approved.
- **report**: a watch term counts in the name or scope the firm will have: it joins the watch list.
- **pass**: neither.

Whether an occurrence counts (folding, hidden characters, negation, word evidence, regions) is the
screening engine's (:class:`screening.rules.screener.Screener`): one engine for the nightly screening
and the counter. Lists of another region never apply; their hits are not reasons.
"""

from collections import Counter
from dataclasses import dataclass, field

from screening.intake import reasons as text
from screening.intake.application import Application
from screening.intake.reasons import Reason
from screening.intake.scope_items import item_at, scope_items
from screening.rules.folding import fold_text
from screening.rules.hits import PLANS_TIER, Hit
from screening.rules.screener import SUSPENSION_WHY, Screener


@dataclass(slots=True)
class Decision:
    """refuse | report | pass, with every reason and the versions of the lists that applied."""

    decision: str
    summary: str
    reasons: list[Reason] = field(default_factory=list)
    list_versions: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"decision": self.decision, "summary": self.summary,
                "reasons": [r.as_dict() for r in self.reasons], "list_versions": self.list_versions}


def affirmative(hit: Hit) -> bool:
    """The occurrence counts as the plans read it (a suspension hit only waits for an application)."""
    return hit.counts or (hit.action == "suspend" and hit.why == SUSPENSION_WHY)


class CounterCheck:
    """Decides applications with the screening engine's hits."""

    def __init__(self, screener: Screener):
        self.screener = screener
        self.lists = [lst for lst in screener.lists if lst.tier == PLANS_TIER]

    def applying(self, region: str) -> dict[str, str]:
        """Version of every plans' list that applies in ``region``, by list id."""
        return {lst.id: lst.version for lst in self.lists if not lst.regions or region.startswith(lst.regions)}

    def hits(self, field_name: str, value: str | None, region: str, versions: dict[str, str]) -> list[Hit]:
        """The hits in one field of the lists applying in the region (those in ``versions``)."""
        return [hit for hit in self.screener.hits_in(field_name, value, region) if hit.list in versions]

    def decide(self, application: Application) -> Decision:
        """The decision on one validated application."""
        versions = self.applying(application.region)
        found: list[Reason] = []
        for field_name, value in (("name", application.resulting_name), ("scope", application.resulting_scope)):
            hits = self.hits(field_name, value, application.region, versions)
            found.extend(self.judged(application, field_name, value, hits, versions))
        found = text.ordered(found)
        effects = {r.effect for r in found}
        decision = "refuse" if "refuse" in effects else "report" if "report" in effects else "pass"
        return Decision(decision, text.summary(decision, found), found, versions)

    def judged(self, application: Application, field_name: str, value: str | None, hits: list[Hit],
               versions: dict[str, str]) -> list[Reason]:
        """Each hit of one field as a reason with its effect."""
        suspending = any(hit.action == "suspend" and affirmative(hit) for hit in hits)
        items = scope_items(value) if field_name == "scope" and suspending else []
        added = self.added(application, field_name, value, hits, items, versions)
        judged = []
        for index, hit in enumerate(hits):
            item = item_at(items, hit.start)
            item_text = item.text if item else hit.matched
            if not affirmative(hit):
                judged.append(text.reason(hit, "none", text.not_counted(hit.why or "")))
            elif hit.action != "suspend":
                judged.append(text.reason(hit, "report", text.watched(hit)))
            elif application.kind == "move_in" and application.approved:
                judged.append(text.reason(hit, "none", text.approved_move(hit)))
            elif index in added:
                judged.append(text.reason(hit, "refuse", text.suspended(hit, application.kind, item_text)))
            else:
                judged.append(text.reason(hit, "none", text.kept(hit, item_text)))
        return judged

    def added(self, application: Application, field_name: str, value: str | None, hits: list[Hit],
              items: list, versions: dict[str, str]) -> set[int]:
        """Indexes of the counting suspension hits that this application adds (``items``: of the scope)."""
        suspending = [i for i, hit in enumerate(hits) if hit.action == "suspend" and affirmative(hit)]
        if application.kind != "change" or not suspending:
            return set(suspending)
        before = getattr(application.previous, field_name)
        if fold_text(before or "") == fold_text(value or ""):
            return set()
        if field_name == "scope":
            kept_items = {item.key for item in scope_items(before)}
            return {i for i in suspending if (item := item_at(items, hits[i].start)) is None
                    or item.key not in kept_items}
        had = Counter((h.list, h.term) for h in self.hits(field_name, before, application.region, versions)
                      if h.action == "suspend" and affirmative(h))
        new = set()
        for i in suspending:
            key = (hits[i].list, hits[i].term)
            if had[key] > 0:
                had[key] -= 1
            else:
                new.add(i)
        return new
