"""The extended risk tier (关注): names of lending and wealth platforms that avoid the plans' words.

Kept apart from the plans' lists (``keywords/extended.toml``, never in ``load_lists``): its hits carry
tier 关注 and raise the separate verdict ``attention``; ``flagged`` follows the plans alone. Names
only. Two kinds of entry, each with a written reason:

- ``[[term]]``: a word anywhere in the name (金服, 融资, 众筹 …);
- ``[[pattern]]``: a character or word in one part of the parsed name (company_names.py): the
  trade name (字号: 红岭创投, 人人贷), its last character (…宝), or the industry part, optionally only
  when the industry part holds a word of a named industry group (钱 in a …网络科技 firm's trade name).

Both go through the Aho-Corasick matcher and a vectorised prefilter. An occurrence the plans already
count on the same characters is left to the plans (众筹 in Beijing is a plans' hit).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator

from screening.rules.company_names import NameParts
from screening.rules.hits import EXTENDED_TIER, Hit
from screening.rules.matcher import Prefilter, TermMatcher, has_astral, joint_mapping
from screening.rules.folding import FoldedText, fold, fold_text
from screening.rules.termlists import (Category, Term, TermList, TermListError, content_version, read_toml,
                                 validated)

Where = Literal["trade_name", "trade_name_suffix", "industry"]
SOURCE_PREFIX = "扩展层（非方案所列）: "
# Extended hits never count ("counts" is about the plans' lists only, SCREENING_RULES.md section 4).
EXTENDED_WHY = "extended tier (关注): raises attention, not counted for the plans' lists"


class IndustryGroup(BaseModel):
    """Words of the industry part that together mark a kind of firm, and why it matters."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1)
    words: list[str] = Field(min_length=1)


def _folds_to_something(value: str) -> str:
    """Reject text that is empty once folded (only spaces)."""
    if not fold_text(value):
        raise ValueError("empty once folded (only spaces?)")
    return value


class ExtendedEntry(BaseModel):
    """What every extended entry states: the kind of business and why it is a risk signal."""

    model_config = ConfigDict(extra="forbid")
    category: str = Field(min_length=1, description="Kind of business; picks the lead regulator.")
    reason: str = Field(min_length=1, description="Why it is a risk signal (shown with every hit).")


class ExtendedTerm(ExtendedEntry):
    """A word that is a risk signal anywhere in a firm's name."""

    term: str = Field(min_length=1)
    check_term = field_validator("term")(_folds_to_something)


class ExtendedPattern(ExtendedEntry):
    """A character or word that is a risk signal only in some part of the parsed name."""

    label: str = Field(min_length=1, description="How hits name the pattern (字号含贷).")
    text: str = Field(min_length=1, description="The characters to find.")
    where: list[Where] = Field(min_length=1, description="The parts of the name it must lie in.")
    with_industry: list[str] = Field([], description="Industry groups one of whose words the industry part must hold.")
    check_text = field_validator("text")(_folds_to_something)


class ExtendedListFile(BaseModel):
    """``extended.toml``."""

    model_config = ConfigDict(extra="forbid")
    id: Literal["extended"]
    title: str
    tier: Literal["关注"]
    action: Literal["watch"]
    document: str
    note: str = ""
    industry_group: dict[str, IndustryGroup] = {}
    term: list[ExtendedTerm] = []
    pattern: list[ExtendedPattern] = []


@dataclass(frozen=True, slots=True)
class Rule:
    """Where an extended entry applies: anywhere (``where`` empty) or in some parts of the name,
    with the industry words one of which the industry part must hold (empty: any industry)."""

    where: tuple[str, ...]
    industry_words: tuple[str, ...]

    def applies(self, parts: NameParts, start: int, end: int) -> bool:
        """Whether an occurrence at [start, end) of the original name is where this rule looks."""
        if self.industry_words and not any(word in token for token in parts.industry_words for word in self.industry_words):
            return False  # a word of the industry part's own words: 投资 in 投资咨询, not 电商 across 机电/商贸
        if not self.where:
            return True
        trade, industry = parts.trade_name, parts.industry
        inside = {
            "trade_name": bool(trade) and trade.start <= start and end <= trade.end,
            "trade_name_suffix": bool(trade) and trade.start <= start and end == trade.end,
            "industry": bool(industry) and industry.start <= start and end <= industry.end,
        }
        return any(inside[part] for part in self.where)


def _entry_error(path: Path, kind: str, index: int, label: str, problem: str) -> TermListError:
    """An error naming the file and the entry."""
    return TermListError(f"{path}: {kind} #{index + 1} ({label!r}): {problem}")


