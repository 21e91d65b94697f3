"""Cells and file names that are safe to hand to a regulator's clerk.

A cell that a spreadsheet would run as a formula (it begins with =, +, -, @, their full-width forms
＝＋－＠, a tab or a carriage return, also after leading spaces) gets a leading single quote.

Personal ID numbers (居民身份证号) anywhere in a text are masked, keeping the first 6 and the last
4 characters (same length, so hit spans stay valid). A number counts as an ID when it stands alone
(no digit or Latin letter touching it) and is either
- 18 characters (17 digits and a digit or X) valid under python-stdnum ``cn.ric``: check digit,
  birth date, and a region code that existed in the birth year; or
- 15 digits, the first-generation card (6-digit region + YYMMDD + 3-digit sequence, no check
  digit): python-stdnum has no validator for it, so it is upgraded the standard way (19 inserted
  before YYMMDD, check digit added) and that 18-digit number must be valid as above.
Full-width digits count like ASCII ones. Phone numbers, amounts and firms' credit codes (9…, never
a region code) are left alone; an old 15-digit business registration number whose middle reads as
a 19YY date in a region existing then is masked too (privacy first; firms are keyed by credit code).
File and sheet names come from fixed tables and run data, never from firm data.
"""

from datetime import datetime
import re
import unicodedata

from stdnum.cn import ric

FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")
LEADING_BLANKS = " \u3000\n"
QUOTE = "'"
ID_CANDIDATE = re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXxＸｘ]|\d{15})(?![\dA-Za-z])")
REGULATOR_SLUGS = {"银监局": "cbrc", "证监局": "csrc", "保监局": "circ", "人民银行": "pbc", "金融办": "jrb"}
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_MAX = 31


def needs_quote(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (leading spaces do not hide it)."""
    return text.startswith(FORMULA_STARTS) or text.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """``text`` with a leading single quote when it begins like a formula, else unchanged."""
    return QUOTE + text if needs_quote(text) else text


def mask_id(number: str) -> str:
    """An ID number with all but its first 6 and last 4 characters replaced by ``*``."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def ascii_number(candidate: str) -> str:
    """A candidate with full-width (any Unicode) digits as ASCII digits and x/Ｘ/ｘ as X."""
    return "".join("X" if c in "XxＸｘ" else str(unicodedata.digit(c)) for c in candidate)


def upgraded(number: str) -> str:
    """The 18-digit form of a 15-digit ID: 19 inserted before the YYMMDD birth date, check digit added."""
    base = number[:6] + "19" + number[6:]
    return base + ric.calc_check_digit(base + "0")  # stdnum ignores the last character: pass a placeholder


def valid_ric(number: str) -> bool:
    """``stdnum.cn.ric.is_valid``, except that a region code whose province stdnum knows but whose
    county it does not (e.g. 521201…) is invalid instead of raising KeyError (python-stdnum 2.2)."""
    try:
        return ric.is_valid(number)
    except KeyError:
        return False


def is_personal_id(candidate: str) -> bool:
    """True for an 18-character ID valid under stdnum, or a 15-digit one whose 18-digit form is."""
    number = ascii_number(candidate)
    return valid_ric(upgraded(number) if len(number) == 15 else number)


def mask_ids(text: str) -> str:
    """``text`` with every personal ID number (18 or 15 digits) masked, same length as before."""
    return ID_CANDIDATE.sub(lambda m: mask_id(m[0]) if is_personal_id(m[0]) else m[0], text)


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
