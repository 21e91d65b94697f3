"""Staging an extract into the run's DuckDB file: screening.store.staging (read, codes, duplicates, raw text)."""

from contextlib import closing
from pathlib import Path

import duckdb
import polars as pl
import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.rules.pipeline import screen_frames
from screening.store import delta, staging
from screening.store.sqlfiles import statement


def code(base: str) -> str:
    """A credit code with a valid check character."""
    return base + uscc.calc_check_digit(base)


A, B, C, D = (code(f"91310115MA000000{i}") for i in range(1, 5))
BAD_CHECKSUM = C[:-1] + ("0" if C[-1] != "0" else "1")
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所"]


def stage(tmp_path: Path, rows, header=HEADER, chunk_rows=1000, db: Path | None = None, name="extract.csv"):
    """(loaded firms, rejects, rows in) of an extract staged against the store ``db`` (none: a new store)."""
    extract = write_csv(tmp_path / name, [header, *rows])
    with closing(duckdb.connect(str(tmp_path / "staging.duckdb"))) as con:
        staging.stage_run(con, extract, db or tmp_path / "no-store.duckdb", chunk_rows)
        counts = delta.classify(con, False)
        firms = con.sql("select i.* exclude (credit_code), f.* from firms f join incoming i on i.record = f.record "
                        "order by f.record").pl()
        rejects = staging.rejects(con)
    (tmp_path / "staging.duckdb").unlink()
    assert counts["rows_in"] == counts["rows_loaded"] + counts["rows_rejected"] == firms.height + rejects.height
    return firms, rejects, counts["rows_in"]


ROWS = [
    ["上海甲投资管理有限公司", A, "投资管理", "上海市"],           # 1 loaded
    ["上海丙科技有限公司", BAD_CHECKSUM, "技术开发", "上海市"],     # 2 bad checksum
    ["", B, "技术开发", "上海市"],                                # 3 empty name
    ["上海丁科技有限公司", "", "技术开发", "上海市"],               # 4 missing code
    ["上海甲投资管理有限公司（重复）", A, "投资管理", "上海市"],     # 5 duplicate of record 1
    ["上海乙科技有限公司", B, "技术开发", "上海市"],               # 6 loaded (record 3 had no name)
    ["上海戊科技有限公司", D, "技术开发", "上海市"],               # 7 loaded
    ["   ", D, "技术开发", "上海市"],                             # 8 empty name (blank)
    ["上海己科技有限公司", BAD_CHECKSUM, "技术开发", "上海市"],     # 9 bad checksum, though its code came before
]
REASONS = {
    2: "invalid credit code checksum",
    3: "empty name",
    4: "missing credit code (or 15-digit registration number)",
    5: "duplicate credit code in this extract (first at record 1)",
    8: "empty name",
    9: "invalid credit code checksum",
}


@pytest.mark.parametrize("chunk_rows", [1000, 2, 1])  # duplicates across chunks too
def test_rows_in_equals_loaded_plus_rejected(tmp_path, chunk_rows):
    firms, rejects, rows_in = stage(tmp_path, ROWS, chunk_rows=chunk_rows)
    assert rows_in == 9
    assert firms["record"].to_list() == [1, 6, 7]
    assert firms["credit_code"].to_list() == [A, B, D]
    assert dict(zip(rejects["record"], rejects["reason"])) == REASONS
    assert firms["credit_code"].n_unique() == firms.height


def test_the_duplicate_rule_is_the_one_check_applies(tmp_path, screener):
    """One rule, two engines: the store's SQL and check's streaming FirstRecords reject the same records
    with the same words."""
    path = write_csv(tmp_path / "check.csv", [HEADER, *ROWS])
    checked = pl.concat(list(screen_frames(screener, path, chunk_rows=2)))
    by_check = {r: reason for r, reason in zip(checked["record"], checked["rejected"]) if reason}
    _, rejects, _ = stage(tmp_path, ROWS, chunk_rows=2)
    assert dict(zip(rejects["record"], rejects["reason"])) == by_check == REASONS


