"""Benchmark: the store's first full load of the real corpus, then a nightly run with 1,000 changed firms.

1. ``regscreen scan`` of ../shared/data/registry/erd_1978_2004_all.parquet (1,105,927 firms) into a
   new DuckDB file: every firm is new and screened.
2. A copy of the corpus in which 1,000 firms (fixed seed) changed their scope — 500 add 投资管理,
   500 have their scope replaced by 技术开发 — scanned into the same store: only those are screened.
3. The second file again: a repeat, nothing changes.
4. With ``--double``: a first load, into a new store, of the corpus twice over (the copy's valid credit
   codes re-keyed with valid check digits, ``bench/corpus.py``): memory must not grow with the extract.

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

sys.path.insert(0, str(Path(__file__).parent))
from corpus import rekeyed_corpus  # noqa: E402

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
    parser.add_argument("--double", action="store_true", help="also a first load of the corpus doubled (re-keyed)")
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
        runs = [("1 first full load", first, "2026-11-22", db, records),
                (f"2 {CHANGED:,} firms changed", second, "2026-11-23", db, records),
                ("3 the same file again (a repeat)", second, "2026-11-24", db, records)]
        if args.double:
            doubled = Path(workdir) / "doubled.parquet"
            rows = rekeyed_corpus(doubled, 2 * records, first)
            runs.append((f"4 first load of the corpus doubled ({rows:,}, re-keyed codes)", doubled, "2026-11-22",
                         folder / "bench_store_doubled.duckdb", rows))
        for label, extract, as_of, store, count in runs:
            console.log(f"running {label} …")
            try:
                seconds, peak, said = timed_scan(extract, store, as_of)
            except subprocess.CalledProcessError as failed:
                table.add_row(label, "—", "—", "—", f"failed: {(failed.stderr or '').strip().splitlines()[-2:]}")
                continue
            table.add_row(label, f"{seconds:.1f}", f"{count / seconds:,.0f}", f"{peak:,.0f}", said)
            console.log(f"{label}: {seconds:.1f} s, peak {peak:,.0f} MB: {said}")
        console.print(table)


if __name__ == "__main__":
    main()
