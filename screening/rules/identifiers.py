"""Unified social credit codes (统一社会信用代码, GB 32100-2015), checked with python-stdnum."""

import re

from stdnum import exceptions
from stdnum.cn import uscc

WELL_FORMED = re.compile(r"[0-9]{8}[0-9ABCDEFGHJKLMNPQRTUWXY]{10}")
REASONS = {
    exceptions.InvalidChecksum: "invalid credit code checksum",
    exceptions.InvalidLength: "invalid credit code length (expected 18 characters)",
    exceptions.InvalidFormat: "invalid credit code format",
    exceptions.InvalidComponent: "invalid credit code component",
}


def credit_code_problem(code: str | None) -> str | None:
    """Why ``code`` is not a valid credit code, or None when it is valid (an empty code is a problem)."""
    if not code or not code.strip():
        return "missing credit code"
    if WELL_FORMED.fullmatch(code) and uscc.calc_check_digit(code[:17]) == code[17]:
        return None  # the common case: one check-digit computation, no exception machinery
    try:
        uscc.validate(code)
    except exceptions.ValidationError as error:
        return REASONS.get(type(error), f"invalid credit code: {error}")
    return None


def compact(code: str | None) -> str:
    """The code without spaces and separators, upper case ('' for None)."""
    return uscc.compact(code) if code else ""


def region_of(code: str) -> str:
    """The registering authority's GB/T 2260 region code: characters 3 to 8 of a valid code."""
    return compact(code)[2:8]
