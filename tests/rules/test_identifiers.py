"""The firm's key on columns: credit codes (GB 32100) and 15-digit registration numbers (ISO 7064 MOD 11,10),
against python-stdnum as the oracle (generated codes here; every code of the real corpus in the shared-data
test)."""

from hypothesis import given, settings, strategies as st
import polars as pl
import pytest
from stdnum.cn import uscc
from stdnum.iso7064 import mod_11_10

from screening.rules.identifiers import (ALPHABET, credit_code_problem, key_columns, key_region, mod_11_10_valid,
                                         uscc_valid, with_key)

VALID_USCC = "91440101190508453C"
VALID_NUMBER = "320404000009558"  # a real 工商注册号 of the corpus (Changzhou)


def keys(code, registration=None) -> dict:
    frame = pl.DataFrame({"credit_code": [code], "registration_number": [registration]},
                         schema={"credit_code": pl.Utf8, "registration_number": pl.Utf8})
    return with_key(frame).row(0, named=True)


@pytest.mark.parametrize("code, registration, key, kind, kept, problem", [
    (VALID_USCC, None, VALID_USCC, "uscc", None, None),
    (" 9144 0101-190508453c ", None, VALID_USCC, "uscc", None, None),  # stdnum's compact: spaces, hyphens, case
    (VALID_USCC, VALID_NUMBER, VALID_USCC, "uscc", VALID_NUMBER, None),  # both: the credit code is the key
    (VALID_NUMBER, None, VALID_NUMBER, "registration_number", VALID_NUMBER, None),  # old number in the code column
    (None, VALID_NUMBER, VALID_NUMBER, "registration_number", VALID_NUMBER, None),  # only the old number
    ("", VALID_NUMBER, VALID_NUMBER, "registration_number", VALID_NUMBER, None),
    # must not load
    ("91440101190508453X", None, "91440101190508453X", None, None, "invalid credit code checksum"),
    ("91440101190508453X", VALID_NUMBER, "91440101190508453X", None, VALID_NUMBER, "invalid credit code checksum"),
    ("320404000009559", None, "320404000009559", None, None,
     "invalid registration number checksum (ISO 7064 MOD 11,10)"),
    (None, "32040400000955", None, None, "32040400000955",
     "invalid registration number (expected 15 digits, the last an ISO 7064 MOD 11,10 check digit)"),
    ("13830295-X", None, "13830295X", None, None,
     "invalid credit code length (expected 18 characters, or a 15-digit registration number)"),
    ("9144010119050845", None, "9144010119050845", None, None,
     "invalid credit code length (expected 18 characters, or a 15-digit registration number)"),
    ("91440101I90508453C", None, "91440101I90508453C", None, None, "invalid credit code format"),
    ("", None, None, None, None, "missing credit code (or 15-digit registration number)"),
    (None, None, None, None, None, "missing credit code (or 15-digit registration number)"),
], ids=["uscc", "uscc-compacted", "both", "number-in-code-column", "number-only", "empty-code-and-number",
        "bad-uscc", "bad-uscc-with-number", "bad-number", "short-number", "organisation-code", "short-code",
        "letter-I", "empty", "none"])
def test_key_cases(code, registration, key, kind, kept, problem):
    row = keys(code, registration)
    assert (row["credit_code"], row["key_kind"], row["registration_number"], row["key_problem"]) == (
        key, kind, kept, problem)


def check_codes(codes: list[str]) -> None:
    """The expression agrees with stdnum on every code (compacted as stdnum compacts)."""
    frame = pl.DataFrame({"code": codes}, schema={"code": pl.Utf8})
    found = frame.select(uscc_valid(pl.col("code").str.replace_all(r"[ \-]", "").str.to_uppercase())).to_series()
    assert found.to_list() == [uscc.is_valid(code) for code in codes]


PREFIX = st.text(alphabet=ALPHABET + "IOSVZ-", min_size=15, max_size=19)


@settings(max_examples=300, deadline=None)
@given(st.lists(PREFIX, min_size=1, max_size=40))
def test_uscc_expression_equals_stdnum_on_generated_codes(prefixes):
    codes = []
    for prefix in prefixes:
        codes.append(prefix)
        body = prefix.replace("-", "")[:17]
        if len(body) == 17 and all(c in ALPHABET for c in body):
            codes.append(body + uscc.calc_check_digit(body))  # valid when its first 8 are digits
    check_codes(codes)


BODY = st.tuples(st.text(alphabet="0123456789", min_size=8, max_size=8),
                 st.text(alphabet=ALPHABET, min_size=9, max_size=9)).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(BODY, min_size=1, max_size=40), st.data())
