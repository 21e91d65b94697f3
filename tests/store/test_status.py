"""What the store holds: screening.store.status.last_runs and `regscreen status`."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from screening.errors import StoreMissing
from stdnum.cn import uscc

from conftest import write_csv
from screening.store.scan import scan
from screening.store.status import last_runs


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


A, B, C = (code(f"91310115MA000000{i}") for i in range(1, 4))
BAD = C[:-1] + ("0" if C[-1] != "0" else "1")
HEADER = ["企业名称", "统一社会信用代码", "经营范围"]
FIRST = [HEADER, ["上海甲投资管理有限公司", A, "投资管理"], ["上海乙科技有限公司", B, "技术开发"],
         ["上海丙科技有限公司", BAD, "技术开发"], ["", C, "x"], ["上海甲重复有限公司", A, "y"]]
SECOND = [HEADER, ["上海甲企业管理有限公司", A, "企业管理咨询"], ["上海乙理财有限公司", B, "理财"],
          ["上海丙科技有限公司", C, "技术开发"]]


@pytest.fixture
def store(tmp_path, screener) -> Path:
    """Run 1 (5 rows: 2 loaded, 3 rejected), run 2 (3 rows, all loaded), run 3 (a repeat of run 2)."""
    db = tmp_path / "store.duckdb"
    scan(write_csv(tmp_path / "first.csv", FIRST), db, screener, as_of=date(2024, 1, 1))
    second = write_csv(tmp_path / "second.csv", SECOND)
    scan(second, db, screener, as_of=date(2024, 1, 2))
    scan(second, db, screener, as_of=date(2024, 1, 3))
    return db


def test_last_runs_reconcile_and_show_repeats(store, screener):
    runs, watch = last_runs(store)
    assert [r["run_id"] for r in runs] == [3, 2, 1]  # newest first
    by_id = {r["run_id"]: r for r in runs}
    assert [(by_id[i]["rows_in"], by_id[i]["rows_loaded"], by_id[i]["rows_rejected"]) for i in (1, 2, 3)] == [
        (5, 2, 3), (3, 3, 0), (3, 3, 0)]
    assert all(r["reconciled"] is True and r["rows_in"] == r["rows_loaded"] + r["rows_rejected"] for r in runs)
    assert (by_id[3]["status"], by_id[3]["repeat_of"], by_id[3]["firms_screened"]) == ("repeat", 2, 0)
    assert (by_id[1]["status"], by_id[1]["repeat_of"]) == ("complete", None)
    assert (by_id[2]["firms_new"], by_id[2]["firms_changed"], by_id[2]["firms_unchanged"]) == (1, 2, 0)
    assert all(r["list_versions"] == screener.versions for r in runs)
    assert watch == {"cleared": 1, "new": 1}  # A cleared after its change, B new (理财)


def test_last_runs_limit(store):
    runs, _ = last_runs(store, limit=2)
    assert [r["run_id"] for r in runs] == [3, 2]


def test_a_run_that_does_not_reconcile_is_shown(store):
    con = duckdb.connect(str(store))
    con.execute("update runs set rows_rejected = rows_rejected + 1 where run_id = 2")
    con.close()
    runs, _ = last_runs(store)
    assert {r["run_id"]: r["reconciled"] for r in runs} == {3: True, 2: False, 1: True}


def test_last_runs_of_a_missing_store(tmp_path):
    with pytest.raises(StoreMissing):
        last_runs(tmp_path / "none.duckdb")
    assert not (tmp_path / "none.duckdb").exists()


# ---------------------------------------------------------------- regscreen status


def test_cli_status(run, store):
    result = run("status", "--db", store)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "repeat of 2" in out
    assert "first.csv" in out and "second.csv" in out
    assert "NO" not in out and out.count("yes") >= 3
    assert "watch list: cleared 1, new 1" in out
    assert "national@" in out


def test_cli_status_shows_a_run_that_does_not_reconcile(run, store):
    con = duckdb.connect(str(store))
    con.execute("update runs set rows_loaded = rows_loaded - 1 where run_id = 1")
    con.close()
    result = run("status", "--db", store)
    assert result.exit_code == 0
    assert "NO" in result.stdout


def test_cli_status_runs_option(run, store):
    result = run("status", "--db", store, "--runs", "1")
    assert "repeat of 2" in result.stdout and "first.csv" not in result.stdout


def test_cli_status_of_a_missing_store_exits_2(run, tmp_path):
    result = run("status", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 2
    assert "regscreen scan" in result.stderr


def test_cli_scan_then_status_reconciles(run, tmp_path):
    db = tmp_path / "store.duckdb"
    extract = write_csv(tmp_path / "first.csv", FIRST)
    result = run("scan", extract, "--db", db, "--as-of", "2024-01-01")
    assert result.exit_code == 0, result.stderr
    assert "5 rows in = 2 loaded + 3 rejected" in result.stdout
    again = run("scan", extract, "--db", db)
    assert again.exit_code == 0 and "repeat of run 1" in again.stdout
    assert last_runs(db)[0][0]["status"] == "repeat"
