"""A hand-off's parts and what a clerk reads: licensed and mention-only firms apart from the watch list,
firms that left it, held firms routed, evidence in every row, sized and wrapped columns, long cells cut
with a marker, placeholders as empty cells, formats picked from the registry, and a firm that would go to
no regulator refused by name. One store (built with scan) for the module; tests that change it copy it."""

import csv
from datetime import date, datetime
import io
from pathlib import Path
import re
import shutil
import zipfile

import duckdb
import fastexcel
import orjson
import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.errors import ConfigError, UsageError
from screening.handoff.attention import ATTENTION_SHEET
from screening.handoff.export import export as export_to
from screening.handoff.rows import COLUMNS, EXEMPT_COLUMNS
from screening.handoff.workbook import CELL_MAX
from screening.rules.regulators import load_regulators
from screening.settings import get_settings
from screening.store.scan import scan

REGULATORS = load_regulators(get_settings().keywords_dir)
NOW = datetime(2026, 11, 25, 9, 30, 0)


def code(base: str) -> str:
    """A credit code with a valid check character."""
    return base + uscc.calc_check_digit(base)


HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人", "登记状态", "经营异常"]
P2P, ADVISER, GUARD, BANK, HELD, LEAVER, PLAIN, LONG, ATTN = (
    code(f"91310115MA000000{n}") if n != 5 else code("91110108MA0000005") for n in range(1, 10))
LONG_SCOPE = "投资管理；" + "技术开发；" * 7_000
FIRST = [
    ["上海丁网络借贷信息中介有限公司", P2P, "网络借贷信息中介服务", "张三", "存续", "是"],       # 银监局, abnormal
    ["上海乙投资管理有限公司", ADVISER, "投资管理；资产管理", "N/A", "N/A", ""],              # 金融办, placeholders
    ["上海某某保安服务有限公司", GUARD, "为金融机构提供押运服务", "李四", "存续", ""],          # made mention-only below
    ["中国工商银行股份有限公司上海某某支行", BANK, "办理人民币存款、贷款；代理发行金融债券", "王五", "存续", ""],  # licensed
    ["北京庚控股有限公司", HELD, "技术开发", "赵六", "迁入", ""],                             # held: 控股, moving in
    ["上海戊企业管理有限公司", LEAVER, "投资管理；企业管理咨询", "钱七", "存续", ""],          # cleared in run 2
    ["上海己科技有限公司", PLAIN, "技术开发", "孙八", "存续", ""],                             # never flagged
    ["上海庚财富管理有限公司", LONG, LONG_SCOPE, "周九", "存续", ""],                          # a scope over 32,767
    ["上海红岭创投电子商务有限公司", ATTN, "电子商务", "吴十", "存续", ""],                     # extended tier only
]
SECOND = FIRST[:5] + [["上海戊企业管理有限公司", LEAVER, "企业管理咨询", "钱七", "存续", ""]] + FIRST[6:]
ACTIVE = ("new", "continuing", "changed")


def mark_mention(db: Path, credit_code: str) -> None:
    """What the rules engineer's screening will write for a mention-only firm (here by hand)."""
    con = duckdb.connect(str(db))
    try:
        con.execute("update screenings set use = 'mention' where credit_code = ?", [credit_code])
        con.execute("update hits set use = 'mention', use_reason = '为…提供：客户是金融机构' where credit_code = ? and counts",
                    [credit_code])
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory, screener) -> Path:
    """A store after two runs: run 1 over FIRST (GUARD made mention-only), run 2 clears LEAVER."""
    folder = tmp_path_factory.mktemp("parts")
    db = folder / "store.duckdb"
    scan(write_csv(folder / "first.csv", [HEADER] + FIRST), db, screener, as_of=date(2026, 11, 22))
    mark_mention(db, GUARD)
    scan(write_csv(folder / "second.csv", [HEADER] + SECOND), db, screener, as_of=date(2026, 11, 23))
    return db


@pytest.fixture
def store(built, tmp_path) -> Path:
    """A copy of the module's store for one test."""
    db = tmp_path / "store.duckdb"
    shutil.copy(built, db)
    return db


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """Everything on the list handed off once (--all), from a copy of the module's store."""
    folder = tmp_path_factory.mktemp("exported")
    shutil.copy(built, folder / "store.duckdb")
    out = folder / "out"
    return out, {r["regulator"]: r for r in export_to(folder / "store.duckdb", out, REGULATORS, since_last=False, now=NOW)}


def file_of(record: dict, suffix: str) -> str:
    """The name of a hand-off's file ending in ``suffix``."""
    return next(f["name"] for f in record["files"] if f["name"].endswith(suffix))


