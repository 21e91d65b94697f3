"""Whether a read record can be loaded: screening.validation."""

import pytest
from stdnum.cn import uscc

from screening.validation import reject_reason

VALID = ["91440101190508453C", "91330502147047786X", "9133030014506614XK"]


def wrong_last_char(code: str) -> str:
    """The code with its check character replaced by a different valid-alphabet character."""
    other = "0" if code[-1] != "0" else "1"
    changed = code[:-1] + other
    assert uscc.calc_check_digit(code[:-1]) == code[-1] != other
    return changed


MALFORMED = "malformed record at line 36: 9 fields, the header has 10; check the quotes in this line"


@pytest.mark.parametrize(
    ("row", "has_code_column", "expected"),
    [
        # a read problem passes through unchanged, before any other check
        ({"name": "杭州金马房地产有限公司", "credit_code": VALID[0], "problem": MALFORMED}, True, MALFORMED),
        ({"name": "", "credit_code": None, "problem": MALFORMED}, True, MALFORMED),
        ({"name": None, "credit_code": "bad", "problem": "NUL byte in the record at line 3"}, False,
         "NUL byte in the record at line 3"),
        # empty or blank name
        ({"name": "", "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"name": None, "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"name": "   ", "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"name": "\u3000\t", "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"credit_code": VALID[0]}, True, "empty name"),
        ({"name": "", "credit_code": None}, False, "empty name"),
        # the empty name is reported before a bad code
        ({"name": " ", "credit_code": wrong_last_char(VALID[0])}, True, "empty name"),
        # bad checksum
        ({"name": "广州某公司", "credit_code": wrong_last_char(VALID[0]), "problem": None}, True,
         "invalid credit code checksum"),
        ({"name": "湖州某社", "credit_code": wrong_last_char(VALID[1])}, True, "invalid credit code checksum"),
        ({"name": "温州某公司", "credit_code": wrong_last_char(VALID[2])}, True, "invalid credit code checksum"),
        # wrong length
        ({"name": "某公司", "credit_code": VALID[0][:-1]}, True, "invalid credit code length (expected 18 characters)"),
        ({"name": "某公司", "credit_code": VALID[0] + "1"}, True, "invalid credit code length (expected 18 characters)"),
        ({"name": "某公司", "credit_code": "123"}, True, "invalid credit code length (expected 18 characters)"),
        # bad character
        ({"name": "某公司", "credit_code": VALID[0][:-1] + "!"}, True, "invalid credit code format"),
        # missing code where the extract has a code column
        ({"name": "某公司", "credit_code": None}, True, "missing credit code"),
        ({"name": "某公司", "credit_code": ""}, True, "missing credit code"),
        ({"name": "某公司", "credit_code": "   "}, True, "missing credit code"),
        ({"name": "某公司"}, True, "missing credit code"),
        # no code column: the code is not checked at all
        ({"name": "某公司", "credit_code": None}, False, None),
        ({"name": "某公司"}, False, None),
        ({"name": "某公司", "credit_code": wrong_last_char(VALID[0])}, False, None),
        # valid codes, also with spaces around them
        ({"name": "广州某公司", "credit_code": VALID[0], "problem": None}, True, None),
        ({"name": "湖州某社", "credit_code": VALID[1]}, True, None),
        ({"name": "温州某公司", "credit_code": VALID[2]}, True, None),
        ({"name": "温州某公司", "credit_code": f"  {VALID[2]} "}, True, None),
        ({"name": "北京某公司", "credit_code": "91110108MA0000000" + uscc.calc_check_digit("91110108MA0000000")}, True,
         None),
    ],
)
def test_reject_reason(row, has_code_column, expected):
    assert reject_reason(row, has_code_column) == expected
