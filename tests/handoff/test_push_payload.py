"""Each pushed entry carries its evidence, so a receiver can act on it alone: its kind (licensed firms
apart, mention-only firms apart, firms that left the list), the counting terms with field, span, use and
list version, the scope, region code and place name, the lead regulator and those copied, the list
versions, and a licensed firm's exemption evidence; ID numbers masked. Read from the store with
sql/handoff/push_entries.sql."""

from datetime import date, datetime

import duckdb
import orjson
import pytest
from stdnum.cn import ric, uscc

from conftest import query, write_csv
from screening.errors import ConfigError
from screening.handoff.push_payload import payload
from screening.rules.regulators import load_regulators
from screening.settings import get_settings
from screening.store import outbox
from screening.store.scan import scan

REGULATORS = load_regulators(get_settings().keywords_dir)
ID = "11010519491231002" + ric.calc_check_digit("110105194912310020")
MASKED = ID[:6] + "*" * 8 + ID[-4:]


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


P2P, BANK, GUARD, HELD, LEAVER = (code(f"91310115MA000000{n}") for n in range(1, 6))
HELD = code("91110108MA0000004")
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "登记状态", "经营异常"]
FIRST = [
    ["上海丁网络借贷信息中介有限公司", P2P, f"网络借贷信息中介服务；法人身份证{ID}", "存续", "是"],
    ["中国工商银行股份有限公司上海某某支行", BANK, "办理人民币存款、贷款；代理发行金融债券", "存续", ""],
    ["上海某某保安服务有限公司", GUARD, "为金融机构提供押运服务", "存续", ""],
    ["北京庚控股有限公司", HELD, "技术开发", "迁入", ""],
    ["上海戊企业管理有限公司", LEAVER, "投资管理；企业管理咨询", "存续", ""],
]
SECOND = FIRST[:4] + [["上海戊企业管理有限公司", LEAVER, "企业管理咨询", "存续", ""]]
NOW = datetime(2027, 1, 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory, screener):
    folder = tmp_path_factory.mktemp("payload")
    db = folder / "store.duckdb"
    scan(write_csv(folder / "first.csv", [HEADER] + FIRST), db, screener, as_of=date(2026, 11, 22))
    con = duckdb.connect(str(db))
    con.execute("update screenings set use = 'mention' where credit_code = ?", [GUARD])
    con.execute("update hits set use = 'mention', use_reason = '为…提供' where credit_code = ? and counts", [GUARD])
    con.close()
    scan(write_csv(folder / "second.csv", [HEADER] + SECOND), db, screener, as_of=date(2026, 11, 23))
    return db


@pytest.fixture(scope="module")
def sent(store) -> dict[tuple[str, int], dict]:
    """The payload of every outbox entry, by (credit code, run)."""
    entries = payload(store, outbox.due(store, NOW, 1000), REGULATORS)
    return {(e["credit_code"], e["run_id"]): e for e in entries}


@pytest.mark.parametrize("firm, run, kind, status", [
    (P2P, 1, "watchlist", "new"),
    (BANK, 1, "exempt", "exempt"),
    (GUARD, 1, "mention", "new"),
    (HELD, 1, "watchlist", "new"),
    (LEAVER, 1, "watchlist", "new"),
    (LEAVER, 2, "removed", "cleared"),
])
def test_every_entry_says_what_it_is(sent, firm, run, kind, status):
    assert (sent[(firm, run)]["kind"], sent[(firm, run)]["status"]) == (kind, status)


def test_a_licensed_firm_is_never_a_watch_list_entry_and_carries_its_evidence(sent):
    entries = [e for e in sent.values() if e["credit_code"] == BANK]
    assert entries and all(e["kind"] == "exempt" for e in entries)
    exemption = entries[0]["exemption"]
    assert exemption["reason"] == "licensed institution (国有大型商业银行)"
    assert exemption["evidence"].startswith("nfra_banking_institutions.csv row ") and "中国工商银行股份有限公司" in exemption["evidence"]
    assert [t["term"] for t in entries[0]["terms"]] == ["金融"] and entries[0]["lead_regulator"] == "金融办"
    assert all(e["exemption"] is None for e in sent.values() if e["credit_code"] != BANK)


def test_an_entry_carries_terms_spans_scope_place_regulators_and_versions(sent, store):
    entry = sent[(P2P, 1)]
    scope = FIRST[0][2]
    assert entry["scope"] == scope.replace(ID, MASKED) and ID not in orjson.dumps(entry).decode()
    assert (entry["region"], entry["region_name"], entry["abnormal"], entry["registration_status"]) == (
        "310115", "上海市浦东新区", True, "存续")
    assert (entry["lead_regulator"], entry["lead_regulator_slug"], entry["regulators_copied"]) == ("银监局", "cbrc", ["金融办"])
    assert entry["list_versions"] == orjson.loads(query(store, "select list_versions from runs where run_id = 1")[0][0])
    for term in entry["terms"]:
        text = FIRST[0][0] if term["field"] == "name" else scope
        assert text[term["start"]:term["end"]] == term["term"]  # the span slices the original text
        assert term["counts"] and term["use"] == "claim" and term["list_version"] == entry["list_versions"][term["list"]]
    assert {(t["term"], t["field"], t["list"]) for t in entry["terms"]} == {
        ("网络借贷", "name", "national"), ("网络借贷", "name", "shanghai_p2p"),
        ("网络借贷", "scope", "national"), ("网络借贷", "scope", "shanghai_p2p")}


def test_a_mention_carries_its_use_and_reason(sent):
    (term,) = sent[(GUARD, 1)]["terms"]
    assert (term["term"], term["use"], term["use_reason"]) == ("金融", "mention", "为…提供")
    assert sent[(GUARD, 1)]["use"] == "mention"


def test_a_held_firm_goes_to_the_regulator_of_its_suspension_term(sent):
    entry = sent[(HELD, 1)]
    assert (entry["lead_regulator"], entry["hold"], entry["region_name"]) == ("金融办", True, "北京市海淀区")
    assert [(t["term"], t["counts"]) for t in entry["terms"]] == [("控股", False)]


def test_a_firm_that_left_the_list_reports_the_version_it_left_with(sent):
    entry = sent[(LEAVER, 2)]
    assert (entry["version"], entry["scope"], entry["terms"], entry["lead_regulator"]) == (2, "企业管理咨询", [], "金融办")
    assert sent[(LEAVER, 1)]["version"] == 1 and sent[(LEAVER, 1)]["scope"] == "投资管理；企业管理咨询"


def test_an_entry_that_would_go_to_no_regulator_is_an_error_naming_it(store, tmp_path):
    copy = tmp_path / "store.duckdb"
    copy.write_bytes(store.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("update outbox set lead_regulator = '发改委' where credit_code = ?", [P2P])
    con.close()
    with pytest.raises(ConfigError, match=f"1 firm would go to no regulator: {P2P} 上海丁网络借贷信息中介有限公司"
                                          " \\(regulator: 发改委\\)"):
        payload(copy, outbox.due(copy, NOW, 1000), REGULATORS)
