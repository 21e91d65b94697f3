"""Screening on several processes gives exactly the output of one process, in input order."""

import polars as pl
import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.rules.parallel import screen_frames_on


def code(n: int) -> str:
    base = f"91310115MA{n:07d}"
    return base + uscc.calc_check_digit(base)


ROWS = [["企业名称", "统一社会信用代码", "经营范围"]] + [
    [f"上海第{n}号{'投资管理' if n % 7 == 0 else '创投电子商务' if n % 11 == 0 else '餐饮'}有限公司", code(n % 250), "理财咨询（不得从事金融业务）" if n % 5 == 0 else "餐饮服务"]
    for n in range(300)  # codes repeat after 250 records: later ones are duplicates, in whichever chunk
]


@pytest.mark.parametrize("extended", [True, False], ids=["extended-tier", "plans-only"])
def test_two_workers_give_the_same_frames_as_one(tmp_path, screener, extended):
    path = write_csv(tmp_path / "extract.csv", ROWS)
    chosen = screener if extended else screener.without_extended()
    one = pl.concat(list(screen_frames_on(chosen, path, 40, workers=1)))
    two = pl.concat(list(screen_frames_on(chosen, path, 40, workers=2)))
    assert one["record"].to_list() == list(range(1, 301))
    assert two.equals(one)
    assert one["rejected"].str.starts_with("duplicate credit code").sum() == 50
    assert one["attention"].any() == extended and one["flagged"].sum() > 0


def test_cli_check_with_workers(run, tmp_path):
    path = write_csv(tmp_path / "extract.csv", ROWS)
    assert run("check", path, "--workers", "2").output == run("check", path).output