def csv_rows(path: Path, encoding: str = "utf-8-sig") -> list[dict]:
    """A CSV file's rows by header."""
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def sheets(path: Path) -> dict[str, list[dict]]:
    """Every sheet of a workbook as rows by header (cells as text, empty cells as '')."""
    book = fastexcel.read_excel(str(path))
    found = {}
    for name in book.sheet_names:
        frame = book.load_sheet(name, dtypes="string").to_polars()
        found[name] = [{k: (v or "") for k, v in row.items()} for row in frame.iter_rows(named=True)]
    return found


def codes(rows: list[dict]) -> list[str]:
    return [row["统一社会信用代码"] for row in rows]


def watch_sheets(book: dict[str, list[dict]]) -> list[str]:
    """The sheets of the watch list of record (one per category)."""
    return [name for name in book if name not in ("仅提及", "豁免(持牌)", "移出名单", ATTENTION_SHEET)]


def test_each_part_holds_its_firms_and_no_other(exported):
    out, records = exported
    jrb, cbrc = records["金融办"], records["银监局"]
    assert (jrb["rows"], jrb["mention_rows"], jrb["exempt_rows"], jrb["removed_rows"]) == (3, 1, 1, 1)
    assert (cbrc["rows"], cbrc["mention_rows"], cbrc["exempt_rows"]) == (1, 0, 0)
    assert codes(csv_rows(out / file_of(jrb, "_run2_20261125_093000_utf8bom.csv"))) == [ADVISER, LONG, HELD]
    assert codes(csv_rows(out / file_of(jrb, "_mention_utf8bom.csv"))) == [GUARD]
    assert codes(csv_rows(out / file_of(jrb, "_exempt_utf8bom.csv"))) == [BANK]
    assert codes(csv_rows(out / file_of(jrb, "_removed_utf8bom.csv"))) == [LEAVER]
    assert codes(csv_rows(out / file_of(jrb, "_attention_utf8bom.csv"))) == [ATTN]


def test_licensed_firms_are_never_in_a_watch_list_sheet_or_file_and_carry_their_evidence(exported):
    out, records = exported
    for record in records.values():
        book = sheets(out / file_of(record, ".xlsx"))
        assert BANK not in [c for name in watch_sheets(book) for c in codes(book[name])]
        for name in (f["name"] for f in record["files"] if f["name"].endswith(".csv") and "exempt" not in f["name"]):
            assert BANK not in codes(csv_rows(out / name, "gb18030" if "gb18030" in name else "utf-8-sig"))
    jrb = records["金融办"]
    (row,) = sheets(out / file_of(jrb, ".xlsx"))["豁免(持牌)"]
    assert list(row) == [h for h, _ in EXEMPT_COLUMNS] and row["状态"] == "豁免(持牌)"
    assert row["豁免理由"] == "持牌金融机构（国有大型商业银行）" and row["用途"] == ""
    assert row["命中明细"] == "金融（经营范围第16–17字；national）"  # a licensed firm's use is not judged
    assert re.fullmatch(r"名录 nfra_banking_institutions\.csv 第 \d+ 行：中国工商银行股份有限公司（上级机构已登记，本企业为其分支机构）",
                        row["豁免依据"])
    assert [f["name"] for f in jrb["files"] if "exempt" in f["name"]] == [
        "jrb_run2_20261125_093000_exempt_gb18030.csv", "jrb_run2_20261125_093000_exempt_utf8bom.csv"]


def test_mention_only_firms_come_after_the_claims_on_their_own_sheet(exported):
    out, records = exported
    book = sheets(out / file_of(records["金融办"], ".xlsx"))
    names = list(book)
    assert names.index("仅提及") > max(names.index(n) for n in watch_sheets(book))
    assert codes(book["仅提及"]) == [GUARD] and book["仅提及"][0]["用途"] == "仅提及"
    assert "为…提供：客户是金融机构" in book["仅提及"][0]["命中明细"]
    assert GUARD not in [c for n in watch_sheets(book) for c in codes(book[n])]


def test_the_watch_list_holds_flagged_and_held_firms_only_in_priority_order(exported, built):
    out, records = exported
    expected = [c for c, use in query(built, "select w.credit_code, s.use from watchlist w join screenings s on"
                                             " s.credit_code = w.credit_code and s.version = w.version and s.run_id ="
                                             " (select max(run_id) from screenings x where x.credit_code = w.credit_code)"
                                             " where w.status in ('new', 'continuing', 'changed') and w.lead_regulator"
                                             " is distinct from '银监局' order by w.priority")
                if use != "mention"]
    rows = csv_rows(out / file_of(records["金融办"], "0_utf8bom.csv"))
    assert codes(rows) == expected == [ADVISER, LONG, HELD]
    assert all(r["状态"] in ("新列入", "继续监管", "登记变更") for r in rows)
    assert [int(r["优先级"]) for r in rows] == sorted(int(r["优先级"]) for r in rows)


