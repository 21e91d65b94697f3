"""Word evidence: is an occurrence of a term a word at all?

Four kinds of evidence, each with its reason: a false friend kept as data
(``keywords/false_friends.toml``: 基金会); a place or building named with the term, found as a class
(``keywords/place_names.toml``: the term followed by a place word such as 街, 城, 大厦, 广场, or by 中心
in an address-like context: 金融街, 陆家嘴金融城, 国际金融中心); in a firm name, a term that crosses the
line between the trade name and the industry part of the name's parse (天津嘉德中投|资产管理 holds no
投资); and a jieba segmentation in which the term straddles two words (资金融通 is 资金/融通, 交易所得 is
交易/所得). A name's industry part is segmented on its own, so a trade name ending in the term's first
character (嘉德中投 + 资产管理) does not break the industry word.
"""

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from screening.errors import ListError
from screening.rules.company_names import NameParts
from screening.rules.folding import FoldedText, fold_text
from screening.rules.segmenter import Segmenter
from screening.rules.termlists import read_toml, validated

WINDOW = 6
COMMON_WORD = 100  # jieba dictionary frequency of a word a reader sees at once (所得 1,004; not 所及, 3)
PUNCTUATION = frozenset(",;.。、()[]【】〔〕:!?\"'“”‘’/|\n\r□")


def window_bounds(folded: str, start: int, end: int) -> tuple[int, int]:
    """From the last punctuation before ``start`` to the next after ``end``, within WINDOW."""
    first = start
    while first > 0 and start - first < WINDOW and folded[first - 1] not in PUNCTUATION:
        first -= 1
    last = end
    while last < len(folded) and last - end < WINDOW and folded[last] not in PUNCTUATION:
        last += 1
    return first, last


class FalseFriendEntry(BaseModel):
    """A string that contains a term but is another word."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=2)
    term: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class FalseFriendsFile(BaseModel):
    """``false_friends.toml``."""

    model_config = ConfigDict(extra="forbid")
    false_friend: list[FalseFriendEntry]


class PlaceSuffix(BaseModel):
    """A word that, right after a term, makes the two the name of a place or building."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    # pragma: no mutate ('Only in an address-like context (中心: 国际金融中心, …中心支行).' -> 'XX'): documentation
    needs_context: bool = Field(False, description="Only in an address-like context (中心: 国际金融中心, …中心支行).")


class PlaceContext(BaseModel):
    """What makes a context address-like: a word right before the term, or right after the place."""

    model_config = ConfigDict(extra="forbid")
    before: list[str] = Field(min_length=1)
    after: list[str] = Field(min_length=1)


class PlaceNamesFile(BaseModel):
    """``place_names.toml``."""

    model_config = ConfigDict(extra="forbid")
    suffix: list[PlaceSuffix] = Field(min_length=1)
    context: PlaceContext


