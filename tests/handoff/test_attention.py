"""The extended tier (关注) in the store and the hand-off: its own status (v_attention_current) and
its own sheet and CSV files, apart from the watch list of record. Stores are built with scan()."""

import csv
from datetime import date, datetime

import fastexcel
import orjson
import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.handoff.attention import ATTENTION_COLUMNS, ATTENTION_SHEET
from screening.handoff.export import export as export_to
from screening.rules.regulators import load_regulators
from screening.settings import get_settings
from screening.store.scan import scan


def code(n: int) -> str:
    """A valid credit code registered in Shanghai Pudong."""
    base = f"91310115MA{n:07d}"
    return base + uscc.calc_check_digit(base)


HEADER = ["企业名称", "统一社会信用代码", "经营范围"]
LENDER, VENTURE, ADVISER, DINER, BANKISH = (code(n) for n in range(1, 6))
FIRST = [
    ["上海人人贷网络科技有限公司", LENDER, "网络技术开发"],           # 字号含贷: attention (银监局)
    ["上海红岭创投电子商务有限公司", VENTURE, "电子商务"],           # 字号含创投: attention (金融办)
    ["上海某某投资管理有限公司", ADVISER, "投资管理"],               # the plans flag it: watch list, not attention
    ["上海普通餐饮有限公司", DINER, "餐饮服务"],                     # nothing
    ["上海浦东发展银行股份有限公司某支行", BANKISH, "吸收公众存款"],   # exempt: never attention
]
SECOND = [
    ["上海人人贷网络科技有限公司", LENDER, "网络技术开发；投资管理"],  # now flagged by the plans: promoted
    ["上海红岭电子商务有限公司", VENTURE, "电子商务"],               # renamed: cleared
    FIRST[2],
    ["上海金服餐饮有限公司", DINER, "餐饮服务"],                     # 金服: new in the second run
    FIRST[4],
]
NOW = datetime(2026, 11, 25, 9, 30)
REGULATORS = load_regulators(get_settings().keywords_dir)


def export(db, out, **options):
    """The export over the shipped regulators."""
    return export_to(db, out, REGULATORS, **options)


@pytest.fixture
def store(tmp_path, screener):
    """A store after one run over FIRST."""
    db = tmp_path / "store.duckdb"
    scan(write_csv(tmp_path / "first.csv", [HEADER] + FIRST), db, screener, as_of=date(2026, 11, 22))
    return db


def attention(db) -> dict[str, tuple]:
    """v_attention_current by credit code: (status, lead regulator, terms)."""
    rows = query(db, "select credit_code, status, lead_regulator, terms from v_attention_current")
    return {row[0]: row[1:] for row in rows}


def test_first_run_raises_only_the_firms_of_the_extended_tier(store):
    assert attention(store) == {LENDER: ("new", "银监局", "字号含贷"),
                                VENTURE: ("new", "金融办", "字号含创投、字号含投（中介或科技行业）")}


def test_attention_firms_are_not_on_the_watch_list_of_record(store):
    watched = {row[0] for row in query(store, "select credit_code from v_watchlist_current")}
    assert watched == {ADVISER}


@pytest.mark.parametrize(("firm", "status"), [(LENDER, "promoted"), (VENTURE, "cleared"), (DINER, "new")])
def test_second_run_moves_the_status(store, tmp_path, screener, firm, status):
    scan(write_csv(tmp_path / "second.csv", [HEADER] + SECOND), store, screener, as_of=date(2026, 11, 23))
    assert attention(store)[firm][0] == status


def test_an_unchanged_attention_firm_continues(store, tmp_path, screener):
    third = [FIRST[0], FIRST[1], FIRST[2], ["上海普通餐饮有限公司", DINER, "餐饮服务；外卖"], FIRST[4]]
    scan(write_csv(tmp_path / "third.csv", [HEADER] + third), store, screener, as_of=date(2026, 11, 23))
    assert {c: s[0] for c, s in attention(store).items()} == {LENDER: "continuing", VENTURE: "continuing"}


def test_every_attention_row_gives_the_reason_of_its_terms(store):
    reasons = query(store, "select reasons from v_attention_current where credit_code = ?", [VENTURE])[0][0]
    assert reasons.startswith("字号含创投: 扩展层（非方案所列）") and "创投" in reasons


def test_export_puts_the_extended_tier_on_its_own_sheet_and_csv(store, tmp_path):
    records = {r["regulator"]: r for r in export(store, tmp_path / "out", now=NOW)}
    assert {r: records[r]["attention_rows"] for r in records} == {"银监局": 1, "金融办": 1}
    book = fastexcel.read_excel(tmp_path / "out" / records["银监局"]["files"][0]["name"])
    assert book.sheet_names == [ATTENTION_SHEET]  # 银监局 has no firm on the watch list, one of tier 关注
    sheet = book.load_sheet(ATTENTION_SHEET).to_polars()
    assert sheet.columns == [h for h, _ in ATTENTION_COLUMNS] and sheet["统一社会信用代码"].to_list() == [LENDER]


def test_the_watch_list_sheets_hold_no_attention_firm(store, tmp_path):
    records = {r["regulator"]: r for r in export(store, tmp_path / "out", now=NOW)}
    book = fastexcel.read_excel(tmp_path / "out" / records["金融办"]["files"][0]["name"])
    plans = [s for s in book.sheet_names if s != ATTENTION_SHEET]
    codes = {c for s in plans for c in book.load_sheet(s).to_polars()["统一社会信用代码"].to_list()}
    assert codes == {ADVISER} and ATTENTION_SHEET in book.sheet_names


@pytest.mark.parametrize("suffix, encoding", [("_attention_gb18030.csv", "gb18030"),
                                              ("_attention_utf8bom.csv", "utf-8-sig")])
def test_attention_csvs_are_listed_in_the_manifest(store, tmp_path, suffix, encoding):
    record = next(r for r in export(store, tmp_path / "out", now=NOW) if r["regulator"] == "金融办")
    files = {f["name"]: f for f in record["files"]}
    name = next(n for n in files if n.endswith(suffix))
    with open(tmp_path / "out" / name, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [h for h, _ in ATTENTION_COLUMNS] and [r[0] for r in rows[1:]] == [VENTURE]
    manifest = orjson.loads((tmp_path / "out" / next(n for n in files if n.endswith("_manifest.json"))).read_bytes())
    assert manifest["attention_rows"] == 1 and files[name]["rows"] == 1


def test_since_last_hands_off_attention_only_once(store, tmp_path):
    export(store, tmp_path / "out", now=NOW)
    assert export(store, tmp_path / "out", now=NOW) == []
