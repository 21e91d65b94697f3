"""Safe cells: formula-like starts neutralised (as classes of characters), placeholders emptied, personal ID
numbers masked, safe sheet names."""

from datetime import date
import unicodedata

from hypothesis import given, settings, strategies as st
import pytest
from stdnum.cn import ric, uscc

from screening.extract.personal_ids import is_personal_id, mask_ids, upgraded
from screening.handoff.safe_cells import (IGNORABLE_PREFIX, confusable_signs, is_formula_sign, needs_quote, neutralise,
                                          safe_offset, safe_text, sheet_name)

BASE = "11010519491231002"
VALID_ID = BASE + ric.calc_check_digit(BASE + "0")  # stdnum drops the last character: pass a placeholder
WRONG_CHECK = BASE + "0"
MASKED = VALID_ID[:6] + "********" + VALID_ID[-4:]
OLD_ID = "110105491231002"                    # first-generation card: 110105, born 1949-12-31, sequence 002
OLD_MASKED = OLD_ID[:6] + "*****" + OLD_ID[-4:]
OLD_X = "110105491231109"                     # its 18-digit form ends in X
FULL_WIDTH_OLD = "".join(chr(ord(c) + 0xFEE0) for c in OLD_ID)  # １１０１０５…
FULL_WIDTH_ID = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)
CREDIT_CODE = "91310115312345678" + uscc.calc_check_digit("91310115312345678")  # all digits, valid USCC
NO_COUNTY = "521201015205170778"  # province 52 known to stdnum, county 1201 not: stdnum 2.2 raised KeyError