def _entries(spec: ExtendedListFile):
    """(kind, index, entry, label, text, where, industry groups) of every term and pattern."""
    for index, term in enumerate(spec.term):
        yield "entry", index, term, term.term, term.term, (), ()
    for index, pattern in enumerate(spec.pattern):
        yield "pattern", index, pattern, pattern.label, pattern.text, tuple(pattern.where), tuple(pattern.with_industry)


def _checked(path: Path, spec: ExtendedListFile, categories: dict[str, Category], kind: str, index: int,
             entry: ExtendedEntry, label: str, groups: tuple[str, ...]) -> tuple[str, ...]:
    """The entry's regulators, after checking its category and industry groups exist."""
    category = categories.get(entry.category)
    if category is None:
        raise _entry_error(path, kind, index, label, f"unknown category {entry.category!r}; known: {', '.join(categories)}")
    unknown = [group for group in groups if group not in spec.industry_group]
    if unknown:
        raise _entry_error(path, kind, index, label,
                           f"unknown industry group(s) {', '.join(unknown)}; known: {', '.join(spec.industry_group)}")
    return tuple(category.regulators)


class ExtendedTier:
    """The loaded extended list: its terms for the matcher, the rule of each, a name prefilter."""

    def __init__(self, path: Path, categories: dict[str, Category], version_extra: dict | None = None):
        data = read_toml(path)
        spec = validated(ExtendedListFile, path, data)
        self.version = content_version({"list": data, **(version_extra or {})})
        self.rules: dict[Term, Rule] = {}
        for kind, index, entry, label, text, where, groups in _entries(spec):
            regulators = _checked(path, spec, categories, kind, index, entry, label, groups)
            if any(known.term == label for known in self.rules):
                raise _entry_error(path, kind, index, label, "duplicate term or label; keep one entry each")
            term = Term(label, fold_text(text), ("name",), "watch", entry.category, regulators,
                        SOURCE_PREFIX + entry.reason, spec.id, self.version, EXTENDED_TIER, ())
            words = tuple(fold_text(word) for group in groups for word in spec.industry_group[group].words)
            self.rules[term] = Rule(where, words)
        self.term_list = TermList(spec.id, spec.title, spec.tier, self.version, path, spec.document, (),
                                  tuple(self.rules))
        self.matcher = TermMatcher([self.term_list])
        self._prefilters = self._build_prefilters()

    def _build_prefilters(self) -> list[tuple[Prefilter, Prefilter | None]]:
        """(texts, industry words) prefilter pairs: a name can hit only if it holds one of the texts
        and, for rules that need an industry, one of its words."""
        groups: dict[tuple[str, ...], set[str]] = {}
        for term, rule in self.rules.items():
            groups.setdefault(rule.industry_words, set()).add(term.folded)
        return [(Prefilter(texts), Prefilter(words) if words else None) for words, texts in groups.items()]

    @property
    def prefilters(self) -> list[Prefilter]:
        """Every prefilter of the tier (texts and industry words), for one joint folding."""
        return [each for pair in self._prefilters for each in pair if each is not None]

    def candidates(self, names: pl.Series, folded: pl.Series | None = None) -> pl.Series:
        """A boolean Series: True where a name may hold an extended hit (exact superset). ``folded``: the
        names folded by a mapping holding every prefilter's of the tier (``matcher.joint_mapping``)."""
        folded = names.fill_null("").str.replace_many(joint_mapping(self.prefilters)) if folded is None else folded
        astral = has_astral(names)
        mask = pl.Series("candidate", [False] * len(names), dtype=pl.Boolean)
        for texts, words in self._prefilters:
            found = texts.found_in(folded, astral)
            mask = mask | (found & words.found_in(folded, astral) if words else found)
        return mask.alias("candidate")

    def hits(self, name: str | None, parts: NameParts | None, plans_counting: list[Hit],
             folded: FoldedText | None = None) -> list[Hit]:
        """The extended hits of a name: each entry where its rule applies and the plans do not
        already count a hit on the same characters (``folded``: the name folded, when the caller has it)."""
        if not name or parts is None:
            return []
        text = folded if folded is not None and folded.original == name else fold(name)
        taken = [(h.start, h.end) for h in plans_counting if h.field == "name"]
        hits = []
        for occurrence in self.matcher.occurrences(text.text):
            start, end = text.original_span(occurrence.start, occurrence.end)
            if any(start < last and first < end for first, last in taken):
                continue
            for term in self.matcher.entries[occurrence.folded]:
                if self.rules[term].applies(parts, start, end):
                    hits.append(Hit(term.term, "name", start, end, False, EXTENDED_WHY, term.list_id, term.list_version,
                                    term.source, term.category, term.regulator, term.regulators, term.action,
                                    term.tier, name[start:end]))
        return hits
