"""Personal ID numbers (居民身份证号) found in text, and masked.

A number counts as an ID when it stands alone (no digit or Latin letter touching it) and is either
- 18 characters (17 digits and a digit or X) valid under python-stdnum ``cn.ric``: check digit,
  birth date, and a region code that existed in the birth year; or
- 15 digits, the first-generation card (6-digit region + YYMMDD + 3-digit sequence, no check
  digit): python-stdnum has no validator for it, so it is upgraded the standard way (19 inserted
  before YYMMDD, check digit added) and that 18-digit number must be valid as above.
Full-width digits count like ASCII ones. Masking keeps the first 6 and the last 4 characters (same
length, so spans into the text stay valid). Phone numbers, amounts and firms' credit codes (9…,
never a region code) are left alone; an old 15-digit business registration number whose middle reads
as a 19YY date in a region existing then is masked too (privacy first).
"""

import re
import unicodedata

from stdnum.cn import ric

ID_CANDIDATE = re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXxＸｘ]|\d{15})(?![\dA-Za-z])")


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
