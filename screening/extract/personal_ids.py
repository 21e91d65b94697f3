"""Personal ID numbers (居民身份证号) found in text by their shape, and masked.

A person's ID is recognised by shape, not by validity, since a mistyped ID is still a person's ID:
- 18 characters (17 digits and a digit or X) or 15 digits (the first-generation card: region,
  YYMMDD, sequence);
- a first two digits that are a province of GB/T 2260 (python-stdnum's region table), whether or not
  the county is known or existed in the birth year (310115198808084569: 浦东新区 dates from 1992);
- a real birth date (YYYYMMDD from 1880 to this year; 19YYMMDD for 15 digits), read by python-stdnum;
- the check digit is not required: python-stdnum ``cn.ric`` is the oracle for *validity*, which
  only decides the doubtful cases below.
Digits may be ASCII or full-width, and may be split by spaces, hyphens, dashes or invisible
characters (zero-width, bidi, soft hyphen…), at most three in a row (``110105 1949-1231 002X``,
``1101\u200b05…``). The number must start and end its run of digits at a group edge and not touch a Latin
letter (``张三110105…`` is a person's ID; ``A110105…`` is part of a code).

Left in clear: a firm's credit code (18 characters with letters, or starting 9x, which is no
province), a 15-digit business registration number (valid ISO 7064 MOD 11,10 check and a 7th digit
0–3, domestic firms, which would read as a birth year 1900–1939), phone numbers (11–12 digits),
amounts, dates and bank card numbers (not 15 or 18 digits at group edges). An all-digit credit code
of an institution (1x, 5x…) that reads as a province and a birth date is masked: privacy first.

Masking keeps the first 6 and the last 4 digits and replaces the digits between by ``*``; separators
stay where they were, so the text keeps its length and spans into it stay valid.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
import re
import unicodedata

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_11_10

DIGITS = "0-9０-９"
CHECKS = "XxＸｘ"
LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ0-9０-９]")
EARLIEST_BIRTH = 1880


def separator_class() -> str:
    """Characters that may split an ID: spaces, dashes and default-ignorable (invisible) characters."""
    chars = {chr(c) for c in [*range(0x10000), *range(0xE0000, 0xE0080)]
             if unicodedata.category(chr(c)) in ("Zs", "Pd", "Cf")}
    chars |= {"\t", "\u034f", "\u115f", "\u1160", "\u3164", "\uffa0"} | {chr(c) for c in range(0xFE00, 0xFE10)}
    return "".join(re.escape(c) for c in sorted(chars))


@lru_cache(maxsize=1)
def run_pattern() -> re.Pattern:
    """Fifteen or more digits joined by at most three separators, and a check character at the end (built on
    first use): the runs of digits that can hold an ID."""
    separator = f"[{separator_class()}]"
    return re.compile(rf"(?<![{DIGITS}])[{DIGITS}](?:{separator}{{0,3}}[{DIGITS}]){{14,}}(?:{separator}{{0,3}}[{CHECKS}])?")


CANDIDATE_SEPARATOR = r"[\p{Zs}\p{Pd}\p{Cf}\t\u034f\u115f\u1160\u3164\uffa0\ufe00-\ufe0f]{0,3}"


@lru_cache(maxsize=1)
def candidate_run() -> str:
    """For polars (Rust regex, Unicode classes): cells worth looking at have fifteen digits that start a group
    (not inside a code or a longer number) with a GB/T 2260 province, in ASCII or full-width digits."""
    def either(digit: str) -> str:
        return f"[{digit}{chr(ord(digit) + 0xFEE0)}]"
    province = "|".join(f"{either(a)}{CANDIDATE_SEPARATOR}{either(b)}" for a, b in sorted(provinces()))
    return rf"(?:^|[^0-9０-９A-Za-zＡ-Ｚａ-ｚ])(?:{province})(?:{CANDIDATE_SEPARATOR}[{DIGITS}]){{13}}"


GROUP = re.compile(rf"[{DIGITS}{CHECKS}]+")


@lru_cache(maxsize=1)
def provinces() -> frozenset[str]:
    """The GB/T 2260 province codes (first two digits of a region code), from python-stdnum's table."""
    return frozenset(prefix[1] for prefix in numdb.get("cn/loc").prefixes)


