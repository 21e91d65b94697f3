"""Benchmark: the store's first full load of the real corpus, then a nightly run with 1,000 changed firms.

1. ``regscreen scan`` of ../shared/data/registry/erd_1978_2004_all.parquet (1,105,927 firms) into a
   new DuckDB file: every firm is new and screened.
2. A copy of the corpus in which 1,000 firms (fixed seed) changed their scope — 500 add 投资管理,
   500 have their scope replaced by 技术开发 — scanned into the same store: only those are screened.
3. The first file again: a repeat, nothing changes.

Each run is a separate ``regscreen scan`` process; the script prints wall time, records/s and the
peak resident memory of that process. Run from the repository root:

    .venv/bin/python bench/store_load.py [--limit N] [--keep DIR]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from screening.settings import get_settings

CORPUS = get_settings().registry_dir / "erd_1978_2004_all.parquet"
CHANGED = 1_000


def corpus(limit: int | None, workdir: Path) -> Path:
    """The corpus, or its first ``limit`` rows in a temporary file."""
    if not limit:
        return CORPUS
    path = workdir / f"first_{limit}.parquet"
    pl.scan_parquet(CORPUS).head(limit).sink_parquet(path)
    return path


def with_changes(source: Path, target: Path, count: int = CHANGED) -> Path:
    """A copy of ``source`` in which ``count`` firms' scopes changed (half gain a term, half lose theirs)."""
    frame = pl.read_parquet(source).with_row_index("row")
    rows = frame.select("row").sample(count, seed=20161122)["row"]
    first, second = rows[: count // 2], rows[count // 2:]
    scope = pl.col("经营范围")
    frame = frame.with_columns(
        pl.when(pl.col("row").is_in(first.implode())).then(scope.fill_null("") + "；投资管理")
        .when(pl.col("row").is_in(second.implode())).then(pl.lit("技术开发"))
        .otherwise(scope).alias("经营范围"))
    frame.drop("row").write_parquet(target)
    return target


PEAK_REPORTING_SCAN = (
    "import resource, sys\n"
    "from screening.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], standalone_mode=False)\n"
    "finally:\n"
    "    print('peak_rss_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def timed_scan(extract: Path, db: Path, as_of: str) -> tuple[float, float, str]:
    """(seconds, peak RSS MB of that process, last line printed) of one ``regscreen scan``."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_REPORTING_SCAN, "scan", str(extract), "--db", str(db),
                           "--as-of", as_of], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak_rss_kib"))
    return seconds, peak * 1024 / 1e6, done.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N records of the corpus")
    parser.add_argument("--keep", type=Path, default=None, help="keep the store in this folder")
    args = parser.parse_args(argv)
    console = Console()
    with tempfile.TemporaryDirectory() as workdir:
        folder = args.keep or Path(workdir)
        folder.mkdir(parents=True, exist_ok=True)
        first = corpus(args.limit, Path(workdir))
        records = pl.scan_parquet(first).select(pl.len()).collect().item()
        second = with_changes(first, Path(workdir) / "changed.parquet")
        db = folder / "bench_store.duckdb"
        db.unlink(missing_ok=True)
        table = Table(title=f"store load: {records:,} firms")
        for column in ("run", "seconds", "records/s", "peak RSS MB", "regscreen said"):
            table.add_column(column, overflow="fold")
        for label, extract, as_of in (("1 first full load", first, "2026-11-22"),
                                      (f"2 {CHANGED:,} firms changed", second, "2026-11-23"),
                                      ("3 first file again (repeat)", first, "2026-11-24")):
            console.log(f"running {label} …")
            seconds, peak, said = timed_scan(extract, db, as_of)
            table.add_row(label, f"{seconds:.1f}", f"{records / seconds:,.0f}", f"{peak:,.0f}", said)
        console.print(table)


if __name__ == "__main__":
    main()
