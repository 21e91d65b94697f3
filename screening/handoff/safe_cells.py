"""Cells and file names that are safe to hand to a regulator's clerk.

A cell that a spreadsheet would run as a formula (it begins with =, +, -, @, their full-width forms
＝＋－＠, a tab or a carriage return, also after leading spaces) gets a leading single quote.

Personal ID numbers anywhere in a cell are masked first (:mod:`screening.extract.personal_ids`).
File and sheet names come from fixed tables and run data, never from firm data.
"""

from datetime import datetime
import re

from screening.errors import ConfigError
from screening.extract.personal_ids import mask_ids

FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")
LEADING_BLANKS = " \u3000\n"
QUOTE = "'"
REGULATOR_SLUGS = {"银监局": "cbrc", "证监局": "csrc", "保监局": "circ", "人民银行": "pbc", "金融办": "jrb"}
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_MAX = 31


def needs_quote(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (leading spaces do not hide it)."""
    return text.startswith(FORMULA_STARTS) or text.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """``text`` with a leading single quote when it begins like a formula, else unchanged."""
    return QUOTE + text if needs_quote(text) else text


def cell_text(value) -> str:
    """The text of a value for a file: empty for None, 是/否 for booleans, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def safe_text(value) -> str:
    """A value as safe cell text: IDs masked, then a formula-like start neutralised."""
    return neutralise(mask_ids(cell_text(value)))


def safe_offset(value) -> int:
    """How many characters :func:`safe_text` puts before the original text (0 or 1)."""
    return len(QUOTE) if needs_quote(mask_ids(cell_text(value))) else 0


def regulator_slug(regulator: str) -> str:
    """The ASCII slug of a lead regulator (cbrc, csrc, circ, pbc, jrb); unknown ones are refused."""
    if regulator not in REGULATOR_SLUGS:
        raise ConfigError(f"unknown regulator {regulator!r}; one of {', '.join(REGULATOR_SLUGS)}")
    return REGULATOR_SLUGS[regulator]


def file_stem(regulator: str, run_id: int, when: datetime) -> str:
    """The base name of one hand-off's files: slug, run id and time, e.g. ``jrb_run3_20261125_120455``."""
    return f"{regulator_slug(regulator)}_run{int(run_id)}_{when:%Y%m%d_%H%M%S}"


def sheet_name(category: str | None, taken: set[str]) -> str:
    """A valid, unused worksheet name for a category: no []:*?/\\, no edge quotes, ≤31 chars."""
    base = SHEET_FORBIDDEN.sub("_", category or "").strip().strip("'")[:SHEET_MAX] or "未分类"
    name, n = base, 1
    while name.casefold() in {t.casefold() for t in taken}:
        n += 1
        name = f"{base[:SHEET_MAX - len(str(n)) - 1]}_{n}"
    taken.add(name)
    return name