@dataclass(frozen=True, slots=True)
class FoundId:
    """An ID number in a text: where it is (``text[start:end]``, separators included) and its digits."""

    start: int
    end: int
    number: str  # ASCII, 15 or 18 characters, X upper-case

    @property
    def canonical(self) -> str:
        """The 18-digit form (a 15-digit card upgraded), the same for both card generations of a person."""
        return upgraded(self.number) if len(self.number) == 15 else self.number


def mask_id(number: str) -> str:
    """An ID number (no separators) with all but its first 6 and last 4 characters replaced by ``*``."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def ascii_number(candidate: str) -> str:
    """Digits of any width as ASCII, x/Ｘ/ｘ as X (separators must be removed first)."""
    return "".join("X" if c in CHECKS else str(unicodedata.digit(c)) for c in candidate)


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


def plausible_birth(number18: str) -> bool:
    """A real calendar date from 1880 to this year in the birth-date digits (python-stdnum reads it)."""
    try:
        born = ric.get_birth_date(number18)
    except (ValidationError, ValueError):
        return False
    return EARLIEST_BIRTH <= born.year <= date.today().year


def is_registration_number(number: str) -> bool:
    """A domestic firm's 15-digit business registration number (工商注册号): valid MOD 11,10, 7th digit 0–3."""
    return len(number) == 15 and number[6] in "0123" and mod_11_10.is_valid(number)


def is_personal_id(candidate: str) -> bool:
    """True for a number (ASCII or full-width, no separators) shaped like a person's ID: 15 or 18
    characters, a province, a birth date; except credit codes and registration numbers (see above)."""
    if not candidate or not re.fullmatch(rf"[{DIGITS}]{{17}}[{DIGITS}{CHECKS}]|[{DIGITS}]{{15}}", candidate):
        return False
    number = ascii_number(candidate)
    if number[:2] not in provinces() or is_registration_number(number):
        return False
    return plausible_birth(upgraded(number) if len(number) == 15 else number)


def find_ids(text: str) -> list[FoundId]:
    """Every personal ID number in ``text``, in order."""
    found = []
    for run in run_pattern().finditer(text):
        found.extend(ids_in_run(text, run.start(), run.end()))
    return found


def ids_in_run(text: str, start: int, end: int) -> list[FoundId]:
    """The IDs in one run of digits and separators: windows of whole groups, 18 or else 15 characters."""
    groups = [(g.start(), g.end()) for g in GROUP.finditer(text, start, end)]
    first_ok = start == 0 or not LATIN.match(text[start - 1])
    last_ok = end == len(text) or not LATIN.match(text[end])
    found, i = [], 0 if first_ok else 1
    while i < len(groups):
        windows, digits = {}, ""
        for j in range(i, len(groups)):
            digits += text[groups[j][0]:groups[j][1]]
            if len(digits) > 18:
                break
            if len(digits) in (15, 18) and (j < len(groups) - 1 or last_ok):
                windows[len(digits)] = (j, digits)
        match = next((windows[n] for n in (18, 15) if n in windows and is_personal_id(windows[n][1])), None)
        if match:
            found.append(FoundId(groups[i][0], groups[match[0]][1], ascii_number(match[1])))
            i = match[0] + 1
        else:
            i += 1
    return found


def mask_ids(text: str) -> str:
    """``text`` with every personal ID number masked (first 6 and last 4 digits kept), same length."""
    if not isinstance(text, str) or not text:
        return text
    found = find_ids(text)
    if not found:
        return text
    chars = list(text)
    for match in found:
        positions = [i for i in range(match.start, match.end) if chars[i] in "0123456789０１２３４５６７８９XxＸｘ"]
        for i in positions[6:-4]:
            chars[i] = "*"
    return "".join(chars)