def test_a_held_firm_goes_to_the_regulator_of_its_suspension_term(exported):
    out, records = exported
    row = next(r for r in csv_rows(out / file_of(records["金融办"], "0_utf8bom.csv")) if r["统一社会信用代码"] == HELD)
    assert (row["牵头部门"], row["类别"], row["暂停(迁入)"], row["登记状态"], row["用途"]) == ("金融办", "投资类企业", "是", "迁入", "")
    assert row["命中明细"].startswith("控股（名称第4–5字，暂停类字样；beijing_name_suspension）")


def test_a_firm_that_left_the_list_is_in_its_own_files_with_why(exported):
    out, records = exported
    (row,) = csv_rows(out / file_of(records["金融办"], "_removed_gb18030.csv"), "gb18030")
    assert (row["统一社会信用代码"], row["状态"], row["牵头部门"], row["命中词"]) == (LEAVER, "登记变更后移出", "金融办", "")


@pytest.mark.parametrize("credit_code, place, copied, evidence, terms", [
    (P2P, "上海市浦东新区", "金融办", "网络借贷（名称第4–7字，主张：名称行业用语：借贷信息中介；national、shanghai_p2p）；网络借贷（经营范围第1–4字，主张：经营项目本身（未见提及线索）", "网络借贷"),
    (ADVISER, "上海市浦东新区", "人民银行", "投资管理（名称第4–7字，主张：名称行业用语：管理；national）；投资管理（经营范围第1–4字，主张：经营项目本身（未见提及线索）；national）", "投资管理、资产管理"),
    (HELD, "北京市海淀区", "", "控股（名称第4–5字，暂停类字样；beijing_name_suspension）", ""),
])
def test_every_row_carries_its_evidence(exported, built, credit_code, place, copied, evidence, terms):
    out, records = exported
    rows = [r for rec in records.values() for r in csv_rows(out / file_of(rec, "0_utf8bom.csv"))]
    row = next(r for r in rows if r["统一社会信用代码"] == credit_code)
    assert list(row) == [h for h, _ in COLUMNS]
    assert (row["地区名称"], row["抄送部门"], row["命中词"]) == (place, copied, terms)
    assert row["命中明细"].startswith(evidence) and row["经营范围"]
    versions = dict(query(built, "select distinct list, list_version from hits where credit_code = ? and"
                                 " (counts or (action = 'suspend' and ?)) and tier = '重点监管'",
                          [credit_code, credit_code == HELD]))
    assert set(row["名单版本"].split("；")) == {f"{k} {v}" for k, v in versions.items()}


def test_placeholders_are_empty_cells_and_the_registration_status_comes_from_the_extract(exported):
    out, records = exported
    for cells in (sheets(out / file_of(records["金融办"], ".xlsx"))["资产管理及跨界金融"],
                  csv_rows(out / file_of(records["金融办"], "0_utf8bom.csv"))):
        row = next(r for r in cells if r["统一社会信用代码"] == ADVISER)
        assert (row["法定代表人"], row["登记状态"]) == ("", "")
        assert not [c for r in cells for c in r.values() if c.strip().upper() in ("N/A", "NULL", "NONE")]
    p2p = csv_rows(out / file_of(records["银监局"], "0_utf8bom.csv"))[0]
    assert (p2p["登记状态"], p2p["法定代表人"], p2p["经营异常"]) == ("存续", "张三", "是")


def test_a_scope_over_the_cell_limit_is_cut_with_a_marker_in_the_workbook_and_whole_in_the_csv(exported):
    out, records = exported
    cell = next(r for r in sheets(out / file_of(records["金融办"], ".xlsx"))["资产管理及跨界金融"]
                if r["统一社会信用代码"] == LONG)["经营范围"]
    assert len(cell) <= CELL_MAX and cell.startswith("投资管理；技术开发；")
    assert cell.endswith(f"【本格超出 Excel 单元格上限，已截断；全文 {len(LONG_SCOPE):,} 字见同名 CSV 文件】")
    for suffix, encoding in (("0_gb18030.csv", "gb18030"), ("0_utf8bom.csv", "utf-8-sig")):
        row = next(r for r in csv_rows(out / file_of(records["金融办"], suffix), encoding) if r["统一社会信用代码"] == LONG)
        assert row["经营范围"] == LONG_SCOPE
    with zipfile.ZipFile(out / file_of(records["金融办"], ".xlsx")) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert re.search(r"<r><rPr>[^<]*<b/>.*?FFFF0000.*?</rPr><t[^>]*>投资管理</t></r>", strings)  # still highlighted


