"""`regscreen sql` is bounded: rows printed (--limit, --all), memory and time (the message names the
limit), and `--csv` neutralises formula cells and masks ID numbers like the hand-off files."""

import csv
import io
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stdnum.cn import uscc

import screening.cli.options as cli_options
from conftest import write_csv
from screening.handoff.safe_cells import neutralise
from screening.settings import Settings

REGSCREEN = Path(sys.executable).parent / "regscreen"


def credit(serial: int) -> str:
    base = f"91310115MA{serial:07d}"
    return base + uscc.calc_check_digit(base)


FORMULA_NAME = '=HYPERLINK("http://evil.example","金融")'


@pytest.fixture
def store(run, tmp_path):
    rows = [[FORMULA_NAME, credit(1), "投资管理", "上海市"], ["\u00a0@SUM(A1)理财有限公司", credit(2), "理财", "上海市"],
            ["上海甲金融有限公司", credit(3), "金融信息服务", "上海市", "张三(11010519491231002X)"]]
    extract = write_csv(tmp_path / "x.csv", [["企业名称", "统一社会信用代码", "经营范围", "住所", "法定代表人"],
                                             *[row + [""] * (5 - len(row)) for row in rows]])
    db = tmp_path / "registry.duckdb"
    assert run("scan", extract, "--db", db).exit_code == 0
    return db


ROW_CASES = [  # (arguments, rows printed, a note that more were left out)
    ((), 1000, True),
    (("--limit", "5"), 5, True),
    (("--limit", "0"), 0, True),
    (("--all",), 2500, False),
    (("--limit", "2500"), 2500, False),
]


@pytest.mark.parametrize(("args", "printed", "more"), ROW_CASES)
def test_rows_printed_are_bounded(run, store, args, printed, more):
    result = run("sql", "select range as n from range(2500)", "--csv", "--db", store, *args)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "n" and lines[1:] == [str(n) for n in range(printed)]
    assert ("the query returns more" in result.stderr) is more
    table = run("sql", "select range as n from range(2500)", "--db", store, *args)
    assert table.stdout.rstrip().endswith(f"first {printed:,} rows shown; the query returns more (--limit N, or --all "
                                          "for every row)" if more else f"{printed:,} rows")


def test_limit_and_all_together_are_refused(run, store):
    result = run("sql", "select 1", "--limit", "3", "--all", "--db", store)
    assert result.exit_code == 2 and "give --limit N or --all, not both" in result.stderr


def test_a_hundred_million_rows_print_the_first_thousand_in_bounded_memory(store):
    started = time.monotonic()
    result = subprocess.run([str(REGSCREEN), "sql", "select * from range(100000000)", "--db", str(store)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "first 1,000 rows shown" in result.stdout
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert peak < 1.5e9, peak  # it grew to 6.8 GB before; streaming keeps it near the process's start-up size
    assert time.monotonic() - started < 240


def test_the_time_limit_stops_a_query_and_names_itself(run, store):
    result = run("sql", "select count(*) from range(1000000000000)", "--timeout", "1", "--db", store)
    assert result.exit_code == 2
    assert "the query ran past the time limit of 1 s and was stopped (REGSCREEN_SQL_TIMEOUT)" in result.stderr


def test_the_memory_limit_stops_a_query_and_names_itself(run, store, monkeypatch):
    monkeypatch.setattr(cli_options, "settings", lambda: Settings(sql_memory_limit="100MB"))
    result = run("sql", "select string_agg(range::varchar, ',') from range(60000000)", "--db", store)
    assert result.exit_code == 2, result.stdout[-300:]
    assert "needs more memory than its limit of 100MB and was stopped (REGSCREEN_SQL_MEMORY_LIMIT)" in result.stderr


def test_the_limits_cannot_be_lifted_from_the_query(run, store):
    for statement in ("set memory_limit = '100GB'", "set threads = 64", "reset memory_limit"):
        result = run("sql", statement, "--db", store)
        assert result.exit_code == 2, statement


def test_csv_neutralises_formula_cells_and_masks_ids(run, store):
    result = run("sql", "select name, legal_rep, '=1+1' as \"=col\" from firms order by credit_code", "--csv",
                 "--db", store)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][2] == "'=col"
    assert rows[1][0] == "'" + FORMULA_NAME and rows[1][2] == "'=1+1"
    assert rows[2][0] == neutralise("\u00a0@SUM(A1)理财有限公司")  # the hand-off's own rule (NBSP before @: issue 12 item 13)
    assert "11010519491231002X" not in result.stdout and "110105********002X" in result.stdout


def test_read_query_fetches_one_more_row_than_asked_for(store):
    from screening.store.database import read_query

    columns, rows = read_query(store, "select range as n from range(50)", max_rows=10)
    assert columns == ["n"] and [r[0] for r in rows] == list(range(11))
    assert read_query(store, "select range from range(5)")[1] == [(n,) for n in range(5)]
