"""What `export` says, in Chinese: one line per hand-off, or why nothing was written; counts without plurals.
And the error for firms that would go to no regulator."""

import pytest

from screening.handoff.messages import handoff_line, nothing_line
from screening.handoff.rows import unrouted_error


def record(mode="since-last", since=0, run=1, **counts) -> dict:
    return {"regulator": "金融办", "mode": mode, "since_run": since, "run_id": run, "out_dir": "out",
            "files": [{"name": "jrb_run3_x.xlsx"}], "rows": counts.pop("rows", 1), **counts}


@pytest.mark.parametrize("made, line", [
    (record(), "金融办：观察名单 1 家（第 1 次运行的变动） → out/jrb_run3_x.xlsx"),
    (record(rows=2, since=1, run=3), "金融办：观察名单 2 家（第 2–3 次运行的变动） → out/jrb_run3_x.xlsx"),
    (record(mode="all", run=3, rows=0, exempt_rows=1), "金融办：观察名单 0 家，豁免(持牌) 1 家（截至第 3 次运行的全部） → out/jrb_run3_x.xlsx"),
    (record(mention_rows=2, removed_rows=1, attention_rows=0),
     "金融办：观察名单 1 家，仅提及 2 家，移出 1 家（第 1 次运行的变动） → out/jrb_run3_x.xlsx"),
])
def test_one_line_per_hand_off(made, line):
    assert handoff_line(made) == line
    assert "row(s)" not in line and "firms" not in line


@pytest.mark.parametrize("since_last, regulators, line", [
    (True, None, "自上次移交以来没有新的变动，未写文件；要重新导出全部，加 --all"),
    (True, ["金融办", "证监局"], "自上次移交以来没有新的变动（金融办、证监局），未写文件；要重新导出全部，加 --all"),
    (False, None, "观察名单上没有可移交的企业，未写文件"),  # --all given: never advise --all
    (False, ["金融办"], "观察名单上没有可移交的企业（金融办），未写文件"),
])
def test_why_nothing_was_written(since_last, regulators, line):
    assert nothing_line(since_last, regulators) == line


def test_the_error_for_firms_that_would_go_nowhere_names_and_counts_them():
    one = str(unrouted_error([{"credit_code": "A", "name": "甲公司", "route": None}]))
    assert one.startswith("1 firm would go to no regulator: A 甲公司 (regulator: none); add the regulator")
    many = str(unrouted_error([{"credit_code": str(n), "name": "乙公司", "route": "发改委"} for n in range(7)]))
    assert many.startswith("7 firms would go to no regulator: 0 乙公司 (regulator: 发改委); 1 乙公司")
    assert "4 乙公司 (regulator: 发改委) and 2 more; add" in many and "5 乙公司" not in many