def test_columns_are_sized_and_long_text_wrapped(exported):
    out, records = exported
    with zipfile.ZipFile(out / file_of(records["金融办"], ".xlsx")) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    widths = [float(w) for low, high, w in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', sheet)
              for _ in range(int(low), int(high) + 1)]
    assert len(widths) == len(COLUMNS) and len(set(widths)) > 3  # each column its own width
    assert widths[[k for _, k in COLUMNS].index("scope")] >= 60 and max(widths) <= 61
    assert 'wrapText="1"' in styles
    scope_style = re.search(r'<c r="C2" s="(\d+)"', sheet)
    assert scope_style and scope_style.group(1) != "0"  # the scope cells carry the wrapping format


def test_the_manifest_lists_every_part_and_the_extended_tier_version(exported, built):
    out, records = exported
    jrb = records["金融办"]
    manifest = orjson.loads((out / file_of(jrb, "_manifest.json")).read_bytes())
    extended = query(built, "select distinct list_version from hits where tier = '关注'")
    assert manifest["extended_tier_versions"] == {"extended": extended[0][0]} and len(extended) == 1
    assert (manifest["rows"], manifest["mention_rows"], manifest["exempt_rows"], manifest["removed_rows"],
            manifest["attention_rows"]) == (3, 1, 1, 1, 1)
    assert (manifest["regulator"], manifest["regulator_slug"], manifest["mode"]) == ("金融办", "jrb", "all")
    assert {f["name"]: f["rows"] for f in manifest["files"]} == {f["name"]: f["rows"] for f in jrb["files"][:-1]}
    assert {f["part"] for f in manifest["files"]} == {"all", "watchlist", "mention", "exempt", "removed", "attention"}


def test_the_extended_tier_reasons_are_in_chinese(exported):
    out, records = exported
    (row,) = csv_rows(out / file_of(records["金融办"], "_attention_utf8bom.csv"))
    assert row["理由"].startswith("字号含创投：字号中的“创投”") and not re.search(r"[A-Za-z]{3,}", row["理由"])


@pytest.mark.parametrize("formats, suffixes", [
    (["csv-utf8bom"], {"_utf8bom.csv", "_manifest.json"}),
    (["xlsx"], {".xlsx", "_manifest.json"}),
    (["xlsx", "csv-gb18030"], {".xlsx", "_gb18030.csv", "_manifest.json"}),
    (None, {".xlsx", "_gb18030.csv", "_utf8bom.csv", "_manifest.json"}),
])
def test_formats_are_picked_from_the_registry(store, tmp_path, formats, suffixes):
    records = export_to(store, tmp_path / "out", REGULATORS, only=["jrb"], formats=formats, now=NOW)
    names = [p.name for p in (tmp_path / "out").iterdir()]
    assert {re.sub(r"^jrb_run2_20261125_093000(_(mention|exempt|removed|attention))?", "", n) for n in names} == suffixes
    manifest = orjson.loads((tmp_path / "out" / file_of(records[0], "_manifest.json")).read_bytes())
    assert manifest["formats"] == (formats or ["xlsx", "csv-gb18030", "csv-utf8bom"])


def test_an_unknown_format_is_refused_before_anything_is_written(store, tmp_path):
    with pytest.raises(UsageError, match="unknown format.*pdf.*one of xlsx, csv-gb18030, csv-utf8bom"):
        export_to(store, tmp_path / "out", REGULATORS, formats=["pdf"], now=NOW)
    assert not (tmp_path / "out").exists() and query(store, "select count(*) from exports") == [(0,)]


@pytest.mark.parametrize("regulator", ["发改委", None])
def test_a_flagged_firm_that_would_go_to_no_regulator_is_an_error_naming_it(store, tmp_path, regulator):
    con = duckdb.connect(str(store))
    con.execute("update watchlist set lead_regulator = ? where credit_code = ?", [regulator, P2P])
    con.execute("update screenings set lead_regulator = ? where credit_code = ?", [regulator, P2P])
    con.close()
    with pytest.raises(ConfigError, match=f"1 firm would go to no regulator: {P2P} 上海丁网络借贷信息中介有限公司"
                                          f" \\(regulator: {regulator or 'none'}\\); add the regulator"):
        export_to(store, tmp_path / "out", REGULATORS, now=NOW)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [] and query(store, "select count(*) from exports") == [(0,)]
