"""Text folding with an offset map back to the original text.

Folding makes Ｐ２Ｐ, p2p, 資產管理 and 理 财 equal to the terms P2P, 资产管理 and 理财:
NFKC (full-width to half-width), traditional to simplified characters (OpenCC ``t2s``),
upper case, and removal of whitespace. Every folded character remembers the index of the
original character it came from, so a span found in folded text maps back exactly.
"""

from dataclasses import dataclass
from functools import lru_cache
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
    """The folded form of one character ('' for whitespace), iterated to a fixed point."""
    folded = _fold_once(char)
    for _ in range(4):
        again = "".join(_fold_once(c) for c in folded)
        if again == folded:
            return folded
        folded = again
    return folded


@dataclass(frozen=True, slots=True)
class FoldedText:
    """Folded text plus, for each of its characters, the index of its source character."""

    original: str
    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span [start, end) to the span of the original text it came from."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> FoldedText:
    """Fold ``text`` and keep the offset map."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold_char(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return FoldedText(text, "".join(pieces), tuple(origin))


def fold_text(text: str) -> str:
    """Folded text only, for keys and comparisons."""
    return "".join(fold_char(c) for c in text)
