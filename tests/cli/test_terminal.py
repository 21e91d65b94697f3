"""Terminal output is inert (screening/cli/terminal.py and every command that prints data): values
are shown as text, never as rich markup, and control and escape characters are shown escaped."""

import io
import unicodedata

from hypothesis import given, settings, strategies as st
import pytest
from rich.console import Console
from stdnum.cn import uscc

from conftest import write_csv
from screening.cli.terminal import inert, inert_lines, inert_offsets, is_unsafe, text

ESC = "\x1b"
CASES = [  # (value, shown)
    ("杭州[/]金融有限公司", "杭州[/]金融有限公司"),
    ("[link=http://evil.example]张三[/link]", "[link=http://evil.example]张三[/link]"),
    ("[bold red]警告[/]:smile:", "[bold red]警告[/]:smile:"),
    (f"{ESC}]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    (f"{ESC}[2J{ESC}[H清屏", "\\x1b[2J\\x1b[H清屏"),
    ("乙公司\u202e", "乙公司\\u202e"),
    ("\u2066隔离\u2069", "\\u2066隔离\\u2069"),
    ("网\x7f贷", "网\\x7f贷"),
    ("C1\x9b31m", "C1\\x9b31m"),
    ("零\u200b宽", "零\\u200b宽"),
    ("两行\n第二行\r\t", "两行\\n第二行\\r\\t"),
    ("段\u2028落\u2029", "段\\u2028落\\u2029"),
    ("标签\U000e0020", "标签\\U000e0020"),
    ("坏\udcff字节", "坏\\udcff字节"),
    # must not change: ordinary text, full-width and CJK punctuation, ideographic space, emoji
    ("北京Ｐ２Ｐ網貸信息服務有限公司（分公司）", "北京Ｐ２Ｐ網貸信息服務有限公司（分公司）"),
    ("投资管理；资产管理 ，\u3000。", "投资管理；资产管理 ，\u3000。"),
    ("C:\\data\\x.csv 100%", "C:\\data\\x.csv 100%"),
]


@pytest.mark.parametrize(("value", "shown"), CASES)
def test_a_value_is_shown_inert(value, shown):
    assert inert(value) == shown


def rendered(value) -> str:
    console = Console(file=io.StringIO(), width=10_000, color_system=None, legacy_windows=False)
    console.print(text(value), soft_wrap=True)
    return console.file.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp"])))
def test_any_string_is_printed_without_control_characters_or_markup(value):
    shown = inert(value)
    assert not any(is_unsafe(char) for char in shown)
    assert not any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in shown)
    assert rendered(value) == shown + "\n"  # rich prints the text exactly: no markup, no emoji codes


@given(st.text())
def test_spans_map_onto_the_inert_text(value):
    shown, offsets = inert_offsets(value)
    assert len(offsets) == len(value) + 1 and offsets[-1] == len(shown)
    for i, char in enumerate(value):
        piece = shown[offsets[i]:offsets[i + 1]]
        assert piece == char or (is_unsafe(char) and piece.startswith("\\"))


def test_a_document_keeps_its_line_breaks_only():
    assert inert_lines(f"一户一档\n  名称: 甲{ESC}[31m公司\r\n") == "一户一档\n  名称: 甲\\x1b[31m公司\\r\n"


# ------------------------------------------------------------------------------ the commands


def credit(serial: int) -> str:
    base = f"91310115MA{serial:07d}"
    return base + uscc.calc_check_digit(base)


MARKUP_NAME = "杭州[/]金融有限公司"
LINK_NAME = "[link=http://evil.example]张三[/link]金融有限公司"
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所"]


@pytest.fixture
def store(run, tmp_path):
    rows = [[MARKUP_NAME, credit(1), "投资管理", "上海市"], [LINK_NAME, credit(2), "理财咨询", "上海市"],
            [f"{ESC}]0;pwned\x07上海金融公司", credit(3), "金融信息服务", f"上海市{ESC}[2J"]]
    extract = write_csv(tmp_path / "hostile.csv", [HEADER, *rows])
    db = tmp_path / "store" / "registry.duckdb"
    assert run("scan", extract, "--db", db).exit_code == 0
    return db


def assert_inert(output: str) -> None:
    assert ESC not in output and "\x07" not in output and "\u202e" not in output


def test_the_readmes_watch_list_query_shows_markup_as_text(run, store):
    result = run("sql", "select priority, credit_code, name, status, lead_regulator, hold from v_watchlist_current",
                 "--db", store)
    assert result.exit_code == 0, result.stderr
    assert MARKUP_NAME in result.stdout and "[link=http://evil.example]张三[/link]" in result.stdout
    assert_inert(result.stdout)


def test_rejected_raw_rows_are_shown_escaped(run, store):
    result = run("sql", "select record, reason, raw from v_rejects_last_run", "--db", store)
    assert result.exit_code == 0, result.stderr
    assert "\\x1b]0;pwned\\x07" in result.stdout
    assert_inert(result.stdout)


def test_decisions_and_the_dossier_are_shown_escaped(run, store):
    decided = run("decide", credit(1), "confirm", "--reason", f"理由{ESC}[2J", "--by", f"王{ESC}]0;x\x07五", "--db", store)
    assert decided.exit_code == 0, decided.stderr
    assert_inert(decided.stdout)
    assert "王\\x1b]0;x\\x07五" in decided.stdout
    for args in (("dossier", credit(1)), ("dossier", credit(1), "--html"), ("related", credit(1)), ("status",)):
        result = run(*args, "--db", store)
        assert result.exit_code == 0, (args, result.stderr)
        assert_inert(result.stdout)
    assert "理由\\x1b[2J" in run("dossier", credit(1), "--db", store).stdout


def test_check_table_shows_markup_in_a_credit_code(run, tmp_path):
    extract = write_csv(tmp_path / "x.csv", [HEADER, [MARKUP_NAME, "[/]91310115[red]", "投资管理", "上海市"],
                                             [f"乙{ESC}[31m公司", credit(1), "投资管理", "上海"]])
    result = run("check", extract, "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "[/]91310115[RED]" in result.stdout and MARKUP_NAME in result.stdout  # codes are read upper-cased
    assert_inert(result.stdout)


def test_errors_are_shown_escaped(run, tmp_path):
    result = run("check", tmp_path / f"missing{ESC}[2J.csv")
    assert result.exit_code == 2
    assert "missing\\x1b[2J.csv" in result.stderr and ESC not in result.stderr


def test_csv_to_a_terminal_is_inert_and_to_a_file_keeps_the_text(monkeypatch):
    from screening.cli.report import csv_cell

    assert csv_cell(f"甲{ESC}[2J公司\n第二行", to_terminal=True) == "甲\\x1b[2J公司\\n第二行"
    assert csv_cell(f"甲{ESC}[2J公司\n第二行") == f"甲{ESC}[2J公司\n第二行"  # a file gets the data as stored
    assert csv_cell("=1+1", to_terminal=True) == "'=1+1"
