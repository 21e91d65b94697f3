"""Multi-term matching: an Aho-Corasick automaton over folded text, and a vectorised prefilter.

The prefilter runs over whole columns in polars (Rust) and picks the records that can contain
a term at all; only those pay for folding with offsets, clause parsing and word evidence. It is
exact, not heuristic: it folds every character that can fold into a term character, removes
every character that folds away, and so never misses a record the automaton would match.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import polars as pl

from screening.rules.folding import folding_changes
from screening.rules.termlists import Term, TermList

_ASTRAL = r"[\x{10000}-\x{10FFFF}]"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A folded term found at [start, end) of a folded text."""

    start: int
    end: int
    folded: str


class TermMatcher:
    """All terms of all lists in one automaton; each folded term knows the list entries behind it."""

    def __init__(self, lists: Iterable[TermList]):
        self.entries: dict[str, list[Term]] = {}
        for term_list in lists:
            for term in term_list.terms:
                self.entries.setdefault(term.folded, []).append(term)
        self.automaton = ahocorasick.Automaton()
        for folded in self.entries:
            self.automaton.add_word(folded, folded)
        self.automaton.make_automaton()

    def occurrences(self, folded_text: str) -> Iterator[Occurrence]:
        """Every occurrence of every term, overlapping ones included, in text order."""
        found = [
            Occurrence(end + 1 - len(key), end + 1, key) for end, key in self.automaton.iter(folded_text)
        ]
        return iter(sorted(found, key=lambda o: (o.start, -o.end)))


@lru_cache(maxsize=8)
def fold_mapping(term_chars: frozenset[str]) -> dict[str, str]:
    """Every BMP character that folds away or into text holding a term character, with its fold."""
    return {c: f for c, f in folding_changes().items() if not f or term_chars.intersection(f)}


class Prefilter:
    """Vectorised candidate selection: could this text contain any term once folded?"""

    def __init__(self, folded_terms: Iterable[str]):
        self.terms = sorted(set(folded_terms))
        self.mapping = fold_mapping(frozenset("".join(self.terms)))

    def candidates(self, texts: pl.Series) -> pl.Series:
        """A boolean Series: True where the text may contain a term (nulls are False)."""
        folded = texts.fill_null("").str.replace_many(self.mapping)
        possible = folded.str.contains_any(self.terms) | texts.fill_null("").str.contains(_ASTRAL)
        return possible.alias("candidate")
