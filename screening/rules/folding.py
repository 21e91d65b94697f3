"""Text folding with an offset map back to the original text.

Folding makes Ｐ２Ｐ, p2p, 資產管理 and 理 财 equal to the terms P2P, 资产管理 and 理财:
NFKC (full-width to half-width), traditional to simplified characters (OpenCC ``t2s``),
upper case, and removal of whitespace. Every folded character remembers the index of the
original character it came from, so a span found in folded text maps back exactly.
"""

from dataclasses import dataclass
from functools import lru_cache
import re
import unicodedata

import opencc

_T2S = opencc.OpenCC("t2s")
_DROPPED = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def _fold_once(text: str) -> str:
    """One pass of the folding rules over a short piece of text."""
    text = _T2S.convert(unicodedata.normalize("NFKC", text)).upper()
    return "".join(c for c in text if not c.isspace() and c not in _DROPPED)


@lru_cache(maxsize=None)
def fold_char(char: str) -> str:
    """The folded form of one character ('' for whitespace), iterated to a fixed point.
    A lone surrogate (not text, but Python strings can hold one) stays as it is."""
    if "\ud800" <= char <= "\udfff":
        return char
    folded = _fold_once(char)
    for _ in range(4):
        again = "".join(_fold_once(c) for c in folded)
        if again == folded:
            return folded
        folded = again
    return folded


@lru_cache(maxsize=1)
def folding_changes() -> dict[str, str]:
    """Every BMP character whose fold differs from itself, with its fold (one scan, cached)."""
    changes = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = fold_char(char)
        if folded != char:
            changes[char] = folded
    return changes


@lru_cache(maxsize=1)
def _fast_path() -> tuple[dict[int, str | None], frozenset[str], re.Pattern]:
    """A str.translate table for one-to-one and deleting folds, the deleted characters, and a
    pattern for characters that need the slow path (folds into several characters, astral)."""
    changes = folding_changes()
    table = {ord(c): (f or None) for c, f in changes.items() if len(f) <= 1}
    deleted = frozenset(c for c, f in changes.items() if not f)
    expanding = "".join(re.escape(c) for c, f in changes.items() if len(f) > 1)
    return table, deleted, re.compile(f"[{expanding}\U00010000-\U0010FFFF]")


@dataclass(frozen=True, slots=True)
class FoldedText:
    """Folded text plus, for each of its characters, the index of its source character
    (``origin`` is None when folding kept every position: the identity map)."""

    original: str
    text: str
    origin: tuple[int, ...] | None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span [start, end) to the span of the original text it came from."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def _fold_slow(text: str) -> FoldedText:
    """Fold character by character, for text with expanding or astral characters."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold_char(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return FoldedText(text, "".join(pieces), tuple(origin))


def fold(text: str) -> FoldedText:
    """Fold ``text`` and keep the offset map."""
    table, deleted, slow = _fast_path()
    if slow.search(text):
        return _fold_slow(text)
    folded = text.translate(table)
    if len(folded) == len(text):
        return FoldedText(text, folded, None)
    return FoldedText(text, folded, tuple(i for i, c in enumerate(text) if c not in deleted))


def fold_text(text: str) -> str:
    """Folded text only, for keys and comparisons."""
    return fold(text).text
