"""Personal ID numbers masked by shape (screening/extract/personal_ids.py), tested with answers known by
construction: IDs planted at known places in generated text among credit codes, registration numbers,
phone numbers, amounts, dates and bank cards; every planted ID masked, nothing else touched.
python-stdnum is the oracle for what is a valid ID (and a valid credit code) in the construction."""

from datetime import date

from hypothesis import given, settings, strategies as st
import pytest
from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10

from screening.extract.personal_ids import find_ids, is_personal_id, mask_ids, upgraded

FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
REGIONS = ["110105", "310104", "110108", "120101"]  # counties that existed in every birth year drawn
NEW_COUNTY = ("310115", 1992)  # 浦东新区 exists from 1992: valid IDs of people born there before fail stdnum


def id18(region: str, born: date, sequence: int) -> str:
    base = f"{region}{born:%Y%m%d}{sequence:03d}"
    return base + ric.calc_check_digit(base + "0")


def id15(region: str, born: date, sequence: int) -> str:
    return f"{region}{born:%y%m%d}{sequence:03d}"


def masked(planted: str) -> str:
    """The planted text as it must come out: the digits between the first 6 and last 4 replaced by *."""
    positions = [i for i, c in enumerate(planted) if c in "0123456789０１２３４５６７８９XxＸｘ"]
    chars = list(planted)
    for i in positions[6:-4]:
        chars[i] = "*"
    return "".join(chars)


def split(number: str, cuts: list[int], separator: str) -> str:
    """``number`` with ``separator`` inserted at the positions ``cuts``."""
    out, last = [], 0
    for cut in sorted(set(cuts)):
        out.append(number[last:cut])
        last = cut
    return separator.join(out + [number[last:]])


PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
             "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"]  # GB/T 2260
BORN = st.dates(date(1930, 1, 1), date(2005, 12, 31))
SEPARATORS = [" ", "-", "\u200b", "\u2060", "\ufeff", "\u00a0", "\u3000", " - ", "\u2014"]


@st.composite
def planted_ids(draw) -> tuple[str, str]:
    """(an ID in one of the forms people write, its masked form)."""
    born, sequence = draw(BORN), draw(st.integers(0, 999))
    form = draw(st.sampled_from(["valid", "wrong-check", "new-county", "old-card", "lower-x", "any-county"]))
    if form == "any-county":  # a province and any four digits: known to stdnum or not
        base = f"{draw(st.sampled_from(PROVINCES))}{draw(st.integers(0, 9999)):04d}{born:%Y%m%d}{sequence:03d}"
        number = base + draw(st.sampled_from("0123456789X"))
    elif form == "new-county":
        number = id18(NEW_COUNTY[0], draw(st.dates(date(1930, 1, 1), date(NEW_COUNTY[1] - 1, 12, 31))), sequence)
        assert not ric.is_valid(number)  # stdnum says invalid: the county is newer than the birth year
    elif form == "old-card":
        number = id15(draw(st.sampled_from(REGIONS)), draw(st.dates(date(1940, 1, 1), date(1999, 12, 31))), sequence)
        assert ric.is_valid(upgraded(number))
    else:
        number = id18(draw(st.sampled_from(REGIONS)), born, sequence)
        assert ric.is_valid(number)
        if form == "wrong-check":
            number = number[:-1] + draw(st.sampled_from([c for c in "0123456789X" if c != number[-1]]))
            assert not ric.is_valid(number)
        if form == "lower-x":
            number = number[:-1] + "x"
    if draw(st.booleans()):
        number = number.translate(FULL)
    if draw(st.booleans()):
        number = split(number, draw(st.lists(st.integers(1, len(number) - 1), max_size=3)),
                       draw(st.sampled_from(SEPARATORS)))
    return number, masked(number)


def credit_code(region: str, body: str) -> str:
    base = f"91{region}{body}"
    return base + uscc.calc_check_digit(base)


def registration_number(region: str, serial: int) -> str:
    base = f"{region}{serial % 4}{serial:07d}"[:14]
    return base + mod_11_10.calc_check_digit(base)