def test_uscc_expression_equals_stdnum_on_valid_codes_and_their_one_character_changes(bodies, data):
    valid = [body + uscc.calc_check_digit(body) for body in bodies]
    changed = []
    for code in valid:  # one character replaced by another of the alphabet, or the check character by I/O/S/V/Z
        at = data.draw(st.integers(0, 17))
        other = data.draw(st.sampled_from([c for c in ALPHABET + ("IOSVZ" if at == 17 else "") if c != code[at]]))
        changed.append(code[:at] + other + code[at + 1:])
    assert all(uscc.is_valid(code) for code in valid)  # the generator makes valid codes: the test can fail
    check_codes(valid + changed)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=13, max_size=16), min_size=1, max_size=40))
def test_mod_11_10_expression_equals_stdnum_on_generated_numbers(stems):
    numbers = stems + [s[:14] + mod_11_10.calc_check_digit(s[:14]) for s in stems if len(s) >= 14]
    found = pl.DataFrame({"n": numbers}).select(mod_11_10_valid(pl.col("n"))).to_series().to_list()
    assert found == [len(n) == 15 and mod_11_10.is_valid(n) for n in numbers]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=14, max_size=14), min_size=1, max_size=40), st.data())
def test_mod_11_10_expression_equals_stdnum_on_valid_numbers_and_their_one_digit_changes(stems, data):
    valid = [stem + mod_11_10.calc_check_digit(stem) for stem in stems]
    changed = []
    for number in valid:
        at = data.draw(st.integers(0, 14))
        digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[at]]))
        changed.append(number[:at] + digit + number[at + 1:])
    numbers = valid + changed
    found = pl.DataFrame({"n": numbers}).select(mod_11_10_valid(pl.col("n"))).to_series().to_list()
    assert found[:len(valid)] == [True] * len(valid)
    assert found == [mod_11_10.is_valid(n) for n in numbers]
    assert not any(found[len(valid):])  # MOD 11,10 catches every single-digit change


@pytest.mark.parametrize("code, problem", [
    (VALID_USCC, None),
    ("91440101190508453X", "invalid credit code checksum"),
    ("", "missing credit code (or 15-digit registration number)"),
    (None, "missing credit code (or 15-digit registration number)"),
    ("   ", "missing credit code (or 15-digit registration number)"),  # blank is missing, not a wrong length
    ("9144010119050845", "invalid credit code length (expected 18 characters, or a 15-digit registration number)"),
    ("91440101I90508453C", "invalid credit code format"),  # I is not in the code alphabet
])
def test_credit_code_problem_names_the_reason(code, problem):
    assert credit_code_problem(code) == problem


@pytest.mark.shared_data
@pytest.mark.slow
def test_expressions_equal_stdnum_on_every_code_of_the_corpus(registry_dir):
    codes = pl.read_parquet(registry_dir / "erd_1978_2004_all.parquet", columns=["统一社会信用代码"]).to_series()
    codes = codes.fill_null("").str.strip_chars()
    check_codes(codes.to_list())
    numbers = codes.filter(codes.str.len_chars() == 15)
    found = pl.DataFrame({"n": numbers}).select(mod_11_10_valid(pl.col("n"))).to_series().to_list()
    assert len(numbers) > 3000 and found == [mod_11_10.is_valid(n) and n.isascii() for n in numbers.to_list()]
    assert sum(found) > 3000  # most old numbers of the corpus are valid: those firms load now


def test_key_columns_are_expressions_over_any_column_names():
    frame = pl.DataFrame({"a": [VALID_NUMBER], "b": [None]}, schema={"a": pl.Utf8, "b": pl.Utf8})
    assert frame.select(key_columns(pl.col("a"), pl.col("b"))).row(0) == (
        VALID_NUMBER, "registration_number", VALID_NUMBER, None)


def test_key_region_is_the_registering_authoritys_region_of_a_usable_key():
    frame = pl.DataFrame({"key": [VALID_USCC, VALID_NUMBER, "91440101190508453X", None],
                          "kind": ["uscc", "registration_number", None, None]})
    regions = frame.select(key_region(pl.col("key"), pl.col("kind")).alias("region"))["region"].to_list()
    assert regions == ["440101", "320404", None, None]  # characters 3-8 of a credit code, 1-6 of a number


@pytest.mark.parametrize("error, reason", [
    ("InvalidComponent", "invalid credit code component"),  # not raised by uscc.validate today: the mapping holds
    ("InvalidChecksum", "invalid credit code checksum"),
    ("ValidationError", "invalid credit code: odd"),  # any other: stdnum's own words
])
def test_every_stdnum_error_has_its_reason(monkeypatch, error, reason):
    from stdnum import exceptions

    from screening.rules import identifiers

    def refuse(code):
        raise getattr(exceptions, error)("odd") if error == "ValidationError" else getattr(exceptions, error)()

    monkeypatch.setattr(identifiers.uscc, "validate", refuse)
    assert credit_code_problem(VALID_USCC) == reason
