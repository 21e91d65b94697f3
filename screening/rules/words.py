"""Word evidence: is an occurrence of a term a word at all?

Two kinds of evidence, each with its reason: a false friend kept as data
(``keywords/false_friends.toml``: 基金会, 金融街…) and a jieba segmentation in which the term
straddles two words (资金融通 is 资金/融通, 代理财产 is 代理/财产).
"""

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from screening.errors import ListError
from screening.rules.folding import fold_text
from screening.rules.segmenter import Segmenter
from screening.rules.termlists import read_toml, validated

WINDOW = 6
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

    def __init__(self, segmenter: Segmenter, false_friends: list[FalseFriend]):
        self.segmenter = segmenter
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

    def straddle(self, folded: str, start: int, end: int) -> str | None:
        """The words the occurrence straddles, joined by '/', or None.

        jieba sees only the stretch around the hit up to the nearest punctuation (words do not
        cross it) and at most WINDOW characters each side, so common phrases hit its cache."""
        first, last = window_bounds(folded, start, end)
        window = folded[first:last]
        if not self.segmenter.straddles(window, start - first, end - first):
            return None
        words, position = [], first
        for token in self.segmenter.tokens(window):
            if position < end and position + len(token) > start:
                words.append(token)
            position += len(token)
        return "/".join(words)

    def not_a_word(self, folded: str, start: int, end: int, term: str) -> str | None:
        """Why [start, end) is not the word ``term``, or None."""
        friend = self.false_friend(folded, start, term)
        if friend:
            return f"false friend: {friend.text} ({friend.reason})"
        words = self.straddle(folded, start, end)
        return f"not a word: {words}" if words else None
