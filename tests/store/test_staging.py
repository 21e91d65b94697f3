"""Staging an extract into firm rows and rejects: screening.store.staging."""

import polars as pl
import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.store.staging import SCREENED, STORED, stage_extract


def code(base: str) -> str:
    """A credit code with a valid check character."""
    return base + uscc.calc_check_digit(base)


A, B, C, D = (code(f"91310115MA000000{i}") for i in range(1, 5))
BAD_CHECKSUM = C[:-1] + ("0" if C[-1] != "0" else "1")
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所"]


def stage(tmp_path, rows, header=HEADER, chunk_rows=1000):
    return stage_extract(write_csv(tmp_path / "extract.csv", [header, *rows]), chunk_rows)


@pytest.mark.parametrize("chunk_rows", [1000, 2])  # duplicates across chunks too
def test_rows_in_equals_loaded_plus_rejected(tmp_path, chunk_rows):
    staged = stage(tmp_path, [
        ["上海甲投资管理有限公司", A, "投资管理", "上海市"],           # 1 loaded
        ["上海丙科技有限公司", BAD_CHECKSUM, "技术开发", "上海市"],     # 2 bad checksum
        ["", B, "技术开发", "上海市"],                                # 3 empty name
        ["上海丁科技有限公司", "", "技术开发", "上海市"],               # 4 missing code
        ["上海甲投资管理有限公司（重复）", A, "投资管理", "上海市"],     # 5 duplicate of record 1
        ["上海乙科技有限公司", B, "技术开发", "上海市"],               # 6 loaded (record 3 had no name)
        ["上海戊科技有限公司", D, "技术开发", "上海市"],               # 7 loaded
        ["   ", D, "技术开发", "上海市"],                             # 8 empty name (blank)
    ], chunk_rows=chunk_rows)
    assert staged.rows_in == 8
    assert staged.firms.height + staged.rejects.height == staged.rows_in
    assert staged.firms["record"].to_list() == [1, 6, 7]
    assert staged.firms["credit_code"].to_list() == [A, B, D]
    reasons = dict(zip(staged.rejects["record"], staged.rejects["reason"]))
    assert reasons == {
        2: "invalid credit code checksum",
        3: "empty name",
        4: "missing credit code (or 15-digit registration number)",
        5: "duplicate credit code in this extract (first at record 1)",
        8: "empty name",
    }
    assert staged.firms["credit_code"].n_unique() == staged.firms.height


def test_rejects_keep_source_file_code_and_raw_text(tmp_path):
    staged = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"], ["上海丙科技有限公司", BAD_CHECKSUM, "技术开发", "上海市"],
                              ["上海甲分身有限公司", A, "y", "上海市"]])
    rows = {row["record"]: row for row in staged.rejects.iter_rows(named=True)}
    assert set(rows) == {2, 3}
    assert rows[2]["source_file"] == str(tmp_path / "extract.csv")
    assert rows[2]["credit_code"] == BAD_CHECKSUM
    assert rows[2]["raw"] == f"上海丙科技有限公司,{BAD_CHECKSUM},技术开发,上海市"
    assert rows[3]["raw"] == f"上海甲分身有限公司,{A},y,上海市"
    assert rows[3]["reason"].endswith("(first at record 1)")


def test_a_clean_extract_has_no_rejects(tmp_path):
    staged = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"], ["上海乙有限公司", f" {B} ", "y", "上海市"]])
    assert (staged.rows_in, staged.firms.height, staged.rejects.height) == (2, 2, 0)
    assert staged.firms["credit_code"].to_list() == [A, B]  # stripped
    assert staged.rejects.columns == ["source_file", "record", "credit_code", "raw", "reason"]


def test_credit_code_case_does_not_make_another_firm(tmp_path):
    staged = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"], ["上海甲有限公司", A.lower(), "x", "上海市"]])
    assert staged.firms["credit_code"].to_list() == [A]
    assert staged.rejects["reason"].to_list() == ["duplicate credit code in this extract (first at record 1)"]


# ---------------------------------------------------------------- hashes

FULL_HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "所在省份", "地区", "法定代表人", "登记状态", "成立日期",
               "注册资本", "经营异常", "股东", "企业类型"]
FULL_ROW = ["上海甲投资管理有限公司", A, "投资管理；企业管理咨询", "上海市浦东新区", "上海市", "浦东新区", "张三", "存续",
            "2015-06-01", "1000万元", "", "张三；李四", "有限责任公司"]
FIELD_AT = {"name": 0, "scope": 2, "address": 3, "province": 4, "district": 5, "legal_rep": 6, "status": 7,
            "registered_on": 8, "capital": 9, "abnormal": 10, "shareholders": 11, "company_type": 12}


def hashes(tmp_path, row) -> tuple[str, str]:
    staged = stage(tmp_path, [row], header=FULL_HEADER)
    assert staged.firms.height == 1, staged.rejects
    return staged.firms["content_hash"][0], staged.firms["screen_hash"][0]


def test_every_stored_field_is_in_the_test():
    assert set(STORED) <= set(FIELD_AT) and set(SCREENED) == {"name", "scope"}


@pytest.mark.parametrize("field", [*STORED, "company_type"])
def test_content_hash_changes_with_any_stored_field_and_screen_hash_only_with_name_or_scope(tmp_path, field):
    content, screen = hashes(tmp_path, FULL_ROW)
    changed = list(FULL_ROW)
    changed[FIELD_AT[field]] = changed[FIELD_AT[field]] + "X" if changed[FIELD_AT[field]] else "是"
    new_content, new_screen = hashes(tmp_path, changed)
    assert (new_content != content) is (field in STORED)  # the company type is not stored
    assert (new_screen != screen) is (field in SCREENED)


def test_hashes_are_stable_and_do_not_depend_on_row_position_or_code(tmp_path):
    first = hashes(tmp_path, FULL_ROW)
    assert hashes(tmp_path, FULL_ROW) == first
    other = list(FULL_ROW)
    other[1] = B
    staged = stage(tmp_path, [other, FULL_ROW], header=FULL_HEADER)
    assert staged.firms.filter(pl.col("credit_code") == A).select("content_hash", "screen_hash").row(0) == first


def test_moving_text_between_fields_changes_the_hash(tmp_path):
    """Fields are joined with a separator: 'ab' + 'c' is not 'a' + 'bc'."""
    one, two = list(FULL_ROW), list(FULL_ROW)
    one[0], one[2] = "上海甲投资管理有限公司", "投资管理"
    two[0], two[2] = "上海甲投资管理有限公司投资", "管理"
    assert hashes(tmp_path, one)[1] != hashes(tmp_path, two)[1]


# ---------------------------------------------------------------- abnormal-operations list

@pytest.mark.parametrize(
    ("value", "abnormal"),
    [
        ("是", True), ("Y", True), ("y", True), ("YES", True), ("1", True), ("经营异常", True), ("列入", True),
        (" 是 ", True), ("TRUE", True), ("true", True),
        ("否", False), ("N", False), ("0", False), ("", False), ("移出", False), ("正常", False),
    ],
)
def test_abnormal_values(tmp_path, value, abnormal):
    staged = stage(tmp_path, [["上海甲有限公司", A, "x", value]], header=["企业名称", "统一社会信用代码", "经营范围", "经营异常"])
    assert staged.firms["abnormal_flag"].to_list() == [abnormal]


def test_abnormal_is_false_without_the_column(tmp_path):
    staged = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"]])
    assert staged.firms["abnormal_flag"].to_list() == [False]
