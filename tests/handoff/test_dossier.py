"""一户一档: one firm's dossier as text and as a self-contained HTML page, and the CLI commands."""

from datetime import date
from html import escape
import re

import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.handoff.dossier import load, render_html, render_text, segments
from screening.store.decisions import decide
from screening.store.scan import scan


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


ID = "11010519491231002X"
MASKED = "110105********002X"
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人", "股东"]
FIRM = code("91310115MA0000201")
OTHER = code("91310115MA0000202")
EVIL = code("91310115MA0000203")
FIRST = [["上海甲科技有限公司", FIRM, "投资管理；技术开发", f"张三({ID})", "李四"],
         ["上海丙理财顾问有限公司", OTHER, "技术开发", "李四", ""],
         ["上海<script>alert(1)</script>投资管理有限公司", EVIL, "<b>技术开发</b>", "王五", ""]]
SECOND = [["上海甲科技有限公司", FIRM, "投资管理；资金融通咨询", f"张三({ID})", "李四"]] + FIRST[1:]


@pytest.fixture
def store(tmp_path, screener):
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
    "Version 1 — first seen run 1 (2024-03-01)",
    "Version 2 — first seen run 2 (2024-03-02)",
    "经营范围: 【投资管理】；技术开发",
    "经营范围: 【投资管理】；资金融通咨询",
    "Watch list: changed",
    " → new (first flagged)",
    "new → changed",
    "confirm by analyst: 实际从事投资管理",
    f"张三({MASKED})",
    f"李四 (shareholder here, legal_rep there): {OTHER} 上海丙理财顾问有限公司 — continuing",
])
def test_dossier_text(store, expected):
    assert expected in render_text(load(store, FIRM))


def test_text_never_shows_the_id_number(store):
    assert ID not in render_text(load(store, FIRM))


def test_dossier_html_is_self_contained_highlighted_and_masked(store):
    page = render_html(load(store, FIRM))
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"(src|href)=|<script|<link", page)
    assert "<mark>投资管理</mark>；技术开发" in page
    assert ID not in page and MASKED in page
    assert "confirm" in page and "实际从事投资管理" in page and "first flagged" in page


def test_non_counting_hit_is_dimmed_with_its_reason(store):
    dossier = load(store, FIRM)
    quiet = [h for h in dossier["versions"][1]["hits"] if not h["counts"]]
    assert quiet, "expected a non-counting hit in 资金融通咨询"
    page = render_html(dossier)
    assert re.search(r'<span class="nc" title="[^"]+">[^<]+</span>', page)
    assert escape(quiet[0]["why"]) in page


def test_firm_data_cannot_inject_markup(store):
    page = render_html(load(store, EVIL))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert "<mark>投资管理</mark>" in page


@pytest.mark.parametrize("args, expected", [
    (["dossier", FIRM], "【投资管理】"),
    (["dossier", FIRM, "--html"], "<mark>投资管理</mark>"),
    (["related", FIRM], f"{OTHER} 上海丙理财顾问有限公司 — continuing"),
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