NEUTRALISE = [
    ("=1+1", "'=1+1"),
    ("+86 21 5555", "'+86 21 5555"),
    ("-2", "'-2"),
    ("-", "'-"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=cmd", "'\t=cmd"),
    ("\r=x", "'\r=x"),
    ("上海甲投资管理有限公司", "上海甲投资管理有限公司"),
    ("投资管理；=1+1", "投资管理；=1+1"),  # only the start matters
    ("2024-01-01", "2024-01-01"),
    ("", ""),
    ("'already", "'already"),
    ("＝1+1", "'＝1+1"),             # full-width forms: some spreadsheets convert them on entry
    ("＋86", "'＋86"),
    ("－2", "'－2"),
    ("＠SUM(A1)", "'＠SUM(A1)"),
    (" =1+1", "' =1+1"),             # leading spaces do not hide a formula
    ("\u3000＝x", "'\u3000＝x"),
    ("\n=x", "'\n=x"),
    ("投资=1", "投资=1"),
    ("（=1）", "（=1）"),
    ("   ", "   "),
    # leading whitespace and ignorable characters of every kind do not hide a formula
    ("\u00a0=1+1", "'\u00a0=1+1"),        # NO-BREAK SPACE
    ("\u2003=1", "'\u2003=1"),            # EM SPACE
    ("\u200b=1", "'\u200b=1"),            # ZERO WIDTH SPACE
    ("\ufeff=1", "'\ufeff=1"),            # BOM
    ("\u2060\u180e+1", "'\u2060\u180e+1"),  # WORD JOINER, MONGOLIAN VOWEL SEPARATOR
    ("\ufe0f@x", "'\ufe0f@x"),            # a variation selector
    ("\u3164-1", "'\u3164-1"),            # HANGUL FILLER
    ("\U000e0020=1", "'\U000e0020=1"),    # a tag character
    ("\u202e=1", "'\u202e=1"),            # RIGHT-TO-LEFT OVERRIDE
    ("\x01=1", "'\x01=1"),                # a control character
    # look-alikes of = + - @
    ("﹦1", "'﹦1"), ("﹢1", "'﹢1"), ("−1", "'−1"), ("﹣1", "'﹣1"), ("﹫x", "'﹫x"),
    ("⁼1", "'⁼1"), ("₊1", "'₊1"), ("➕1", "'➕1"), ("➖1", "'➖1"), ("–1", "'–1"), ("—1", "'—1"),
    ("‐1", "'‐1"), ("᐀1", "'᐀1"), ("⹀1", "'⹀1"), ("\u00a0﹦1", "'\u00a0﹦1"),
    # must NOT be touched
    ("一般项目：投资管理", "一般项目：投资管理"),  # 一 is not a dash
    ("ー", "ー"),                             # katakana long vowel mark
    ("\u200b投资=1", "\u200b投资=1"),
    ("\u00a0", "\u00a0"),
    ("\u200b", "\u200b"),
    ("１=1", "１=1"),
    ("a-b", "a-b"),
    ("（－1）", "（－1）"),
    ("*1", "*1"),
    ("#REF", "#REF"),
]


def test_the_valid_id_is_valid():
    assert ric.is_valid(VALID_ID) and not ric.is_valid(WRONG_CHECK) and VALID_ID.endswith("X")


@pytest.mark.parametrize("text, expected", NEUTRALISE)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


@pytest.mark.parametrize("value, expected", [
    ("N/A", ""), (" n/a ", ""), ("NULL", ""), ("None", ""), ("-", ""), ("—", ""), ("无", ""), ("暂无", ""),
    ("N/A公司", "N/A公司"), ("无锡市", "无锡市"), ("--2", "'--2"), ("-2", "'-2"),  # must NOT be emptied
    (None, ""),
    (True, "是"),
    (False, "否"),
    (3, "3"),
    (-3, "'-3"),
    (date(2026, 11, 22), "2026-11-22"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    (f"={VALID_ID}", f"'={MASKED}"),
])
def test_safe_text(value, expected):
    assert safe_text(value) == expected
    assert safe_offset(value) == (1 if expected.startswith("'") and not str(value).startswith("'") else 0)


@pytest.mark.parametrize("text, expected", [
    (f"张三 身份证{VALID_ID}", f"张三 身份证{MASKED}"),
    (f"{VALID_ID}", MASKED),
    (f"法人：{VALID_ID}；技术开发", f"法人：{MASKED}；技术开发"),
    (f"{VALID_ID[:-1]}x", f"{MASKED[:-1]}x"),   # a lower-case check character is still an ID
    (f"{VALID_ID[:-1]}7", f"{MASKED[:-1]}7"),  # wrong check character: a mistyped ID is still an ID
    ("110105194913310027", "110105194913310027"),  # no 13th month
    (WRONG_CHECK, MASKED[:-1] + "0"),             # 18 digits, wrong check digit: still a person's ID
    ("123456789012345678", "123456789012345678"),
    (f"9{VALID_ID}", f"9{VALID_ID}"),            # part of a longer number: not an ID on its own
    ("技术开发", "技术开发"),
    # first-generation 15-digit cards: region + YYMMDD + sequence, checked through their 18-digit form
    (OLD_ID, OLD_MASKED),
    (f"股东：王五({OLD_ID})、赵六", f"股东：王五({OLD_MASKED})、赵六"),
    (OLD_X, OLD_X[:6] + "*****" + OLD_X[-4:]),
    (FULL_WIDTH_OLD, FULL_WIDTH_OLD[:6] + "*****" + FULL_WIDTH_OLD[-4:]),  # full-width digits count too
    (FULL_WIDTH_ID, FULL_WIDTH_ID[:6] + "*" * 8 + FULL_WIDTH_ID[-4:]),
    (f"{VALID_ID[:-1]}Ｘ", f"{MASKED[:-1]}Ｘ"),  # a full-width check character
    # must NOT be masked
    ("110105491331002", "110105491331002"),      # month 13
    ("110105490230002", "110105490230002"),      # 30 February
    ("990105491231002", "990105491231002"),      # no region 99
    ("310115850101123", "310115*****1123"),      # 浦东新区 exists from 1992, but the shape is an ID: masked
    ("1101054912310021", "1101054912310021"),    # 16 digits
    ("11010549123100212", "11010549123100212"),  # 17 digits
    (f"{OLD_ID}5", f"{OLD_ID}5"),
    (f"A{OLD_ID}", f"A{OLD_ID}"),
    ("电话：13812345678，021-58889999", "电话：13812345678，021-58889999"),
    ("注册资本100000000000000元", "注册资本100000000000000元"),
    ("注册资本：5000.000000万人民币", "注册资本：5000.000000万人民币"),
    (CREDIT_CODE, CREDIT_CODE),                  # a firm's credit code (9…): never a region code
    ("91310115MA1K4XXXXX", "91310115MA1K4XXXXX"),
    ("310115000123456", "310115000123456"),      # an old business registration number (工商注册号)
    (NO_COUNTY, NO_COUNTY),                      # regression: used to raise KeyError inside stdnum
    (NO_COUNTY[:6] + "491231002", NO_COUNTY[:6] + "*****1002"),  # county unknown to stdnum: still an ID
])
def test_mask_ids(text, expected):
    assert mask_ids(text) == expected
    assert len(mask_ids(text)) == len(text)  # masking keeps spans valid


def test_the_cases_mean_what_they_say():
    assert is_personal_id(OLD_ID) and upgraded(OLD_ID) == VALID_ID  # the same person, both card generations
    assert upgraded(OLD_X).endswith("X") and uscc.is_valid(CREDIT_CODE) and not is_personal_id(CREDIT_CODE)
    assert not is_personal_id(NO_COUNTY) and not is_personal_id("310115000123456")


@pytest.mark.parametrize("category, taken, expected", [
    ("P2P网络借贷", set(), "P2P网络借贷"),
    ("资产管理/跨界[金融]:*?", set(), "资产管理_跨界_金融____"),
    (None, set(), "未分类"),
    ("'引号'", set(), "引号"),
    ("x" * 40, set(), "x" * 31),
    ("P2P网络借贷", {"p2p网络借贷"}, "P2P网络借贷_2"),
    ("x" * 40, {"x" * 31}, "x" * 29 + "_2"),
])
def test_sheet_name(category, taken, expected):
    name = sheet_name(category, set(taken))
    assert name == expected and len(name) <= 31


REGION_CODES = ["110105", "110108", "120101", "310115", "330106", "440301", "521201"]  # provinces 11 12 31 33 44 52
NO_PROVINCE = ["999999", "000000", "910105", "190105"]
JOINERS = st.sampled_from(["，", "、", "(", ")", "（", "）", "张三", "身份证", "\n", "；"])  # no digit, letter or separator


def id_like(region: str, born: date, sequence: int, old: bool, check: str | None) -> str:
    """A 15-digit (``old``) or 18-character number shaped like an ID; ``check`` None: the right check digit."""
    if old:
        return f"{region}{born:%y%m%d}{sequence:03d}"
    base = f"{region}{born:%Y%m%d}{sequence:03d}"
    return base + (check if check is not None else ric.calc_check_digit(base + "0"))


def hidden(number: str) -> str:
    """What masking must make of a planted ID: all but the first 6 and last 4 characters are ``*``."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


# An ID by construction: a province, a real birth date (a first-generation card from 1940 on, so that its 7th
# digit, 4-9, cannot make it a firm's registration number) and any check character, valid or not.
ID_18 = st.builds(id_like, st.sampled_from(REGION_CODES), st.dates(date(1900, 1, 1), date(1999, 12, 31)),
                  st.integers(0, 999), st.just(False), st.one_of(st.none(), st.sampled_from("0123456789X")))
ID_15 = st.builds(id_like, st.sampled_from(REGION_CODES), st.dates(date(1940, 1, 1), date(1999, 12, 31)),
                  st.integers(0, 999), st.just(True), st.none())
PLANTED = st.one_of(ID_18, ID_15).map(lambda number: (number, hidden(number)))
# Not an ID by construction, each left in clear: an ID glued to a letter (part of a code) or to more digits (a
# longer number); the same digits without a province; a 13th month; 16 and 17 digits; phone numbers.
CLEAR = st.one_of(
    st.tuples(st.sampled_from(["A", "x", "Ｋ"]), st.one_of(ID_18, ID_15)).map("".join),
    st.tuples(ID_15, st.sampled_from(["B", "0", "12"])).map("".join),
    st.tuples(st.sampled_from(["1", "9"]), ID_15).map("".join),
    st.builds(id_like, st.sampled_from(NO_PROVINCE), st.dates(date(1900, 1, 1), date(1999, 12, 31)),
              st.integers(0, 999), st.booleans(), st.one_of(st.none(), st.sampled_from("0123456789X"))),
    st.builds(lambda region, day: f"{region}194913{day:02d}0021", st.sampled_from(REGION_CODES), st.integers(1, 28)),
    st.builds(lambda number, extra: number[:15] + extra, ID_18, st.sampled_from(["0", "12"])),
    st.builds(lambda n: f"1{n:010d}", st.integers(3_000_000_000, 9_999_999_999)),
).map(lambda number: (number, number))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(JOINERS, st.one_of(PLANTED, CLEAR)), max_size=8), JOINERS)
def test_planted_ids_are_masked_and_nothing_else_is_touched(pieces, last):
    """The answer is known by construction (not from ``is_personal_id``): every planted ID is masked, and
    every other character, numbers that only look like IDs included, comes out as it went in."""
    text = "".join(joiner + number for joiner, (number, _) in pieces) + last
    expected = "".join(joiner + masked for joiner, (_, masked) in pieces) + last
    assert mask_ids(text) == expected
    assert mask_ids(expected) == expected


def every_character(pattern) -> list[str]:
    """Every code point (surrogates left out) that ``pattern`` matches, as characters."""
    return [c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) <= 0xDFFF and pattern(c)]


IGNORABLES = every_character(lambda c: IGNORABLE_PREFIX.fullmatch(c) is not None)
LOOKALIKES = sorted(set("=+-@") | set(every_character(lambda c: unicodedata.normalize("NFKC", c)[:1] in "=+-@"))
                    | {c for c in every_character(lambda c: unicodedata.category(c) == "Pd")} | {"−", "➕", "➖", "᐀"})


def test_the_classes_hold_what_the_issue_names():
    assert {"\u00a0", "\u2003", "\u200b", "\ufeff", "\u3164", "\ufe0f", "\u180e", "\U000e0020", " ", "\u3000", "\t",
            "\n"} <= set(IGNORABLES)
    assert {"﹦", "﹢", "−", "＝", "＋", "－", "＠", "﹫", "﹣", "—", "–"} <= set(LOOKALIKES)
    assert {"−", "➕", "➖", "᐀", "⹀"} <= confusable_signs() and "一" not in confusable_signs()
    assert not [c for c in "一ー丨中A1１（*#'" if is_formula_sign(c)]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(IGNORABLES), max_size=4), st.sampled_from(LOOKALIKES), st.text(max_size=10))
def test_anything_that_starts_like_a_formula_after_ignorable_characters_is_neutralised(prefix, sign, tail):
    text = prefix + sign + tail
    assert neutralise(text) == "'" + text
    assert safe_text(text).startswith("'") or not safe_text(text)  # a lone "-" is a placeholder: an empty cell


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from([c for c in IGNORABLES if c not in "\t\r"]), max_size=4),
       st.characters(categories=["L", "N", "Ps", "Pe", "Po", "So"]).filter(lambda c: not is_formula_sign(c)),
       st.text(max_size=10))
def test_nothing_else_is_touched(prefix, first, tail):
    text = prefix + first + tail
    assert neutralise(text) == text


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12))
def test_neutralise_only_ever_adds_one_quote_and_is_stable(text):
    quoted = neutralise(text)
    assert quoted in (text, "'" + text) and neutralise(quoted) == quoted
    assert (quoted != text) == needs_quote(text)
