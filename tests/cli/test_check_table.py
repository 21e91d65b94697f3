"""`regscreen check --format table` (issue 13 item 5): streams chunk by chunk, hides other regions' hits
unless asked, fits the terminal's width or COLUMNS."""

import io

from rich.cells import cell_len
from rich.console import Console
import pytest

from conftest import write_csv
from screening.cli.check_table import CheckTable, column_widths
from screening.rules.regions import Region

HEADER = ["企业名称", "统一社会信用代码", "经营范围"]
SHANGHAI_FIRM = ["上海某某投资管理有限公司", "91310115MA1H7XYW0J", "投资管理；资本运作咨询"]  # 投资/资本: Beijing's lists


@pytest.fixture
def extract(tmp_path):
    rows = [["某某贸易有限公司", "", "日用百货销售"], SHANGHAI_FIRM]
    return write_csv(tmp_path / "extract.csv", [HEADER, *rows])


def test_other_regions_hits_are_hidden_by_default_and_shown_on_request(run, extract):
    hidden = run("check", extract, "--format", "table")
    shown = run("check", extract, "--format", "table", "--other-regions")
    assert hidden.exit_code == shown.exit_code == 0, hidden.stderr
    assert "beijing_watch" not in hidden.stdout and "other region's list" not in hidden.stdout
    assert "other region's list: beijing_watch" in shown.stdout
    for output in (hidden.stdout, shown.stdout):
        assert "national: counts" in output
        assert "FLAGGED" in output and "某某贸易有限公司" in output


@pytest.mark.parametrize("columns", [60, 100, 160])
def test_the_table_fits_columns(run, extract, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run("check", extract, "--format", "table", "--other-regions")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 4 and max(cell_len(line) for line in lines) <= columns
    assert max(cell_len(line) for line in lines) > columns - 10  # it uses the width it has


@pytest.mark.parametrize("total", [40, 60, 80, 100, 200, 300])
def test_widths_fill_the_console_and_never_go_below_four_cells(total):
    widths = column_widths(total)
    assert sum(widths.values()) + 5 == total and min(widths.values()) >= 4
    assert widths["hits"] >= widths["name"]


def test_each_chunk_is_printed_as_soon_as_it_is_given(screener):
    out = io.StringIO()
    table = CheckTable(Console(file=out, width=180))
    table.header()
    first = screener.screen(1, {"name": "甲金融信息服务有限公司", "scope": "金融信息服务"}, Region("310115", "credit_code"))
    table.rows([first])
    assert "甲金融信息服务有限公司" in out.getvalue() and "FLAGGED" in out.getvalue()
    second = screener.screen(2, {"name": "乙贸易有限公司", "scope": "日用百货"}, Region("310115", "credit_code"))
    table.rows([second])
    assert "乙贸易有限公司" in out.getvalue().split("甲金融信息服务有限公司", 1)[1]
