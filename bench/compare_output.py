"""The output is the same (issue 13 item 4): `regscreen check` compared record by record with a baseline commit.

Makes (or takes) two JSON Lines outputs of ``regscreen check EXTRACT`` — this checkout's and the
baseline commit's (by default c799762, the commit before the speed work) — and compares them record
by record: the same number of lines, and each record equal field by field, hits in order, each hit
equal field by field. Fields that only the new output has (added by other issues since the baseline)
are ignored and listed; a field the baseline has and the new output lacks, or any other difference,
is a difference. Exit status 1 when any record differs.

The baseline runs from a git worktree of the commit with this checkout's interpreter and the
worktree first on ``PYTHONPATH`` (the pinned dependencies are the same), in the worktree's folder,
so it reads its own lists and registers:

    git worktree add /tmp/base c799762
    .venv/bin/python bench/compare_output.py --baseline-tree /tmp/base        # runs both, compares
    .venv/bin/python bench/compare_output.py --old base.jsonl --new new.jsonl  # compares two files

Each run's wall time and peak memory (``/usr/bin/time -v`` when present, else the child's rusage)
are printed, so the same command also gives the product's end-to-end figures.
"""

import argparse
import itertools
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "data" / "registry" / "erd_1978_2004_all.parquet"
SHOWN = 10


def run_check(tree: Path, extract: Path, out: Path, extra: list[str]) -> None:
    """``regscreen check EXTRACT`` from ``tree`` (its code and data) into ``out``; prints wall time and peak RSS."""
    code = "import sys; from screening.cli import main; sys.argv = ['regscreen', 'check', *sys.argv[1:]]; main()"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-c", code, str(extract.resolve()), *extra]
    started = time.perf_counter()
    with open(out, "wb") as handle:
        subprocess.run(command, cwd=tree, env=env, stdout=handle, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{tree}: regscreen check {' '.join(extra)} -> {out}: {wall:.1f} s wall, peak RSS of the largest child so far "
          f"{peak:,.0f} MB", file=sys.stderr)


def differences(old: dict, new: dict, ignored: Counter, path: str = "") -> list[str]:
    """Where ``new`` differs from ``old`` (fields only ``new`` has are counted in ``ignored``)."""
    found = []
    for key in new.keys() - old.keys():
        ignored[path + key] += 1
    for key, value in old.items():
        if key not in new:
            found.append(f"{path}{key}: missing in the new output")
        elif key == "hits" and isinstance(value, list) and isinstance(new[key], list):
            if len(value) != len(new[key]):
                found.append(f"{path}hits: {len(value)} hits before, {len(new[key])} now")
            for index, (before, after) in enumerate(zip(value, new[key])):
                found.extend(differences(before, after, ignored, f"{path}hits[{index}]."))
        elif value != new[key]:
            found.append(f"{path}{key}: {value!r} -> {new[key]!r}")
    return found


def compare(old_path: Path, new_path: Path) -> int:
    """Compare two outputs line by line; print a summary; return the number of records that differ."""
    ignored: Counter = Counter()
    kinds: Counter = Counter()
    records = differing = 0
    with open(old_path, "rb") as old_file, open(new_path, "rb") as new_file:
        for old_line, new_line in itertools.zip_longest(old_file, new_file):
            records += 1
            if old_line is None or new_line is None:
                print(f"line {records}: only in the {'new' if old_line is None else 'baseline'} output")
                differing += 1
                continue
            if old_line == new_line:
                continue
            found = differences(orjson.loads(old_line), orjson.loads(new_line), ignored)
            if found:
                differing += 1
                kinds.update(item.split(":")[0] for item in found)
                if differing <= SHOWN:
                    print(f"line {records}: " + "; ".join(found[:5]))
    print(f"{records:,} records compared: {differing:,} differ")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count:,}")
    if ignored:
        print("ignored (only in the new output, added since the baseline): "
              + ", ".join(f"{field} ({count:,})" for field, count in ignored.items()))
    return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", type=Path, default=CORPUS)
    parser.add_argument("--baseline-tree", type=Path, default=Path("/tmp/base"),
                        help="a worktree of the baseline commit (git worktree add /tmp/base c799762)")
    parser.add_argument("--old", type=Path, help="the baseline's output, already made")
    parser.add_argument("--new", type=Path, help="this checkout's output, already made")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"), help="where made outputs go")
    parser.add_argument("--workers", type=int, default=1, help="--workers of this checkout's run")
    args = parser.parse_args(argv)
    old, new = args.old, args.new
    if old is None:
        old = args.workdir / "check_baseline.jsonl"
        run_check(args.baseline_tree, args.extract, old, [])
    if new is None:
        new = args.workdir / "check_new.jsonl"
        run_check(REPO, args.extract, new, ["--workers", str(args.workers)])
    return 1 if compare(old, new) else 0


if __name__ == "__main__":
    sys.exit(main())