def test_rejects_keep_code_and_raw_text(tmp_path):
    _, rejects, _ = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"], ["上海丙科技有限公司", BAD_CHECKSUM, "技术开发", "上海市"],
                                     ["上海甲分身有限公司", A, "y", "上海市"]])
    rows = {row["record"]: row for row in rejects.iter_rows(named=True)}
    assert set(rows) == {2, 3}
    assert rows[2]["credit_code"] == BAD_CHECKSUM
    assert rows[2]["raw"] == f"上海丙科技有限公司,{BAD_CHECKSUM},技术开发,上海市"
    assert rows[3]["raw"] == f"上海甲分身有限公司,{A},y,上海市"
    assert rows[3]["reason"].endswith("(first at record 1)")


def test_rejects_of_a_file_without_source_text_keep_their_fields_as_json(tmp_path):
    extract = tmp_path / "extract.parquet"
    pl.DataFrame({"企业名称": ["上海甲有限公司", "", "上海乙有限公司"], "统一社会信用代码": [A, B, BAD_CHECKSUM],
                  "经营范围": ["x", "y", None]}).write_parquet(extract)
    with closing(duckdb.connect(str(tmp_path / "staging.duckdb"))) as con:
        staging.stage_run(con, extract, tmp_path / "no-store.duckdb", 1000)
        rejects = staging.rejects(con)
    assert rejects.select("record", "raw", "reason").rows() == [
        (2, f'{{"credit_code":"{B}","name":"","scope":"y"}}', "empty name"),
        (3, f'{{"credit_code":"{BAD_CHECKSUM}","name":"上海乙有限公司"}}', "invalid credit code checksum")]


def test_a_clean_extract_has_no_rejects(tmp_path):
    firms, rejects, rows_in = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"], ["上海乙有限公司", f" {B} ", "y", "上海市"]])
    assert (rows_in, firms.height, rejects.height) == (2, 2, 0)
    assert firms["credit_code"].to_list() == [A, B]  # stripped
    assert rejects.columns == ["record", "credit_code", "raw", "reason"]


def test_credit_code_case_does_not_make_another_firm(tmp_path):
    firms, rejects, _ = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"], ["上海甲有限公司", A.lower(), "x", "上海市"]])
    assert firms["credit_code"].to_list() == [A]
    assert rejects["reason"].to_list() == ["duplicate credit code in this extract (first at record 1)"]


def test_the_store_needs_a_credit_code_column(tmp_path):
    from screening.errors import ExtractError

    with pytest.raises(ExtractError, match="needs a credit code column"):
        stage(tmp_path, [["上海甲有限公司", "x"]], header=["企业名称", "经营范围"])


# ---------------------------------------------------------------- keys checked on columns, against the store


def test_a_changed_or_new_firm_is_checked_and_an_identical_one_is_unchanged(tmp_path, screener):
    from screening.store.scan import scan

    db = tmp_path / "store.duckdb"
    scan(write_csv(tmp_path / "first.csv", [HEADER, ["上海甲有限公司", A, "x", "上海市"], ["上海乙有限公司", B, "y", "上海市"]]),
         db, screener)
    firms, rejects, _ = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"],
                                         ["上海乙有限公司", B, "y changed", "上海市"],
                                         ["上海丙有限公司", C, "z", "上海市"],
                                         ["上海丁有限公司", BAD_CHECKSUM, "w", "上海市"]], db=db)
    assert firms.select("credit_code", "change").rows() == [(A, "unchanged"), (B, "changed"), (C, "new")]
    assert rejects.select("record", "reason").rows() == [(4, "invalid credit code checksum")]


# ---------------------------------------------------------------- hashes

FULL_HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "所在省份", "地区", "法定代表人", "登记状态", "成立日期",
               "注册资本", "经营异常", "股东", "企业类型"]
