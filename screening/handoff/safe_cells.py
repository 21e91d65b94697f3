"""Cells and file names that are safe to hand to a regulator's clerk.

A cell that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage
return) gets a leading single quote; personal ID numbers (居民身份证号, 18 digits, validated with
python-stdnum) anywhere in a text are masked, keeping the first 6 and the last 4 characters.
python-stdnum validates only the 18-digit form, so 15-digit old numbers are left as they are.
File and sheet names come from fixed tables and run data, never from firm data.
"""

from datetime import datetime
import re

from stdnum.cn import ric

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
REGULATOR_SLUGS = {"银监局": "cbrc", "证监局": "csrc", "保监局": "circ", "人民银行": "pbc", "金融办": "jrb"}
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_MAX = 31


def needs_quote(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """``text`` with a leading single quote when it begins like a formula, else unchanged."""
    return QUOTE + text if needs_quote(text) else text


def mask_id(number: str) -> str:
    """An ID number with all but its first 6 and last 4 characters replaced by ``*``."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_ids(text: str) -> str:
    """``text`` with every valid 18-digit personal ID number masked (same length as before)."""
    return ID_CANDIDATE.sub(lambda m: mask_id(m[0]) if ric.is_valid(m[0]) else m[0], text)


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
        raise ValueError(f"unknown regulator {regulator!r}; one of {', '.join(REGULATOR_SLUGS)}")
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
