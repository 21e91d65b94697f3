"""Benchmark: the nightly flow on the real corpus with a Dask LocalCluster of 1 and of 2 workers.

Each run is `regscreen nightly DROP --workers N --db NEW_FILE` in its own process over a drop
folder holding ../shared/data/registry/erd_1978_2004_all.parquet (1,105,927 firms): a first full
load, where every firm is screened, then the hand-off files of every regulator. The flow stages the
extract and writes the firms to screen as Parquet parts; each Dask task screens one part by path and
writes its results beside it; one transaction commits them. The speed-up is that of the whole night,
not of screening alone. Run from the repository root:

    .venv/bin/python bench/dask_scale.py [--limit N] [--workers 1 2]
"""

import argparse
import shutil
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
REGSCREEN = Path(sys.executable).parent / "regscreen"


def drop_folder(workdir: Path, limit: int | None) -> Path:
    """A drop folder with the corpus (or its first ``limit`` rows)."""
    folder = workdir / "drop"
    folder.mkdir()
    if limit:
        pl.scan_parquet(CORPUS).head(limit).sink_parquet(folder / "extract.parquet")
    else:
        shutil.copyfile(CORPUS, folder / "extract.parquet")  # the drop folder refuses symbolic links
    (folder / "extract.parquet.done").touch()  # complete: no settle time to wait
    return folder


def timed_night(drop: Path, db: Path, workers: int) -> float:
    """Seconds for one nightly run with ``workers`` Dask workers."""
    started = time.perf_counter()
    subprocess.run([str(REGSCREEN), "nightly", str(drop), "--db", str(db), "--workers", str(workers),
                    "--runner", "dask", "--as-of", "2026-11-22", "--export-dir", str(db.parent / f"handoff_{workers}")],
                   check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    console = Console()
    with tempfile.TemporaryDirectory() as workdir:
        drop = drop_folder(Path(workdir), args.limit)
        records = pl.scan_parquet(drop / "extract.parquet").select(pl.len()).collect().item()
        timings = {}
        for workers in args.workers:
            console.log(f"{workers} worker(s) …")
            timings[workers] = timed_night(drop, Path(workdir) / f"store_{workers}.duckdb", workers)
    table = Table(title=f"nightly flow, first load of {records:,} firms, Dask LocalCluster")
    for column in ("workers", "seconds", "records/s", "speed-up vs 1 worker"):
        table.add_column(column)
    base = timings.get(1) or next(iter(timings.values()))
    for workers, seconds in timings.items():
        table.add_row(str(workers), f"{seconds:.1f}", f"{records / seconds:,.0f}", f"{base / seconds:.2f}×")
    console.print(table)


if __name__ == "__main__":
    main()
