"""The numbers a firm is known by, checked on whole columns, with python-stdnum as the oracle.

- The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, 8 digits then 10 of
  the code alphabet, the last a MOD 31 check character. Characters 3–8 are the registering
  authority's GB/T 2260 region code.
- The registration number (工商注册号) used before 2015: 15 digits, the last an ISO 7064 MOD 11,10
  check digit, the first six the registering authority's region code. Existing firms (存量企业) still
  appear under it; a valid one identifies the firm as well as a credit code does.

The checks run as polars expressions over a chunk (one pass in Rust instead of one python-stdnum call
per record); ``stdnum.cn.uscc`` and ``stdnum.iso7064.mod_11_10`` stay the reference, and
``tests/rules/test_identifiers.py`` proves the expressions equal to them on every code of the real
corpus and on generated codes, valid and invalid. The few invalid codes get their reason from stdnum.
"""

import polars as pl
from stdnum import exceptions
from stdnum.cn import uscc

USCC = "uscc"
REGISTRATION_NUMBER = "registration_number"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_SHAPE = "^[0-9]{8}[" + ALPHABET + "]{10}$"
REGISTRATION_SHAPE = "^[0-9]{15}$"
SEPARATORS = r"[ \-]"  # what stdnum's compact() removes from a credit code
REASONS = {
    exceptions.InvalidChecksum: "invalid credit code checksum",
    exceptions.InvalidLength: "invalid credit code length (expected 18 characters, or a 15-digit registration number)",
    exceptions.InvalidFormat: "invalid credit code format",
    exceptions.InvalidComponent: "invalid credit code component",
}
REGISTRATION_CHECKSUM = "invalid registration number checksum (ISO 7064 MOD 11,10)"
REGISTRATION_INVALID = "invalid registration number (expected 15 digits, the last an ISO 7064 MOD 11,10 check digit)"
STATES = range(10)  # pragma: no mutate (10 -> 11): a state is a digit; an 11th key is never looked up
DOUBLED = {s: ((s or 10) * 2) % 11 for s in STATES}  # (s or 10) × 2 mod 11, one reference to s per step
MISSING = "missing credit code (or 15-digit registration number)"


def compacted(column: pl.Expr) -> pl.Expr:
    """A code without spaces and hyphens, upper case; blank becomes null (stdnum's ``compact``)."""
    text = column.str.replace_all(SEPARATORS, "").str.strip_chars().str.to_uppercase()
    return pl.when(text != "").then(text)


def _char_values(code: pl.Expr, position: int) -> pl.Expr:
    """The code-alphabet value of the character at ``position`` (null when it is not in the alphabet)."""
    return code.str.slice(position, 1).replace_strict(
        {char: value for value, char in enumerate(ALPHABET)}, default=None, return_dtype=pl.Int32)


def uscc_check_character(code: pl.Expr) -> pl.Expr:
    """The GB 32100 check character of the first 17 characters of ``code`` (``uscc.calc_check_digit``)."""
    total = pl.sum_horizontal(_char_values(code, i) * weight for i, weight in enumerate(WEIGHTS))
    return ((31 - total % 31) % 31).replace_strict(dict(enumerate(ALPHABET)), return_dtype=pl.Utf8)


def uscc_valid(code: pl.Expr) -> pl.Expr:
    """True where ``code`` (compacted) is a valid credit code (``uscc.is_valid``), False elsewhere."""
    # pragma: no mutate (False -> True): where one side is null the other is False (a null code, a foreign letter)
    shaped = code.str.contains(USCC_SHAPE).fill_null(False)
    # pragma: no mutate (False -> True; 1 -> 2): a slice past the 18th character is the same one character
    return shaped & (code.str.slice(17, 1) == uscc_check_character(code)).fill_null(False)


def mod_11_10_valid(number: pl.Expr) -> pl.Expr:
    """True where ``number`` is 15 ASCII digits whose ISO 7064 MOD 11,10 check digit is right
    (``stdnum.iso7064.mod_11_10.is_valid`` on that shape)."""
    state: pl.Expr = pl.lit(5, dtype=pl.Int32)
    for position in range(15):  # the standard's recurrence, one digit a step: ((s or 10) × 2 mod 11 + d) mod 10
        digit = number.str.slice(position, 1).cast(pl.Int32, strict=False)
        state = (state.replace_strict(DOUBLED, return_dtype=pl.Int32) + digit) % 10
    # pragma: no mutate (False -> True): where one side is null the other is False (a null number, a non-digit)
    return number.str.contains(REGISTRATION_SHAPE).fill_null(False) & (state == 1).fill_null(False)


