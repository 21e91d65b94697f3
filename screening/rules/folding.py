"""Text folding with an offset map back to the original text.

Folding makes Ｐ２Ｐ, p2p, 資產管理 and 理 财 equal to the terms P2P, 资产管理 and 理财: NFKC
(full-width to half-width), traditional to simplified characters (OpenCC ``t2s``), upper case and
removal of whitespace. It also sees through what a reader cannot see or tell apart
(SCREENING_RULES.md section 2): every default-ignorable code point, format character and combining
mark is dropped (the class comes from Unicode properties through ``regex``), and a letter or digit
outside the CJK scripts is mapped to its TR39 confusable skeleton (ICU's SpoofChecker), so the
Cyrillic Р of Р2Р is the P of P2P while Chinese text is left alone. Every folded character
remembers the index of the original character it came from, so a span found in folded text maps
back exactly. ``hidden_how`` says of one original character how it hid a term, if it did.
"""

from dataclasses import dataclass
from functools import lru_cache
import re
import unicodedata

import icu
import opencc
import regex

_T2S = opencc.OpenCC("t2s")
HIDDEN = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Mn}\p{Me}]")
_INVISIBLE = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}]")
_NON_CJK_ALNUM = regex.compile(
    r"[\p{L}\p{N}--[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}]]", regex.V1)
_SKELETON = icu.SpoofChecker()
# Separators a writer may put between the characters of a term (P-2-P, P·2·P, 理.财, P_2_P, P/2/P), in
# folded text (full-width forms are folded to these): dashes (Pd), connectors (Pc), dots and slashes.
# Only inside a term are they seen through: elsewhere they stay, and punctuation still separates.
SEPARATORS = regex.compile(r"[\p{Pd}\p{Pc}./\\|·・‧•∙]")
# The same class as a plain character set, for a fast test of whether a text holds any separator at all.
ANY_SEPARATOR = re.compile("[" + re.escape("".join(SEPARATORS.findall("".join(
    map(chr, [*range(0xD800), *range(0xE000, 0x10000)]))))) + "]")


def skeleton(char: str) -> str:
    """The TR39 confusable skeleton of a non-CJK letter or digit (ICU); any other character as it is."""
    return _SKELETON.getSkeleton(0, char) if _NON_CJK_ALNUM.match(char) else char


def _plain_fold(text: str) -> str:
    """The ordinary folds: width, traditional characters, case, whitespace and hidden characters."""
    text = "".join(c for c in _T2S.convert(unicodedata.normalize("NFKC", text)) if not HIDDEN.match(c))
    return "".join(c for c in text.upper() if not c.isspace() and not HIDDEN.match(c))


def _fold_once(text: str) -> str:
    """One pass of the folding rules over a short piece of text."""
    return "".join(skeleton(c) for c in _plain_fold(text))


def _fixed_point(char: str, step) -> str:
    """``step`` applied to ``char``, then to each character of the result, until nothing changes."""
    folded = step(char)
    for _ in range(4):
        again = "".join(step(c) for c in folded)
        if again == folded:
            return folded
        folded = again
    return folded


@lru_cache(maxsize=None)
def fold_char(char: str) -> str:
    """The folded form of one character ('' for whitespace and hidden characters), iterated to a
    fixed point. A lone surrogate (not text, but Python strings can hold one) stays as it is."""
    if "\ud800" <= char <= "\udfff":
        return char
    return _fixed_point(char, _fold_once)


@lru_cache(maxsize=4096)
def hidden_how(char: str) -> str | None:
    """How one original character inside a term hides it (Chinese, for the hit's ``obfuscated``),
    or None when it folds the ordinary way (width, traditional, case, spaces) or not at all."""
    if char.isascii() or char.isspace() or "\ud800" <= char <= "\udfff":
        return None
    if _INVISIBLE.match(char):
        return f"不可见字符 U+{ord(char):04X}"
    if HIDDEN.match(char):
        return f"组合符号 U+{ord(char):04X}"
    plain = _fixed_point(char, _plain_fold)
    folded = fold_char(char)
    if folded and plain != folded:
        return f"形近字母 {char}(U+{ord(char):04X})→{folded}"
    return None


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
