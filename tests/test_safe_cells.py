"""Safe cells: formula-like starts neutralised, personal ID numbers masked, safe file and sheet names."""

from datetime import date, datetime

import pytest
from stdnum.cn import ric

from screening.handoff.safe_cells import (file_stem, mask_ids, neutralise, regulator_slug, safe_offset, safe_text,
                                          sheet_name)

BASE = "11010519491231002"
VALID_ID = BASE + ric.calc_check_digit(BASE + "0")  # stdnum drops the last character: pass a placeholder
WRONG_CHECK = BASE + "0"
MASKED = VALID_ID[:6] + "********" + VALID_ID[-4:]


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
]


def test_the_valid_id_is_valid():
    assert ric.is_valid(VALID_ID) and not ric.is_valid(WRONG_CHECK)


@pytest.mark.parametrize("text, expected", NEUTRALISE)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


@pytest.mark.parametrize("value, expected", [
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
    (f"{VALID_ID[:-1]}7", f"{VALID_ID[:-1]}7"),  # wrong check character: not an ID
    ("110105194913310027", "110105194913310027"),  # no 13th month
    (WRONG_CHECK, WRONG_CHECK),                   # 18 digits, wrong check digit: not an ID
    ("123456789012345678", "123456789012345678"),
    (f"9{VALID_ID}", f"9{VALID_ID}"),            # part of a longer number: not an ID on its own
    ("技术开发", "技术开发"),
])
def test_mask_ids(text, expected):
    assert mask_ids(text) == expected
    assert len(mask_ids(text)) == len(text)  # masking keeps spans valid


@pytest.mark.parametrize("regulator, slug", [
    ("银监局", "cbrc"), ("证监局", "csrc"), ("保监局", "circ"), ("人民银行", "pbc"), ("金融办", "jrb"),
])
def test_regulator_slugs(regulator, slug):
    assert regulator_slug(regulator) == slug
    assert file_stem(regulator, 7, datetime(2026, 11, 25, 12, 4, 5)) == f"{slug}_run7_20261125_120405"


@pytest.mark.parametrize("regulator", ["../etc", "发改委", "", "jrb"])
def test_unknown_regulator_is_refused(regulator):
    with pytest.raises(ValueError, match="unknown regulator"):
        regulator_slug(regulator)


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
