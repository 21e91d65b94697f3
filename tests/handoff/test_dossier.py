"""一户一档: one firm's dossier as text and as a self-contained HTML page, and the CLI commands."""

from datetime import date
from html import escape
import re

import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.handoff.dossier import load, segments
from screening.handoff.labels import why_label
from screening.handoff.dossier_render import render_html, render_text
from screening.store.decisions import decide
from screening.store.scan import scan


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


ID = "11010519491231002X"
MASKED = "110105********002X"
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人", "股东", "注册日期", "注册资金", "登记状态"]
FIRM = code("91310115MA0000201")
OTHER = code("91310115MA0000202")
EVIL = code("91310115MA0000203")
WANG = code("91110105MA0000204")  # names masked at the source (王*)
FIRST = [["上海甲科技有限公司", FIRM, "投资管理；技术开发", f"张三({ID})", "李四", "2003-05-01", "100(万元人民币)", "存续"],
         ["上海丙理财顾问有限公司", OTHER, "技术开发", "李四", "", "", "", ""],
         ["上海<script>alert(1)</script>投资管理有限公司", EVIL, "<b>技术开发</b>", "王五", "", "", "", ""],
         ["北京人人贷商务顾问有限公司", WANG, "金融信息服务", "王*", "李*、张*", "2012-05-05", "50", "存续"]]
SECOND = [["上海甲科技有限公司", FIRM, "投资管理；资金融通咨询", f"张三({ID})", "李四", "2003-05-01", "100(万元人民币)",
           "存续"]] + FIRST[1:]


@pytest.fixture(scope="module")
def store(tmp_path_factory, screener):
    """One store for the module: every test here only reads it."""
    tmp_path = tmp_path_factory.mktemp("dossier")
    db = tmp_path / "registry.duckdb"
    scan(write_csv(tmp_path / "one.csv", [HEADER] + FIRST), db, screener, as_of=date(2024, 3, 1))
    scan(write_csv(tmp_path / "two.csv", [HEADER] + SECOND), db, screener, as_of=date(2024, 3, 2))
    decide(db, FIRM, "confirm", "实际从事投资管理", "analyst")
    return db


@pytest.mark.parametrize("text, spans, expected", [
    ("abcdef", [(1, 3, True)], [("a", None), ("bc", True), ("def", None)]),
    ("abcdef", [(0, 2, False), (0, 2, True)], [("ab", True), ("cdef", None)]),
    ("abcdef", [(1, 4, True), (2, 3, False)], [("a", None), ("bcd", True), ("ef", None)]),
    ("abc", [(2, 9, True)], [("abc", None)]),  # a span past the text is ignored
    ("", [], []),
])
def test_segments(text, spans, expected):
    hits = [{"start": s, "end": e, "counts": c} for s, e, c in spans]
    assert [(p, h["counts"] if h else None) for p, h in segments(text, hits)] == expected


def test_dossier_has_both_versions_with_dates(store):
    dossier = load(store, FIRM.lower())
    assert [(v["version"], v["first_run"], str(v["run_date"])) for v in dossier["versions"]] == [
        (1, 1, "2024-03-01"), (2, 2, "2024-03-02")]
    assert [v["scope"] for v in dossier["versions"]] == ["投资管理；技术开发", "投资管理；资金融通咨询"]
    assert dossier["latest_decision"] == "confirm"


@pytest.mark.parametrize("expected", [
    "登记版本 1：首次见于运行 1（2024-03-01），最近见于运行 1（2024-03-01）",
    "登记版本 2：首次见于运行 2（2024-03-02），最近见于运行 2（2024-03-02）",
    "经营范围: 【投资管理】；技术开发",
    "经营范围: 【投资管理】；资金融通咨询",
    "注册日期: 2003-05-01",
    "注册资本: 100(万元人民币)",
    "登记状态: 存续",
    "地区: 上海市浦东新区（310115，据信用代码）",
    "名单状态: 登记变更",
    "优先原因: 类别：资产管理及跨界金融（第5位） → 金融办；命中数：1",
    "来源 运行 1；变化 (未列入) → 新列入；原因 首次列入",
    "来源 运行 2；变化 新列入 → 登记变更；原因 登记变更, 仍命中",
    "决定 确认；决定人 analyst；理由 实际从事投资管理；针对的登记 登记版本 2",
    f"法定代表人: 张三({MASKED})",
    f"人员 李四；在本企业 股东；在该企业 法定代表人；统一社会信用代码 {OTHER}；企业名称 上海丙理财顾问有限公司；名单状态 继续监管",
    "金融；经营范围；6–8；不计数：不成词：资金/融通",
])
def test_dossier_text(store, expected):
    text = render_text(load(store, FIRM))
    assert expected in text


