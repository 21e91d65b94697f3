"""The verdict per firm (SCREENING_RULES.md section 4), joining lists, matching and evidence.

Flagged means at least one occurrence counts, from a list that applies to the firm's region,
and the firm is not exempt. Every hit is reported, counted or not, with why not.
Attention (tier 关注) means the firm is neither flagged nor exempt and the extended tier
(screening/extended.py, switchable) has a hit in its name; it never changes ``flagged``.
"""

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from screening.rules.clauses import ClauseJudge, Negation
from screening.rules.company_names import NameParser, NameParts
from screening.rules.extended import ExtendedTier
from screening.rules.exemptions import ExemptionChecker
from screening.rules.hits import PLANS_TIER, FirmResult, Hit
from screening.rules.layout import Clause, Layout
from screening.rules.matcher import Occurrence, Prefilter, TermMatcher
from screening.rules.folding import FoldedText, fold, hidden_how
from screening.rules.regions import Region
from screening.rules.segmenter import Segmenter
from screening.rules.termlists import Term, TermList, load_categories, load_lists, read_toml
from screening.rules.use import Use, UseJudge, load_use_cues
from screening.rules.words import WordJudge, load_false_friends, load_place_suffixes, name_view


class ReusedDecisions(Protocol):
    """Where decisions made before come from (``screening.rules.reuse.FieldDecisions``)."""

    def decided(self, field: str, original: str, parts: NameParts | None) -> tuple[FoldedText, tuple]:
        """The folded text of ``original`` and the decision on each occurrence, with its offset."""

SUSPENSION_WHY = "suspension list: acts on applications (new registration, change, move-in), not on existing firms"
FIELDS = ("name", "scope")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is true of an occurrence whatever list it came from: negated (``negation``, its folded span
    quoted from the original text per record) or not a word (``why``), and the clause it sits in (its
    use, claim or mention, is judged only when a term counts)."""

    why: str | None
    clause: Clause | None = None  # the scope clause holding the occurrence (None in a name)
    negation: Negation | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What is decided of one occurrence in one field whatever the region: its terms for that field,
    negation, word evidence and, when some term may count, its use. A function of the folded text
    (and, in a name, of the name's parse), so a scope's decisions are reused (``screening.rules.reuse``)."""

    occurrence: Occurrence
    terms: tuple[Term, ...]
    negation: Negation | None
    why: str | None
    use: Use | None


class Screener:
    """Screens firms against the loaded term lists."""

    def __init__(self, lists: list[TermList], keywords_dir: Path, registers_dir: Path, extended: bool = False):
        self.lists = lists
        self.keywords_dir, self.registers_dir = keywords_dir, registers_dir
        self.categories = load_categories(keywords_dir)
        self.names = NameParser.from_file(keywords_dir / "name_parts.toml")
        self.extended = load_extended(keywords_dir) if extended else None
        self.matcher = TermMatcher(lists)
        self.prefilter = Prefilter(self.matcher.entries)
        segmenter = Segmenter(self.matcher.entries)
        self.clauses = ClauseJudge(segmenter)
        self.words = WordJudge(segmenter, load_false_friends(keywords_dir / "false_friends.toml"),
                               load_place_suffixes(keywords_dir / "place_names.toml"))
        self.uses = UseJudge(segmenter, load_use_cues(keywords_dir / "use_cues.toml"))
        self.exemptions = ExemptionChecker(registers_dir)

    @classmethod
    def load(cls, keywords_dir: Path, registers_dir: Path, extended: bool = True) -> "Screener":
        """A screener over the lists in ``keywords_dir`` and the registers in ``registers_dir``."""
        return cls(load_lists(keywords_dir), keywords_dir, registers_dir, extended)

    @property
    def category_priority(self) -> dict[str, int]:
        """The watch-list order of each category of the loaded lists (1 first)."""
        return {name: category.priority for name, category in self.categories.items()}

    def without_extended(self) -> "Screener":
        """The same screener with the extended tier switched off (no extended hits at all)."""
        plain = copy.copy(self)
        plain.extended = None
        return plain

    @property
    def versions(self) -> dict[str, str]:
        """The version of every loaded list, by list id."""
        return {term_list.id: term_list.version for term_list in self.lists}

    def evidence(self, field: str, text: FoldedText, occurrence: Occurrence, layout: Layout | None,
                 parts: NameParts | None) -> Evidence:
        """Negation (scope only) and word evidence for one occurrence."""
        start, end, term = occurrence.start, occurrence.end, occurrence.folded
        clause = layout.clause(start, end) if layout else None
        negation = self.clauses.negation_in(layout, clause, start, end, term) if clause else None
        if negation:
            return Evidence(None, negation=negation)
        words, at, until = occurrence.joined or (text.text, start, end)
        within, crossing = name_view(text, parts, start, end) if field == "name" else (None, None)
        why = self.words.not_a_word(words, at, until, term, None if occurrence.joined else within) or crossing
        return Evidence(why, clause)

    def use(self, text: FoldedText, occurrence: Occurrence, evidence: Evidence, parts: NameParts | None) -> Use:
        """Claim or mention of an occurrence that counts: its scope clause, else the name's parse."""
        if evidence.clause:
            return self.uses.scope(evidence.clause, occurrence.start, occurrence.end, occurrence.folded)
        return self.uses.name(parts, *text.original_span(occurrence.start, occurrence.end))

    def decisions(self, field: str, text: FoldedText, parts: NameParts | None = None) -> list[Decision]:
        """The decision on every occurrence of a term of ``field`` in folded ``text``, in text order
        (the use is judged for occurrences that stand and that some term of the plans may count)."""
        layout = Layout(text.text) if field == "scope" else None
        decided = []
        for occurrence in self.matcher.occurrences(text.text):
            terms = tuple(t for t in self.matcher.entries[occurrence.folded] if field in t.fields)
            if not terms:
                continue
            evidence = self.evidence(field, text, occurrence, layout, parts)
            stands = evidence.negation is None and evidence.why is None and any(map(may_count, terms))
            use = self.use(text, occurrence, evidence, parts) if stands else None
            decided.append(Decision(occurrence, terms, evidence.negation, evidence.why, use))
        return decided

    @staticmethod
    def why_not(term: Term, region: str | None, why: str | None) -> str | None:
        """Why an occurrence of ``term`` does not count (``why``: its negation or word evidence), or None."""
        if not term.applies_in(region):
            return f"other region's list: {term.list_id} applies in {'/'.join(term.regions)}"
        if why:
            return why
        return SUSPENSION_WHY if term.action == "suspend" else None

    def hits_in(self, field: str, original: str | None, region: str | None, parts: NameParts | None = None) -> list[Hit]:
        """Every hit of every list in one field's text (``parts``: the parse of the name, for names)."""
        if not original:
            return []
        text = fold(original)
        return hits_from(field, text, [(0, d) for d in self.decisions(field, text, parts)], region)

    def screen(self, record: int, fields: dict, region: Region, rejected: str | None = None,
               reuse: ReusedDecisions | None = None) -> FirmResult:
        """The full screening of one firm whose name or scope may contain a term. ``reuse``: where the
        decisions on a field's text come from when they were made before (``screening.rules.reuse``);
        without it every decision is made here, for this record (the reference)."""
        result = FirmResult(record, fields.get("credit_code"), fields.get("name"), region.code, region.source,
                            rejected=rejected, key_kind=fields.get("key_kind"),
                            registration_number=fields.get("registration_number"))
        name = fields.get("name")
        result.name_parts = self.names.parse(name) if name else None
        folded_name = None
        for field in FIELDS:
            original = fields.get(field)
            if not original:
                continue
            if reuse is None:
                text = fold(original)
                decided = [(0, d) for d in self.decisions(field, text, result.name_parts)]
            else:
                text, decided = reuse.decided(field, original, result.name_parts)
            folded_name = text if field == "name" else folded_name
            result.hits.extend(hits_from(field, text, decided, region.code))
        if self.extended:
            result.hits.extend(self.extended.hits(name, result.name_parts, result.counting_hits, folded_name))
        if result.hits:
            exemption = self.exemptions.check(name)
            result.exempt = exemption.as_dict() if exemption else None
        result.flagged = bool(result.counting_hits) and result.exempt is None
        result.attention = bool(result.attention_hits) and not result.flagged and result.exempt is None
        result.use = record_use(result)
        return result


