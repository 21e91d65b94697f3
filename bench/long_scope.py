"""Benchmark: screening time of one record against the length of its scope (issue: linear time).

A scope of ``金融；`` repeated N times (every item a counting hit, 3N characters) is screened with the
product's screener, for N doubling from --start to --stop, each size timed as the median of
--repeats runs (start-up, loading the lists and jieba, is outside the timing). Goal: N = 20,000 (60,000 characters, 180 KB in UTF-8) in at most 5 s,
and the time about doubling when N doubles (ratio near 2, not 4).

Run: ``.venv/bin/python bench/long_scope.py [--start 2500] [--stop 80000] [--repeats 3]``
"""

import argparse
import statistics
import time

from rich.console import Console
from rich.table import Table

from screening.rules.regions import Region
from screening.rules.screener import product_screener
from screening.settings import get_settings

ITEM = "金融；"
GOAL_ITEMS, GOAL_SECONDS = 20_000, 5.0


def seconds_for(screener, items: int, repeats: int) -> tuple[float, int]:
    """Median seconds to screen a scope of ``items`` items, and the hits found."""
    fields = {"name": "某某科技有限公司", "scope": ITEM * items}
    times, hits = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        hits = len(screener.screen(1, fields, Region("440101", "credit_code")).hits)
        times.append(time.perf_counter() - started)
    return statistics.median(times), hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=2_500)
    parser.add_argument("--stop", type=int, default=80_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    screener = product_screener(get_settings())
    console = Console()
    console.print(f"start-up (lists, registers, jieba): {time.perf_counter() - started:.2f} s")
    table = Table(title=f"one record, scope = {ITEM!r} × N (median of {args.repeats})")
    for column in ("N items", "characters", "hits", "seconds", "µs per item", "× previous"):
        table.add_column(column, justify="right")
    items, previous, goal = args.start, None, None
    while items <= args.stop:
        seconds, hits = seconds_for(screener, items, args.repeats)
        ratio = f"{seconds / previous:.2f}" if previous else ""
        table.add_row(f"{items:,}", f"{len(ITEM) * items:,}", f"{hits:,}", f"{seconds:.2f}",
                      f"{seconds / items * 1e6:.0f}", ratio)
        goal = seconds if items == GOAL_ITEMS else goal
        previous, items = seconds, items * 2
    console.print(table)
    if goal is not None:
        verdict = "met" if goal <= GOAL_SECONDS else "NOT met"
        console.print(f"goal: {GOAL_ITEMS:,} items in ≤ {GOAL_SECONDS:.0f} s beyond start-up: {goal:.2f} s, {verdict}")


if __name__ == "__main__":
    main()
