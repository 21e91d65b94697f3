"""Multi-term matching: an Aho-Corasick automaton over folded text, and a vectorised prefilter.

Separators put between the characters of a term (P-2-P, 理.财) are seen through: when folded text
holds any, the automaton runs over the text without them, and each occurrence maps back to the
folded text; one that had separators inside says which, and carries the joined text and span so
that word evidence reads the term as written without them.

The prefilter runs over whole columns in polars (Rust) and picks the records that can contain
a term at all; only those pay for folding with offsets, clause parsing and word evidence. It is
exact, not heuristic: it folds every character that can fold into a term character, removes
every character that folds away, and so never misses a record the automaton would match.
"""

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import polars as pl

from screening.rules.folding import ANY_SEPARATOR, SEPARATORS, folding_changes
from screening.rules.termlists import Term, TermList

_ASTRAL = r"[\x{10000}-\x{10FFFF}]"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A folded term found at [start, end) of a folded text; ``separators`` are those inserted
    between its characters ('' when none), and ``joined`` is (text without separators, start, end)."""

    start: int
    end: int
    folded: str
    separators: str = ""
    joined: tuple[str, int, int] | None = None


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
        if not ANY_SEPARATOR.search(folded_text):
            found = [Occurrence(end + 1 - len(key), end + 1, key) for end, key in self.automaton.iter(folded_text)]
        else:
            found = list(self._joined_occurrences(folded_text))
        return iter(sorted(found, key=lambda o: (o.start, -o.end)))

    def _joined_occurrences(self, folded_text: str) -> Iterator[Occurrence]:
        """Occurrences in the text without separators, mapped back to the folded text."""
        removed = [m.start() - k for k, m in enumerate(SEPARATORS.finditer(folded_text))]
        joined = SEPARATORS.sub("", folded_text)
        for last, key in self.automaton.iter(joined):
            start, end = last + 1 - len(key), last + 1
            first = start + bisect_right(removed, start)
            stop = last + bisect_right(removed, last) + 1
            if stop - first == len(key):
                yield Occurrence(first, stop, key)
            else:
                inside = dict.fromkeys(c for c in folded_text[first:stop] if SEPARATORS.match(c))
                yield Occurrence(first, stop, key, "".join(inside), (joined, start, end))


@lru_cache(maxsize=8)
def fold_mapping(term_chars: frozenset[str]) -> dict[str, str]:
    """Every BMP character that folds away, into text holding a term character, or into separators
    only (seen through inside a term, so the prefilter drops them all: an exact superset), with its fold."""
    changes = folding_changes()
    mapping = {c: f for c, f in changes.items() if not f or term_chars.intersection(f)}
    bmp = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF)
    unchanged = {c for c in SEPARATORS.findall(bmp) if c not in changes}
    folding = {c for c, f in changes.items() if f and all(SEPARATORS.match(x) for x in f)}
    return mapping | {c: "" for c in unchanged | folding}


class Prefilter:
    """Vectorised candidate selection: could this text contain any term once folded?"""

    def __init__(self, folded_terms: Iterable[str]):
        self.terms = sorted(set(folded_terms))
        self.mapping = fold_mapping(frozenset("".join(self.terms)))

    def candidates(self, texts: pl.Series) -> pl.Series:
        """A boolean Series: True where the text may contain a term (nulls are False)."""
        texts = texts.fill_null("")
        return self.found_in(texts.str.replace_many(self.mapping), has_astral(texts))

    def found_in(self, folded: pl.Series, astral: pl.Series) -> pl.Series:
        """``candidates`` of texts already folded by a mapping that holds this one's (``joint_mapping``:
        folding more characters to their own fold never adds or removes a term of this prefilter), with
        ``has_astral`` of the texts."""
        return (folded.str.contains_any(self.terms) | astral).alias("candidate")


def has_astral(texts: pl.Series) -> pl.Series:
    """Where a text holds a character beyond the BMP (folded on the slow path: always a candidate)."""
    return texts.fill_null("").str.contains(_ASTRAL)


def joint_mapping(prefilters: Iterable[Prefilter]) -> dict[str, str]:
    """One folding for several prefilters: the union of their mappings (each character to its fold),
    so a column is folded once for all of them."""
    joint: dict[str, str] = {}
    for prefilter in prefilters:
        joint.update(prefilter.mapping)
    return joint
