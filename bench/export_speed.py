"""Benchmark: a large hand-off, `export --all`, by format, in one process (medians).

The bundled sample (data/sample/registrations_sample.csv) is scanned into a temporary store, and its
firms are copied under new codes until the watch list holds about ``--rows`` entries (their screenings
and hits too), so every row carries its evidence. Then, in the same process, medians of ``--repeats``
exports of everything (each into a fresh folder): all formats (the product), the workbook alone, each
CSV alone. The baseline is the CSV writer of the standard library over the same rows' plain values
(no safe cells, no evidence): what the hand-off's own work costs on top. Run from the repository root:

    .venv/bin/python bench/export_speed.py [--rows 20000] [--repeats 3]
"""

import argparse
import csv
from pathlib import Path
import statistics
import tempfile
import time

import duckdb

from screening.handoff.export import export
from screening.rules.regulators import load_regulators
from screening.rules.screener import product_screener
from screening.settings import REPO_ROOT, get_settings
from screening.store.scan import scan

SAMPLE = REPO_ROOT / "data" / "sample" / "registrations_sample.csv"
TABLES = ("firms", "screenings", "hits", "watchlist")


def large_store(folder: Path, rows: int) -> Path:
    """The sample's store with its firms copied until the watch list holds about ``rows`` entries."""
    db = folder / "store.duckdb"
    scan(SAMPLE, db, product_screener(get_settings()))
    con = duckdb.connect(str(db))
    try:
        listed = con.execute("select count(*) from watchlist").fetchall()[0][0]
        for table in TABLES:
            con.execute(f"insert into {table} by name select * exclude (n) replace (credit_code || '-' || n as credit_code)"
                        f" from {table}, range(1, $copies) t(n)", {"copies": max(1, rows // listed)})
    finally:
        con.close()
    return db


def median_seconds(action, repeats: int) -> float:
    """The median wall time of ``action()`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def baseline(db: Path, out: Path) -> None:
    """The watch list's plain values as one CSV (no evidence, no safe cells)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute("select w.*, f.scope from watchlist w join firms f using (credit_code, version)")
        with open(out, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(cursor.fetchall())
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    regulators = load_regulators(get_settings().keywords_dir)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = large_store(folder, args.rows)
        listed = duckdb.connect(str(db), read_only=True).execute("select count(*) from watchlist").fetchall()[0][0]
        print(f"watch-list entries: {listed:,}")
        runs = iter(range(10_000))
        cases = {"product (all formats)": None, "xlsx": ["xlsx"], "csv-gb18030": ["csv-gb18030"],
                 "csv-utf8bom": ["csv-utf8bom"]}
        for label, formats in cases.items():
            seconds = median_seconds(lambda: export(db, folder / f"out{next(runs)}", regulators, since_last=False,
                                                    formats=formats), args.repeats)
            print(f"{label:24} {seconds:7.2f} s  {listed / seconds:9,.0f} rows/s")
        seconds = median_seconds(lambda: baseline(db, folder / f"plain{next(runs)}.csv"), args.repeats)
        print(f"{'baseline (plain csv)':24} {seconds:7.2f} s  {listed / seconds:9,.0f} rows/s")


if __name__ == "__main__":
    main()
