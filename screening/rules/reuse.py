"""Decisions reused: a scope's clauses, and a name, are judged once per distinct text and list versions.

Real scopes repeat: the 77,009 scopes of the corpus that hold a term have 57,096 distinct texts, and
split into items at ; 。 (outside brackets) they give 117,387 items with a term but 38,008 distinct
ones. Negation, word evidence and use (claim or mention) are functions of an item's folded text
alone (no clause, bracket or word window reaches across a top-level ; or 。: ``layout.top_level_items``),
so they are decided once per distinct item that holds a term and reused; jieba runs only on items not
seen before. A whole scope seen before reuses its folding and decisions too. Names seldom repeat: a
name is decided per record, its parse reused (``NameParser.parse`` is cached).
What depends on the firm (its region, so which lists apply; the quote of a negated clause in the
original text; how a term was hidden) is applied per record by ``screener.hits_from``.

The caches are bounded (LRU, ``ITEMS``/``TEXTS`` entries) and keyed with the version of everything the
decisions read (every list's version and the cue, false-friend, place and name-part files), so a
screener over changed lists never reuses an old decision. ``Screener.screen`` without ``reuse`` makes
every decision for the record itself: it is the reference the tests hold this path to.
"""

from functools import lru_cache
from pathlib import Path

from screening.rules.company_names import NameParts
from screening.rules.folding import FoldedText, fold
from screening.rules.layout import top_level_items
from screening.rules.screener import Decision, Screener
from screening.rules.termlists import content_version, read_toml

ITEMS = 100_000  # distinct scope items with a term kept (the corpus has about 38,000)
SCOPES = 30_000  # distinct whole scopes kept, with their folding (the corpus has 57,096 with a term)
DATA_FILES = ("use_cues.toml", "false_friends.toml", "place_names.toml", "name_parts.toml")

Decided = tuple[tuple[int, Decision], ...]


def decision_version(screener: Screener) -> str:
    """The version of everything a decision reads: the lists and the data files of the judges."""
    data = {name: read_toml(Path(screener.keywords_dir) / name) for name in DATA_FILES}
    return content_version({"lists": screener.versions, "data": data})


class FieldDecisions:
    """The decisions on a field's text, reused across records of one screener's lists."""

    def __init__(self, screener: Screener, items: int = ITEMS, scopes: int = SCOPES):
        self.screener = screener
        self.version = decision_version(screener)
        self._item = lru_cache(maxsize=items)(self._decide_item)
        self._scope = lru_cache(maxsize=scopes)(self._decide_scope)

    def decided(self, field: str, original: str, parts: NameParts | None) -> tuple[FoldedText, Decided]:
        """The folded text of ``original`` and the decision on each occurrence, with its offset. A
        name is decided for this record (names seldom repeat; its parse is cached by ``NameParser``)."""
        if field == "scope":
            return self._scope(self.version, original)
        text = fold(original)
        return text, tuple((0, decision) for decision in self.screener.decisions("name", text, parts))

    def _decide_scope(self, version: str, scope: str) -> tuple[FoldedText, Decided]:
        """A scope's decisions, item by item (only items holding a term), each reused when seen before."""
        text = fold(scope)
        starts = sorted({occurrence.start for occurrence in self.screener.matcher.occurrences(text.text)})
        decided, at = [], 0
        for start, end in top_level_items(text.text) if starts else ():
            while at < len(starts) and starts[at] < start:
                at += 1
            if at < len(starts) and starts[at] < end:
                decided.extend((start, decision) for decision in self._item(version, text.text[start:end]))
        return text, tuple(decided)

    def _decide_item(self, version: str, item: str) -> tuple[Decision, ...]:
        """The decisions on one scope item (folded), made on the item alone."""
        return tuple(self.screener.decisions("scope", FoldedText(item, item, None)))

    def cache_info(self) -> dict[str, object]:
        """Hits and misses of each cache (for the bench)."""
        return {"items": self._item.cache_info(), "scopes": self._scope.cache_info()}
