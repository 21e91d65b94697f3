"""Column headers matched by alias: screening.extract.headers."""

from pathlib import Path

import pytest

from screening.errors import ExtractError
from screening.extract.headers import ALIASES, canonical_name, resolve_headers

ALIAS_CASES = [
    ("统一社会信用代码", "credit_code"),
    ("信用代码", "credit_code"),
    ("社会信用代码", "credit_code"),
    ("credit_code", "credit_code"),
    ("uscc", "credit_code"),
    ("USCC", "credit_code"),
    ("企业名称", "name"),
    ("名称", "name"),
    ("企业（机构）名称", "name"),
    ("name", "name"),
    ("Name", "name"),
    ("company_name", "name"),
    ("Company_Name", "name"),
    ("经营范围", "scope"),
    ("scope", "scope"),
    ("business_scope", "scope"),
    ("住所", "address"),
    ("注册地址", "address"),
    ("地址", "address"),
    ("address", "address"),
    ("所在省份", "province"),
    ("省份", "province"),
    ("province", "province"),
    ("地区", "district"),
    ("district", "district"),
    ("法定代表人", "legal_rep"),
    ("法人代表", "legal_rep"),
    ("legal_rep", "legal_rep"),
    ("登记状态", "status"),
    ("status", "status"),
    ("成立日期", "registered_on"),
    ("注册日期", "registered_on"),
    ("registered_on", "registered_on"),
    ("注册资本", "capital"),
    ("注册资金", "capital"),
    ("capital", "capital"),
    ("经营异常", "abnormal"),
    ("abnormal", "abnormal"),
]


@pytest.mark.parametrize(("header", "canonical"), ALIAS_CASES)
def test_alias_resolves_to_canonical_column(header, canonical):
    assert canonical_name(header) == canonical


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("\ufeff企业名称", "name"),  # BOM left on the first header cell
        ("\ufeff统一社会信用代码", "credit_code"),
        ('"企业名称"', "name"),  # quotes the csv module did not remove
        ('\ufeff"企业名称"', "name"),  # BOM before a quoted cell: csv keeps the quotes
        ("  企业名称  ", "name"),
        (' " 经营范围 " ', "scope"),
        ("\t住所\t", "address"),
        ("  Credit_Code ", "credit_code"),
    ],
)
def test_bom_quotes_and_spaces_around_header_are_ignored(header, canonical):
    assert canonical_name(header) == canonical


@pytest.mark.parametrize(
    "header",
    ["序号", "备注", "企业名称2", "公司", "", None, "企业 名称", "names", "\ufeff"],
)
def test_unknown_header_has_no_canonical_column(header):
    assert canonical_name(header) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["企业名称"], {0: "name"}),
        (["序号", "企业名称", "备注"], {1: "name"}),
        (["统一社会信用代码", "企业名称", "经营范围", "住所"],
         {0: "credit_code", 1: "name", 2: "scope", 3: "address"}),
        (["\ufeff名称", "uscc", "无关列", "注册资金", "地区", "所在省份"],
         {0: "name", 1: "credit_code", 3: "capital", 4: "district", 5: "province"}),
        # two aliases of one column are refused: AMBIGUOUS below
        (["法人代表", "登记状态", "成立日期", "经营异常", "company_name"],
         {0: "legal_rep", 1: "status", 2: "registered_on", 3: "abnormal", 4: "name"}),
    ],
)
def test_resolve_headers_maps_known_columns_and_ignores_unknown(headers, expected):
    assert resolve_headers(headers, Path("extract.csv")) == expected


@pytest.mark.parametrize(
    "headers",
    [
        ["统一社会信用代码", "经营范围", "住所"],
        ["序号", "备注"],
        ["credit_code", "company"],
        [],
        [""],
    ],
)
def test_missing_name_column_raises_naming_file_column_and_aliases(headers, tmp_path):
    path = tmp_path / "某市_2016_extract.csv"
    with pytest.raises(ExtractError) as raised:
        resolve_headers(headers, path)
    message = str(raised.value)
    assert str(path) in message
    assert "'name'" in message
    for alias in ALIASES["name"]:
        assert alias in message


def test_extract_error_is_an_input_error_with_exit_status_2():
    from screening.errors import InputError, RegscreenError

    assert issubclass(ExtractError, InputError) and issubclass(ExtractError, RegscreenError)
    assert ExtractError("x.csv: empty file").exit_code == 2


AMBIGUOUS = [
    (["企业名称", "统一社会信用代码", "名称"], "two columns for 'name': '企业名称' (column 1) and '名称' (column 3)"),
    (["name", "经营范围", "scope"], "two columns for 'scope': '经营范围' (column 2) and 'scope' (column 3)"),
    (["企业名称", "经营范围", "经营范围"], "two columns for 'scope': '经营范围' (column 2) and '经营范围' (column 3)"),
    (["企业名称", "住所", "注册地址"], "two columns for 'address': '住所' (column 2) and '注册地址' (column 3)"),
    (["企业名称", "名称"], "two columns for 'name': '企业名称' (column 1) and '名称' (column 2)"),
    (["统一社会信用代码", "企业名称", "uscc"], "two columns for 'credit_code'"),
    (["法定代表人", "企业名称", "法人代表"], "two columns for 'legal_rep'"),
]
NOT_AMBIGUOUS = [
    ["企业名称", "统一社会信用代码", "经营范围", "住所"],
    ["企业名称", "公司名", "经营范围", "备注"],  # unknown columns are not candidates
    ["企业名称", "", "", "经营范围"],  # empty headers are not columns the product reads
]


@pytest.mark.parametrize(("headers", "says"), AMBIGUOUS)
def test_two_columns_for_one_field_are_refused_naming_both(headers, says):
    with pytest.raises(ExtractError) as refused:
        resolve_headers(headers, Path("x.csv"))
    assert str(refused.value).startswith("x.csv: " + says)
    assert "rename or remove the other" in str(refused.value)


@pytest.mark.parametrize("headers", NOT_AMBIGUOUS)
def test_one_column_per_field_is_read(headers):
    columns = resolve_headers(headers, Path("x.csv"))
    assert sorted(columns.values()) == sorted(set(columns.values()))
