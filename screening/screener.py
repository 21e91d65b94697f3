"""The verdict per firm (SCREENING_RULES.md section 4), joining lists, matching and evidence.

Flagged means at least one occurrence counts, from a list that applies to the firm's region,
and the firm is not exempt. Every hit is reported, counted or not, with why not.
Attention (tier 关注) means the firm is neither flagged nor exempt and the extended tier
(screening/extended.py, switchable) has a hit in its name; it never changes ``flagged``.
"""

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from screening.clauses import ClauseJudge, bracket_spans
from screening.company_names import NameParser
from screening.extended import ExtendedTier
from screening.exemptions import ExemptionChecker
from screening.hits import FirmResult, Hit
from screening.matcher import Occurrence, Prefilter, TermMatcher
from screening.normalize import FoldedText, fold
from screening.regions import Region
from screening.segmenter import Segmenter
from screening.settings import Settings, get_settings
from screening.termlists import Term, TermList, load_categories, load_lists, read_toml
from screening.words import WordJudge, load_false_friends

SUSPENSION_WHY = "suspension list: acts on applications (new registration, change, move-in), not on existing firms"
FIELDS = ("name", "scope")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is true of an occurrence whatever list it came from: negated or not a word."""

    why: str | None


class Screener:
    """Screens firms against the loaded term lists."""

    def __init__(self, lists: list[TermList], keywords_dir: Path, registers_dir: Path, extended: bool = False):
        self.lists = lists
        self.names = NameParser.from_file(keywords_dir / "name_parts.toml")
        self.extended = load_extended(keywords_dir) if extended else None
        self.matcher = TermMatcher(lists)
        self.prefilter = Prefilter(self.matcher.entries)
        segmenter = Segmenter(self.matcher.entries)
        self.clauses = ClauseJudge(segmenter)
        self.words = WordJudge(segmenter, load_false_friends(keywords_dir / "false_friends.toml"))
        self.exemptions = ExemptionChecker(registers_dir)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Screener":
        """A screener over the lists and registers the settings point to."""
        settings = settings or get_settings()
        lists = load_lists(settings.keywords_dir)
        return cls(lists, settings.keywords_dir, settings.registers_dir, settings.extended_tier)

    def without_extended(self) -> "Screener":
        """The same screener with the extended tier switched off (no extended hits at all)."""
        plain = copy.copy(self)
        plain.extended = None
        return plain

    @property
    def versions(self) -> dict[str, str]:
        """The version of every loaded list, by list id."""
        return {term_list.id: term_list.version for term_list in self.lists}

    def evidence(self, field: str, text: FoldedText, occurrence: Occurrence, spans: list | None) -> Evidence:
        """Negation (scope only; ``spans`` are its brackets) and word evidence for one occurrence."""
        start, end, term = occurrence.start, occurrence.end, occurrence.folded
        negation = self.clauses.negation(text.text, start, end, term, spans) if field == "scope" else None
        if negation:
            first, last = text.original_span(negation.start, negation.end)
            return Evidence(f"negated ({negation.cue}): {text.original[first:last]}")
        return Evidence(self.words.not_a_word(text.text, start, end, term))

    @staticmethod
    def why_not(term: Term, region: str | None, evidence: Evidence) -> str | None:
        """Why an occurrence of ``term`` does not count, or None when it counts."""
        if not term.applies_in(region):
            return f"other region's list: {term.list_id} applies in {'/'.join(term.regions)}"
        if evidence.why:
            return evidence.why
        return SUSPENSION_WHY if term.action == "suspend" else None

    def hits_in(self, field: str, original: str | None, region: str | None) -> list[Hit]:
        """Every hit of every list in one field's text."""
        if not original:
            return []
        text = fold(original)
        spans = bracket_spans(text.text) if field == "scope" else None
        hits = []
        for occurrence in self.matcher.occurrences(text.text):
            terms = [t for t in self.matcher.entries[occurrence.folded] if field in t.fields]
            if not terms:
                continue
            evidence = self.evidence(field, text, occurrence, spans)
            start, end = text.original_span(occurrence.start, occurrence.end)
            for term in terms:
                why = self.why_not(term, region, evidence)
                hits.append(Hit(
                    term.term, field, start, end, why is None, why, term.list_id, term.list_version,
                    term.source, term.category, term.regulator, term.regulators, term.action, term.tier,
                    original[start:end],
                ))
        return hits

    def screen(self, record: int, fields: dict, region: Region, rejected: str | None = None) -> FirmResult:
        """The full screening of one firm whose name or scope may contain a term."""
        result = FirmResult(record, fields.get("credit_code"), fields.get("name"), region.code, region.source,
                            rejected=rejected)
        for field in FIELDS:
            result.hits.extend(self.hits_in(field, fields.get(field), region.code))
        name = fields.get("name")
        result.name_parts = self.names.parse(name) if name else None
        if self.extended:
            result.hits.extend(self.extended.hits(name, result.name_parts, result.counting_hits))
        if result.hits:
            exemption = self.exemptions.check(name)
            result.exempt = exemption.as_dict() if exemption else None
        result.flagged = bool(result.counting_hits) and result.exempt is None
        result.attention = bool(result.attention_hits) and not result.flagged and result.exempt is None
        return result


def load_extended(keywords_dir: Path) -> ExtendedTier:
    """The extended tier of ``keywords_dir``; its version covers the name-parts vocabulary it relies on."""
    return ExtendedTier(keywords_dir / "extended.toml", load_categories(keywords_dir),
                        {"name_parts": read_toml(keywords_dir / "name_parts.toml")})


@lru_cache(maxsize=1)
def default_screener() -> Screener:
    """One screener per process over the configured lists (workers build it once and reuse it)."""
    return Screener.from_settings()