def test_the_watch_box_shows_the_current_decision_and_audit_rows_say_what_happened(store):
    text = render_text(load(store, FIRM))
    assert "当前决定: 确认（analyst，" in text and "）：实际从事投资管理" in text
    decision_audit = [line for line in text.splitlines() if "来源 分析决定" in line]
    assert len(decision_audit) == 1
    assert "变化 决定：确认（名单状态仍为登记变更）；原因 analyst：实际从事投资管理" in decision_audit[0]
    assert "运行 None" not in text and "登记变更 → 登记变更" not in text  # not an empty run and "changed → changed"
    assert "尚无决定（待审）" in render_text(load(store, OTHER))


def test_the_extended_tier_is_marked_apart_from_the_plans(store):
    dossier = load(store, WANG)
    text, page = render_text(dossier), render_html(dossier)
    assert "名称: 北京人人〔贷〕商务顾问有限公司" in text and "经营范围: 【金融】信息服务" in text
    assert "扩展层关注(不计入方案名单)" in text
    assert '<mark class="extended" title="扩展层关注（非方案名单）">贷</mark>' in page
    assert '<mark class="plan" title="方案名单计数命中">金融</mark>' in page


def test_masked_names_say_why_there_are_no_related_firms(store):
    text = render_text(load(store, WANG))
    assert "关联企业（延伸监管）:\n  无：源数据中的法定代表人、股东姓名已脱敏（如 王*），同姓者无法区分，不作关联" in text


def test_the_dossier_speaks_chinese(store):
    for page in (render_text(load(store, FIRM)), render_html(load(store, FIRM))):
        for english in ("Version", "Watch list", "History", "Decisions", "Related firms", "counting hit", "flagged",
                        "suspension list", "other region's list", "not a word", " by analyst"):
            assert english not in page, english


def test_text_never_shows_the_id_number(store):
    assert ID not in render_text(load(store, FIRM))


def test_dossier_html_is_self_contained_highlighted_and_masked(store):
    page = render_html(load(store, FIRM))
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"(src|href)=|<script|<link", page)
    assert '<mark class="plan" title="方案名单计数命中">投资管理</mark>；技术开发' in page
    assert ID not in page and MASKED in page
    assert "确认" in page and "实际从事投资管理" in page and "首次列入" in page


def test_non_counting_hit_is_dimmed_with_its_reason(store):
    dossier = load(store, FIRM)
    quiet = [h for h in dossier["versions"][1]["hits"] if not h["counts"]]
    assert quiet, "expected a non-counting hit in 资金融通咨询"
    page = render_html(dossier)
    assert re.search(r'<span class="nc" title="[^"]+">[^<]+</span>', page)
    assert escape(why_label(quiet[0]["why"])) in page


def test_firm_data_cannot_inject_markup(store):
    page = render_html(load(store, EVIL))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert '<mark class="plan" title="方案名单计数命中">投资管理</mark>' in page


@pytest.mark.parametrize("args, expected", [
    (["dossier", FIRM], "【投资管理】"),
    (["dossier", FIRM, "--html"], '<mark class="plan" title="方案名单计数命中">投资管理</mark>'),
    (["related", FIRM], f"{OTHER} 上海丙理财顾问有限公司 — continuing"),
    (["related", WANG], "无关联企业：源数据中的法定代表人、股东姓名已脱敏（如 王*）"),
])
def test_cli(store, run, args, expected):
    result = run(*args, "--db", store)
    assert result.exit_code == 0, result.output
    assert expected in result.output and ID not in result.output


@pytest.mark.parametrize("command", ["dossier", "related"])
def test_cli_unknown_firm_exits_2(store, run, command):
    result = run(command, code("91310115MA0000299"), "--db", store)
    assert result.exit_code == 2
    assert "no such firm in the store" in result.output


def test_cli_missing_store_exits_2(tmp_path, run):
    result = run("dossier", FIRM, "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 2 and "no store here yet" in result.output
