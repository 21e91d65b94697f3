"""Cells that are safe to hand to a regulator's clerk, and sheet names a workbook accepts.

A cell that a spreadsheet could run as a formula gets a leading single quote: it begins with a tab
or a carriage return, or its first character after any leading whitespace or ignorable characters
(a class from Unicode properties: White_Space, Default_Ignorable_Code_Point, controls and format
characters — NBSP, EM SPACE, ZWSP, a BOM, a variation selector …) is = + - @ or a look-alike of one:
a character whose compatibility form (NFKC) starts with one (＝ ﹦ ＋ ﹢ － ﹣ ＠ ﹫ ⁼ ₊ …), a dash
(Unicode's Dash property: − – — ‐ …), or a character Unicode's confusables table (TR39) lists as
looking like one (➕ ➖ ᐀ ⹀ …). Nothing else is changed. :func:`neutralise` is the one place this
is decided; every file and CSV output goes through it.

Personal ID numbers anywhere in a cell are masked first (:mod:`screening.extract.personal_ids`).
A cell that is only a placeholder (N/A, NULL, -, 无 …) is written empty.
"""

from functools import lru_cache
import re
import unicodedata

import regex

from screening.extract.personal_ids import mask_ids

FORMULA_SIGNS = "=+-@"
ALWAYS_QUOTED = ("\t", "\r")
IGNORABLE_PREFIX = regex.compile(r"[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]*")
DASH = regex.compile(r"\p{Dash}")
QUOTE = "'"
PLACEHOLDERS = {"N/A", "NA", "N.A.", "#N/A", "NULL", "NONE", "NAN", "NIL", "-", "--", "—", "——", "/", "无", "暂无", "空"}
PLACEHOLDER_MAX = 12  # longer text is never only a placeholder (spaces around one included)
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_MAX = 31


@lru_cache(maxsize=1)
def confusable_signs() -> frozenset[str]:
    """The single characters Unicode's confusables table lists as looking like = + - or @."""
    from confusable_homoglyphs.confusables import confusables_data  # loads its table on first use

    found = set()
    for char, homoglyphs in confusables_data.items():
        looks = {h["c"] for h in homoglyphs}
        if char in FORMULA_SIGNS:
            found |= {c.strip("\u200e\u200f") for c in looks}
        elif looks & set(FORMULA_SIGNS):
            found.add(char)
    return frozenset(c for c in found if len(c) == 1)


def is_formula_sign(char: str) -> bool:
    """Whether a spreadsheet, or a program normalising text, could read ``char`` as = + - or @."""
    return (char in FORMULA_SIGNS or unicodedata.normalize("NFKC", char)[:1] in FORMULA_SIGNS
            or DASH.match(char) is not None or char in confusable_signs())


def needs_quote(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (no leading blank or invisible
    character hides it)."""
    if not text or "\u4e00" <= text[0] <= "\u9fff" or (text[0].isascii() and text[0].isalnum()):
        return False  # the common case: a Chinese character, an ASCII letter or digit first
    if text.startswith(ALWAYS_QUOTED):
        return True
    rest = text[IGNORABLE_PREFIX.match(text).end():]
    return bool(rest) and is_formula_sign(rest[0])


def neutralise(text: str) -> str:
    """``text`` with a leading single quote when it begins like a formula, else unchanged."""
    return QUOTE + text if needs_quote(text) else text


def cell_text(value) -> str:
    """The text of a value: empty for None, 是/否 for booleans, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def file_text(value) -> str:
    """The text of a value for a hand-off file: a placeholder (N/A, NULL, -, 无 …) is an empty cell."""
    text = cell_text(value)
    return "" if isinstance(value, str) and len(text) <= PLACEHOLDER_MAX and text.strip().upper() in PLACEHOLDERS else text


def safe_text(value) -> str:
    """A value as safe cell text: placeholders emptied, IDs masked, a formula-like start neutralised."""
    return neutralise(mask_ids(file_text(value)))


def safe_offset(value) -> int:
    """How many characters :func:`safe_text` puts before the original text (0 or 1)."""
    return len(QUOTE) if needs_quote(mask_ids(file_text(value))) else 0


def sheet_name(category: str | None, taken: set[str]) -> str:
    """A valid, unused worksheet name for a category: no []:*?/\\, no edge quotes, ≤31 chars."""
    base = SHEET_FORBIDDEN.sub("_", category or "").strip().strip("'")[:SHEET_MAX] or "未分类"
    name, n = base, 1
    while name.casefold() in {t.casefold() for t in taken}:
        n += 1
        name = f"{base[:SHEET_MAX - len(str(n)) - 1]}_{n}"
    taken.add(name)
    return name