FILLERS = st.one_of(
    st.sampled_from(["投资管理", "法定代表人：", "股东", "技术开发、技术咨询", "注册资本5000万元", "住所：北京市海淀区中关村大街1号",
                     "（", "）", "；", "成立日期2004-01-02", "电话：021-58889999", "邮编100080"]),
    st.builds(credit_code, st.sampled_from(REGIONS), st.sampled_from(["MA0000003", "MA1K4XXXX", "100000000", "X12345678"])),
    st.builds(registration_number, st.sampled_from(REGIONS), st.integers(0, 9_999_999)),
    st.builds(lambda n: f"1{n:010d}", st.integers(3_000_000_000, 9_999_999_999)),            # mobile phone
    st.builds(lambda n: f"{n}元", st.integers(0, 10 ** 14 - 1)),                            # amounts (≤ 14 digits)
    st.builds(lambda n: f"6222{n:012d}", st.integers(0, 10 ** 12 - 1)),                     # bank card, 16 digits
    st.builds(lambda n: f"62{n:017d}", st.integers(0, 10 ** 17 - 1)),                       # bank card, 19 digits
)
JOINERS = st.sampled_from(["，", "张三", "李四:", "、", "（", "）", "；", "身份证号："])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.booleans(), planted_ids(), FILLERS, JOINERS), min_size=1, max_size=6))
def test_planted_ids_are_masked_and_nothing_else_is_touched(pieces):
    text, expected, planted = "", "", []
    for is_id, (number, hidden), filler, joiner in pieces:
        if is_id:
            planted.append((len(text + joiner), number))
            text, expected = text + joiner + number, expected + joiner + hidden
        else:
            text, expected = text + joiner + filler, expected + joiner + filler
    assert mask_ids(text) == expected
    assert [(found.start, text[found.start:found.end]) for found in find_ids(text)] == planted


FORMS = [  # (text, masked) — every form of the issue, then text that must not change
    ("11010519491231002X", "110105********002X"),                    # valid
    ("110105194912310021", "110105********0021"),                    # wrong check digit: a mistyped ID
    ("310115198808084569", "310115********4569"),                    # county newer than the birth year
    ("521201194912310021", "521201********0021"),                    # a county stdnum does not know
    ("110105 19491231 002X", "110105 ******** 002X"),                 # spaces
    ("110105-1949-1231-002X", "110105-****-****-002X"),               # hyphens
    ("1101\u200b0519491231002X", "1101\u200b05********002X"),         # a zero-width space
    ("１１０１０５１９４９１２３１００２Ｘ", "１１０１０５********００２Ｘ"),   # full-width digits
    ("张三11010519491231002X", "张三110105********002X"),              # straight after a name
    ("张三110105491231002、李四", "张三110105*****1002、李四"),            # first-generation card after a name
    ("身份证号：11010519491231002x。", "身份证号：110105********002x。"),
    ("11010519491231002X 13812345678", "110105********002X 13812345678"),
    ("91110108MA0000003K", "91110108MA0000003K"),                    # credit code with letters
    (credit_code("310115", "312345678"), credit_code("310115", "312345678")),  # all digits, but 91 is no province
    ("310115000123456", "310115000123456"),                          # a registration number (工商注册号)
    ("110105194913310027", "110105194913310027"),                    # no 13th month
    ("110105190002300021", "110105190002300021"),                    # no 30 February
    ("990105194912310021", "990105194912310021"),                    # no province 99
    ("110105185012310021", "110105185012310021"),                    # born 1850: not a living person's card
    ("A11010519491231002X", "A11010519491231002X"),                  # part of a code
    ("911010519491231002X", "911010519491231002X"),                  # part of a longer number
    ("1101051949123100", "1101051949123100"),                        # 16 digits
    ("电话：13812345678，021-58889999", "电话：13812345678，021-58889999"),
    ("13812345678 13987654321", "13812345678 13987654321"),
    ("注册资本100000000000000元", "注册资本100000000000000元"),
    ("6222021001234567890", "6222021001234567890"),                  # bank card
    ("2004-01-02 至 2024-01-01", "2004-01-02 至 2024-01-01"),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_every_form_is_masked_and_the_rest_left_alone(text, expected):
    assert mask_ids(text) == expected and len(mask_ids(text)) == len(text)


def test_the_table_means_what_it_says():
    assert ric.is_valid("11010519491231002X") and not ric.is_valid("110105194912310021")
    assert not ric.is_valid("310115198808084569")
    assert uscc.is_valid(credit_code("310115", "312345678"))
    assert mod_11_10.is_valid("310115000123456")
    assert is_personal_id("１１０１０５１９４９１２３１００２Ｘ") and not is_personal_id("91110108MA0000003K")


@given(st.text(alphabet=st.sampled_from("0123456789X -\u200b张三，１２")))
def test_masking_never_raises_keeps_length_and_is_idempotent(text):
    once = mask_ids(text)
    assert len(once) == len(text) and mask_ids(once) == once


def test_the_provinces_come_from_stdnums_table():
    from screening.extract.personal_ids import provinces
    assert set(PROVINCES) <= provinces() and not provinces() & {"00", "10", "19", "90", "91", "99"}