@dataclass(frozen=True, slots=True)
class PlaceSuffixes:
    """The place words (folded, longest first) and the address-like context words."""

    suffixes: tuple[PlaceSuffix, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def starting(self) -> dict[str, tuple[PlaceSuffix, ...]]:
        """The place words by their first character (longest first)."""
        return {first: tuple(s for s in self.suffixes if s.text[0] == first) for first in {s.text[0] for s in self.suffixes}}


def load_place_suffixes(path: Path) -> PlaceSuffixes:
    """Read and validate the place-names file (errors name the file and the entry)."""
    spec = validated(PlaceNamesFile, path, read_toml(path))
    folded = [entry.model_copy(update={"text": fold_text(entry.text)}) for entry in spec.suffix]
    return PlaceSuffixes(tuple(sorted(folded, key=lambda e: -len(e.text))),
                         tuple(fold_text(w) for w in spec.context.before), tuple(fold_text(w) for w in spec.context.after))


def name_view(text: FoldedText, parts: NameParts | None, start: int, end: int) -> tuple[tuple[int, int] | None, str | None]:
    """For a name hit at folded [start, end): the folded span of the industry part when the hit lies in
    it (segmented alone), and why it is not a word when it runs from the trade name into the first
    word of the industry part and ends inside that word (嘉德中投|资产管理 holds no 投资; a term that
    covers the whole first word, as 资产|管理 of a misparsed name, is left to the other evidence)."""
    trade, industry = (parts.trade_name, parts.industry) if parts else (None, None)
    if not industry or not parts.industry_words:
        return None, None
    origin = text.origin or range(len(text.text))
    inside = [i for i, o in enumerate(origin) if industry.start <= o < industry.end]
    if not inside:
        return None, None
    first, last = inside[0], inside[-1] + 1
    if trade and start < first < end < first + len(parts.industry_words[0]):
        return None, f"not a word: {trade.text}/{industry.text} (crosses the name's trade name and industry)"
    return ((first, last), None) if first <= start and end <= last else (None, None)


@dataclass(frozen=True, slots=True)
class FalseFriend:
    """A false friend, folded for matching."""

    text: str
    folded: str
    term: str
    reason: str


def load_false_friends(path: Path) -> list[FalseFriend]:
    """Read and validate the false-friends file; each must contain its term."""
    spec = validated(FalseFriendsFile, path, read_toml(path))
    friends = []
    for index, entry in enumerate(spec.false_friend):
        folded, term = fold_text(entry.text), fold_text(entry.term)
        if term not in folded:
            raise ListError(f"{path}: entry #{index + 1} ({entry.text!r}) does not contain its term {entry.term!r}")
        friends.append(FalseFriend(entry.text, folded, term, entry.reason))
    return friends


class WordJudge:
    """Says why an occurrence is not a word, or None when it is one."""

    def __init__(self, segmenter: Segmenter, false_friends: list[FalseFriend], places: PlaceSuffixes):
        self.segmenter, self.places, self.starting = segmenter, places, places.starting
        self.friends: dict[str, list[FalseFriend]] = {}
        for friend in false_friends:
            self.friends.setdefault(friend.term, []).append(friend)

    def false_friend(self, folded: str, start: int, term: str) -> FalseFriend | None:
        """A false friend that the text spells out around the occurrence."""
        for friend in self.friends.get(term, ()):
            offset = friend.folded.find(term)
            while offset >= 0:
                if start >= offset and folded.startswith(friend.folded, start - offset):
                    return friend
                offset = friend.folded.find(term, offset + 1)
        return None

    def place(self, folded: str, start: int, end: int) -> str | None:
        """The place or building the occurrence names with the word after it (金融大厦), or None. The
        place word must end on a word boundary (金融城, not 金融城市), and 中心 needs an address-like context."""
        for suffix in self.starting.get(folded[end:end + 1], ()):
            stop = end + len(suffix.text)
            if not folded.startswith(suffix.text, end):
                continue
            first, last = window_bounds(folded, start, stop)
            if stop - first not in self.segmenter.boundaries(folded[first:last]):
                continue  # pragma: no mutate (continue -> break): no place word starts another
            if suffix.needs_context and not (
                    any(folded.endswith(word, 0, start) for word in self.places.before)
                    or any(folded.startswith(word, stop) for word in self.places.after)):
                continue  # pragma: no mutate (continue -> break): no place word starts another
            return f"place name: {folded[start:stop]} ({suffix.reason})"
        return None

    def straddle(self, folded: str, start: int, end: int, within: tuple[int, int] | None = None) -> str | None:
        """The words the occurrence straddles, joined by '/', or None.

        jieba sees only the stretch around the hit up to the nearest punctuation (words do not
        cross it) and at most WINDOW characters each side, so common phrases hit its cache;
        ``within`` narrows that stretch (a name's industry part)."""
        first, last = window_bounds(folded, start, end)
        if within:
            first, last = max(first, within[0]), min(last, within[1])
        window = folded[first:last]
        tail = self.tail_straddle(window, start - first, end - first)
        if tail:
            return tail
        if not self.segmenter.straddles(window, start - first, end - first):
            return None
        words, position = [], first
        for token in self.segmenter.tokens(window):
            if position < end and position + len(token) > start:
                words.append(token)
            position += len(token)
        return "/".join(words)

    def tail_straddle(self, window: str, start: int, end: int) -> str | None:
        """交易所得 is 交易/所得: jieba, which knows every term, cuts 交易所/得; but when the term's last
        character makes a word with a character that would stand alone after it, and the rest of the
        term is a word of two or more characters, a reader reads those two words instead (when that
        word is common: 交易所及自营 is 交易所/及, not 交易/所及)."""
        cuts = self.segmenter.boundaries(window)
        if end not in cuts or end + 1 not in cuts or end - start < 3 or end >= len(window):
            return None
        head, tail = window[start:end - 1], window[end - 1:end + 1]
        if self.segmenter.known(head) and self.segmenter.known(tail, COMMON_WORD):
            return f"{head}/{tail}"
        return None

    def not_a_word(self, folded: str, start: int, end: int, term: str,
                   within: tuple[int, int] | None = None) -> str | None:
        """Why [start, end) is not the word ``term``, or None (``within``: see ``straddle``)."""
        friend = self.false_friend(folded, start, term)
        if friend:
            return f"false friend: {friend.text} ({friend.reason})"
        place = self.place(folded, start, end)
        if place:
            return place
        words = self.straddle(folded, start, end, within)
        return f"not a word: {words}" if words else None