def may_count(term: Term) -> bool:
    """Whether an occurrence of ``term`` that stands counts in some region (its use is then judged)."""
    return term.tier == PLANS_TIER and term.action != "suspend"


def hits_from(field: str, text: FoldedText, decided: list[tuple[int, Decision]], region: str | None) -> list[Hit]:
    """The hits of ``field`` from the decisions on its folded text, each shifted by its offset (a
    decision made on a piece of the text), for a firm registered in ``region``."""
    hits = []
    original = text.original
    for shift, decision in decided:
        occurrence = decision.occurrence
        start, end = text.original_span(occurrence.start + shift, occurrence.end + shift)
        matched = original[start:end]
        hidden = obfuscation(matched, occurrence.separators) if matched != occurrence.folded else None
        why = decision.why
        if decision.negation:
            first, last = text.original_span(decision.negation.start + shift, decision.negation.end + shift)
            why = f"negated ({decision.negation.cue}): {original[first:last]}"
        for term in decision.terms:
            reason = Screener.why_not(term, region, why)
            judged = decision.use if reason is None and term.tier == PLANS_TIER else None
            hits.append(Hit(
                term.term, field, start, end, reason is None, reason, term.list_id, term.list_version,
                term.source, term.category, term.regulator, term.regulators, term.action, term.tier,
                matched, judged and judged.use, judged and judged.reason, hidden,
            ))
    return hits


def obfuscation(matched: str, separators: str) -> str | None:
    """How a term was hidden in its original span (invisible or look-alike characters, separators
    inserted between its characters), in Chinese; None when it was written plainly."""
    found = dict.fromkeys(how for how in map(hidden_how, matched) if how)
    found.update({f"插入分隔符 {separator}": None for separator in separators})
    return "；".join(found) or None


def record_use(result: FirmResult) -> str | None:
    """claim when any counting hit is a claim, mention when all are mentions, None when not flagged
    (a counting hit whose use was not judged counts as a claim: never ranked below the claims)."""
    if not result.flagged:
        return None
    uses = {hit.use or "claim" for hit in result.counting_hits}
    return "claim" if "claim" in uses else "mention"


def product_screener(settings) -> Screener:
    """The screener over the lists, registers and extended-tier switch of ``settings`` (read by the caller)."""
    return Screener.load(settings.keywords_dir, settings.registers_dir, settings.extended_tier)


def load_extended(keywords_dir: Path) -> ExtendedTier:
    """The extended tier of ``keywords_dir``; its version covers the name-parts vocabulary it relies on."""
    return ExtendedTier(keywords_dir / "extended.toml", load_categories(keywords_dir),
                        {"name_parts": read_toml(keywords_dir / "name_parts.toml")})