def credit_code_problem(code: str | None) -> str | None:
    """Why ``code`` (as written) is not a valid credit code, from python-stdnum; None when valid."""
    if not code or not code.strip():
        return MISSING
    try:
        uscc.validate(code)
    except exceptions.ValidationError as error:
        return REASONS.get(type(error), f"invalid credit code: {error}")
    return None


def key_columns(code: pl.Expr, registration: pl.Expr) -> list[pl.Expr]:
    """The firm's key, its kind, its registration number, and ``key_problem`` (null when usable), as
    expressions over any two columns (for one record or a few; :func:`with_key` is the fast form).

    The credit code is the key when it is valid; a 15-digit registration number is the key when it
    stands in the code column, or when the code column is empty. When both are given, the credit code
    is the key and the registration number is kept. Anything else keeps what was written and gets a
    reason ("invalid" where stdnum gives the precise one: :func:`with_key`)."""
    code, registration = compacted(code), compacted(registration)
    checks = _checks(code, registration)
    return _decided(code, registration, checks)


def _checks(code: pl.Expr, registration: pl.Expr) -> dict[str, pl.Expr]:
    """The four facts the key is decided from."""
    return {"code_ok": uscc_valid(code), "code_is_number": code.str.contains(REGISTRATION_SHAPE).fill_null(False),
            "code_number_ok": mod_11_10_valid(code), "number_ok": mod_11_10_valid(registration)}


def _decided(code: pl.Expr, registration: pl.Expr, facts: dict[str, pl.Expr]) -> list[pl.Expr]:
    """The key columns as expressions, from the code, the number and the facts about them."""
    kind = (pl.when(facts["code_ok"]).then(pl.lit(USCC))
            .when(facts["code_is_number"] & facts["code_number_ok"]).then(pl.lit(REGISTRATION_NUMBER))
            .when(code.is_null() & facts["number_ok"]).then(pl.lit(REGISTRATION_NUMBER)))
    key = pl.when(code.is_null() & facts["number_ok"]).then(registration).otherwise(code)
    problem = (pl.when(kind.is_not_null()).then(None)
               .when(facts["code_is_number"]).then(pl.lit(REGISTRATION_CHECKSUM))
               .when(code.is_null() & registration.is_not_null()).then(pl.lit(REGISTRATION_INVALID))
               .when(code.is_null()).then(pl.lit(MISSING))
               .otherwise(pl.lit("invalid")))
    kept = pl.when(kind == REGISTRATION_NUMBER).then(key).otherwise(registration)
    return [key.alias("credit_code"), kind.alias("key_kind"), kept.alias("registration_number"),
            problem.alias("key_problem")]


def with_key(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with raw ``credit_code`` and ``registration_number`` columns) with the key columns of
    :func:`key_columns`, each fact computed once over the chunk; the rows whose code is neither valid
    nor a registration number get stdnum's reason."""
    # pragma: no mutate ('__code' -> 'XX'; '__number' -> 'XX'): names of columns dropped before returning
    temporary = {"code": "__code", "number": "__number"}
    staged = frame.with_columns(compacted(pl.col("credit_code")).alias(temporary["code"]),
                                compacted(pl.col("registration_number")).alias(temporary["number"]))
    code, number = pl.col(temporary["code"]), pl.col(temporary["number"])
    facts = _checks(code, number)
    staged = staged.with_columns(expression.alias(f"__{name}") for name, expression in facts.items())
    decided = _decided(code, number, {name: pl.col(f"__{name}") for name in facts})
    keyed = staged.with_columns(decided).drop(
        [*temporary.values(), *(f"__{name}" for name in facts)])
    invalid = keyed["key_problem"] == "invalid"
    if not invalid.any():
        return keyed
    reasons = [credit_code_problem(code) if bad else problem for code, bad, problem in
               zip(keyed["credit_code"].to_list(), invalid.to_list(), keyed["key_problem"].to_list())]
    return keyed.with_columns(pl.Series("key_problem", reasons, dtype=pl.Utf8))


def key_region(key: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """The registering authority's GB/T 2260 region code of a usable key: characters 3–8 of a credit
    code, the first six digits of a registration number; null otherwise."""
    return (pl.when(kind == USCC).then(key.str.slice(2, 6))
            .when(kind == REGISTRATION_NUMBER).then(key.str.slice(0, 6)))
