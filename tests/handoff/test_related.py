"""延伸监管: person–firm links from 法定代表人 and 股东, written by scan, and related firms."""

from datetime import date

import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.extract.persons import Person, links_of, person_key, persons
from screening.handoff.related import related
from screening.store.database import open_store
from screening.store.decisions import decide
from screening.store.scan import scan
from screening.store.secret import store_secret


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


ID = "11010519491231002X"
MASKED = "110105********002X"
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人", "股东"]
A = code("91310115MA0000101")   # 投资管理: flagged; 张三 with ID, 李四, 王五
B = code("91310115MA0000102")   # not flagged; legal rep 李四
C = code("91310115MA0000103")   # 理财顾问: flagged; shareholder 张三 with the same ID
D = code("91310115MA0000104")   # only masked names: no links
E = code("91310115MA0000105")   # 张三 without an ID: another person
FIRST = [
    ["上海甲科技有限公司", A, "投资管理；技术开发", f"张三({ID})", "李四；王五、张*"],
    ["上海乙科技有限公司", B, "技术开发", "李四", "N/A"],
    ["上海丙理财顾问有限公司", C, "技术开发", "赵六", f"张三（{ID}） 钱七"],
    ["上海丁科技有限公司", D, "技术开发", "张*", "王*，李*"],
    ["上海戊科技有限公司", E, "技术开发", "张三", ""],
]
A_SECOND = ["上海甲科技有限公司", A, "投资管理；企业管理咨询", f"张三({ID})", "王五"]


@pytest.mark.parametrize("cell, split, expected", [
    ("李四；王五、赵六", True, [("李四", "李四"), ("王五", "王五"), ("赵六", "赵六")]),
    ("李四;王五,赵六 钱七，孙八", True, [("李四", "李四"), ("王五", "王五"), ("赵六", "赵六"), ("钱七", "钱七"),
                                    ("孙八", "孙八")]),
    (f"张三({ID})", False, [(f"张三|{ID}", f"张三({MASKED})")]),
    (f"张三（{ID.lower()}）；李四", True, [(f"张三|{ID}", f"张三({MASKED})"), ("李四", "李四")]),
    (f"张三 ({ID})", True, [(f"张三|{ID}", f"张三({MASKED})")]),
    ("张*；李*、王**", True, []),
    ("张*", False, []),
    ("N/A", True, []),
    ("", True, []),
    (None, False, []),
    ("无", False, []),
    ("李四；李四", True, [("李四", "李四")]),
    ("张*；王五", True, [("王五", "王五")]),
])
def test_persons_split_keyed_and_masked_names_ignored(cell, split, expected):
    assert [(f"{p.plain_name}|{p.number}" if p.number else p.plain_name, p.name) for p in persons(cell, split)] == expected


def test_legal_rep_is_one_person_and_shareholders_a_list():
    assert [(p.plain_name, role) for p, role in links_of("张三", "李四、王五")] == [
        ("张三", "legal_rep"), ("李四", "shareholder"), ("王五", "shareholder")]


@pytest.fixture
def store(tmp_path, screener):
    db = tmp_path / "registry.duckdb"
    scan(write_csv(tmp_path / "one.csv", [HEADER] + FIRST), db, screener, as_of=date(2024, 3, 1))
    return db


def zhang_san(db) -> str:
    """张三's key in the store: name, masked ID and the keyed hash with the store's secret."""
    return person_key(Person(f"张三({MASKED})", "张三", ID), store_secret(db))


def links(db):
    return query(db, "select credit_code, person_key, person_name, role, version from person_links "
                     "order by credit_code, role, person_key")


def test_scan_writes_links_and_no_link_for_masked_names(store):
    assert links(store) == [
        (A, zhang_san(store), f"张三({MASKED})", "legal_rep", 1), (A, "李四", "李四", "shareholder", 1),
        (A, "王五", "王五", "shareholder", 1), (B, "李四", "李四", "legal_rep", 1),
        (C, "赵六", "赵六", "legal_rep", 1), (C, zhang_san(store), f"张三({MASKED})", "shareholder", 1),
        (C, "钱七", "钱七", "shareholder", 1), (E, "张三", "张三", "legal_rep", 1)]


def test_view_shows_masked_display_names_never_the_id(store):
    rows = query(store, "select person_name, role, credit_code, watch_status from v_person_links")
    assert (f"张三({MASKED})", "shareholder", C, "new") in rows
    assert ("李四", "legal_rep", B, "not listed") in rows
    assert ID not in repr(rows)


def test_changed_firm_gets_its_links_rewritten(store, tmp_path, screener):
    second = [A_SECOND] + FIRST[1:]
    scan(write_csv(tmp_path / "two.csv", [HEADER] + second), store, screener, as_of=date(2024, 3, 2))
    mine = [r for r in links(store) if r[0] == A]
    assert mine == [(A, zhang_san(store), f"张三({MASKED})", "legal_rep", 2), (A, "王五", "王五", "shareholder", 2)]
    assert len([r for r in links(store) if r[0] == B]) == 1  # unchanged firms keep their links


@pytest.mark.parametrize("firm, expected", [
    (A, [("李四", "shareholder", "legal_rep"), (f"张三({MASKED})", "legal_rep", "shareholder")]),
    (C, [(f"张三({MASKED})", "shareholder", "legal_rep")]),
    (D, []),
    (E, []),  # 张三 without an ID is not 张三 with one
])
def test_related_lists_other_firms_of_the_same_person(store, firm, expected):
    con = open_store(store)
    try:
        found = related(con, firm)
    finally:
        con.close()
    assert [(r["person"], r["role_here"], r["role_there"]) for r in found] == expected
    assert firm not in {r["credit_code"] for r in found}


def test_related_of_a_confirmed_firm_carries_watch_status(store, run):
    decide(store, A, "confirm", "平台实际从事投资管理", "analyst")
    con = open_store(store)
    try:
        found = {r["credit_code"]: r for r in related(con, A)}
    finally:
        con.close()
    assert found[C]["watch_status"] == "new" and found[B]["watch_status"] == "not listed"
    result = run("related", A, "--db", store)
    assert result.exit_code == 0, result.output
    assert "latest decision confirm" in result.output
    assert f"{C} 上海丙理财顾问有限公司 — new" in result.output and ID not in result.output


def test_related_unknown_firm_exits_2(store, run):
    result = run("related", code("91310115MA0000199"), "--db", store)
    assert result.exit_code == 2 and "no such firm" in result.output


def test_confirming_a_firm_raises_the_firms_of_its_persons(store, tmp_path, screener):
    def priorities():  # the live order (a decision moves the firms it relates at once, without a run)
        return {c: (p, r) for c, p, r in query(store, "select credit_code, priority, priority_reason from v_watchlist")}

    before = priorities()
    assert before[A][0] == 1 and before[C][0] == 2 and "延伸监管" not in before[C][1]
    decide(store, A, "confirm", "平台实际从事投资管理", "analyst")
    after = priorities()
    assert after[C][0] == 1 and after[C][1].startswith("延伸监管") and after[A][0] == 2
    scan(write_csv(tmp_path / "two.csv", [HEADER, A_SECOND] + FIRST[1:]), store, screener, as_of=date(2024, 3, 2))
    assert priorities()[C][0] == 1  # the next run keeps it: C still shares 张三 (same ID) with confirmed A