FULL_ROW = ["上海甲投资管理有限公司", A, "投资管理；企业管理咨询", "上海市浦东新区", "上海市", "浦东新区", "张三", "存续",
            "2015-06-01", "1000万元", "", "张三；李四", "有限责任公司"]
FIELD_AT = {"name": 0, "scope": 2, "address": 3, "province": 4, "district": 5, "legal_rep": 6, "status": 7,
            "registered_on": 8, "capital": 9, "abnormal": 10, "shareholders": 11, "company_type": 12}
STORED = ("name", "scope", "address", "province", "district", "legal_rep", "status", "registered_on", "capital",
          "abnormal", "shareholders")


def hashes(tmp_path, row) -> tuple[str, str]:
    firms, rejects, _ = stage(tmp_path, [row], header=FULL_HEADER)
    assert firms.height == 1, rejects
    return firms["content_hash"][0], firms["screen_hash"][0]


def test_the_staging_sql_hashes_every_stored_field():
    text = statement("staging_insert_chunk")
    assert all(f"coalesce({field}, '')" in text for field in STORED) and "company_type" not in text


@pytest.mark.parametrize("field", [*STORED, "company_type"])
def test_content_hash_changes_with_any_stored_field_and_screen_hash_only_with_name_or_scope(tmp_path, field):
    content, screen = hashes(tmp_path, FULL_ROW)
    changed = list(FULL_ROW)
    changed[FIELD_AT[field]] = changed[FIELD_AT[field]] + "X" if changed[FIELD_AT[field]] else "是"
    new_content, new_screen = hashes(tmp_path, changed)
    assert (new_content != content) is (field in STORED)  # the company type is not stored
    assert (new_screen != screen) is (field in ("name", "scope"))


def test_hashes_are_stable_and_do_not_depend_on_row_position_or_code(tmp_path):
    first = hashes(tmp_path, FULL_ROW)
    assert hashes(tmp_path, FULL_ROW) == first
    other = list(FULL_ROW)
    other[1] = B
    firms, _, _ = stage(tmp_path, [other, FULL_ROW], header=FULL_HEADER)
    assert firms.filter(pl.col("credit_code") == A).select("content_hash", "screen_hash").row(0) == first


def test_moving_text_between_fields_changes_the_hash(tmp_path):
    """Fields are joined with a separator: 'ab' + 'c' is not 'a' + 'bc'."""
    one, two = list(FULL_ROW), list(FULL_ROW)
    one[0], one[2] = "上海甲投资管理有限公司", "投资管理"
    two[0], two[2] = "上海甲投资管理有限公司投资", "管理"
    assert hashes(tmp_path, one)[1] != hashes(tmp_path, two)[1]


def test_abnormal_is_false_without_the_column(tmp_path):
    firms, _, _ = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"]])
    assert firms["abnormal_flag"].to_list() == [False]


# ---------------------------------------------------------------- identifiers


@pytest.mark.parametrize(("columns", "expected"), [
    ({}, ("uscc", None)),  # the reader gives no key kind: staging derives it from the code
    ({"key_kind": "registration_number", "registration_number": "310115000012345"},
     ("registration_number", "310115000012345")),
    ({"key_kind": "uscc", "registration_number": "310115000012345"}, ("uscc", "310115000012345")),
])
def test_key_kind_and_registration_number_are_carried_when_the_reader_gives_them(tmp_path, columns, expected,
                                                                                   monkeypatch):
    real = staging.with_rejections
    monkeypatch.setattr(staging, "with_rejections", lambda chunk, has_code: real(chunk, has_code).with_columns(
        **{name: pl.lit(value) for name, value in columns.items()}))
    firms, _, _ = stage(tmp_path, [["上海甲有限公司", A, "x", "上海市"]])
    assert firms.select("key_kind", "registration_number").row(0) == expected
