"""Benchmark: a batch of applications through the command line (issue 17: 10,000 at ≥ 5,000 per second).

Writes 10,000 applications (bench/intake_applications.py: real names and scopes, all in Beijing) to a
CSV and runs ``regscreen apply --file`` on them as its own process, answers to a file, ``--repeats``
times; and once with a single application, to separate the command's start-up (Python, polars, jieba,
the lists) from the batch (which includes flushing its 10,000 checks into the store: due at 5,000). Then
the same batch through the library (read, decide, journal, JSON) against the screening engine alone on
the same applications (the baseline: the engine's hits in the name and scope, nothing else), and the
flush of its checks alone, each in a fresh process with cold caches. Medians; wall and CPU seconds (CPU
time is steadier on a shared machine).

    .venv/bin/python bench/intake_batch.py [--count 10000] [--repeats 3]
"""

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from intake_applications import applications, write_batch  # noqa: E402

from screening.intake.batch import read_batch  # noqa: E402
from screening.intake.service import Asker, Counter  # noqa: E402
from screening.rules.screener import Screener  # noqa: E402
from screening.settings import get_settings  # noqa: E402
from screening.store.applications import flush_checks  # noqa: E402

REGSCREEN = Path(sys.executable).parent / "regscreen"


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def command_seconds(batch: Path, db: Path, out: Path) -> tuple[float, float, float]:
    """(wall, CPU, wall until its last answer) seconds of one ``regscreen apply --file`` process (the
    answers are all written before the command flushes the journal into the store)."""
    started, cpu = time.perf_counter(), children_cpu()
    last = started
    with open(out, "wb") as answers:
        process = subprocess.Popen([str(REGSCREEN), "apply", "--file", str(batch), "--db", str(db)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for line in process.stdout:
            answers.write(line)
            last = time.perf_counter()
        if process.wait():
            raise SystemExit(f"regscreen apply failed with status {process.returncode}")
    return time.perf_counter() - started, children_cpu() - cpu, last - started


def clocks() -> tuple[float, float]:
    """(wall, this process's CPU) now."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since ``start``."""
    now = clocks()
    return now[0] - start[0], now[1] - start[1]


def in_process(part: str, batch: Path, db: Path) -> tuple[float, float]:
    """(wall, CPU) of one part in this process, screener loaded, caches cold: ``library`` (the batch read,
    decided, journaled and written as JSON lines), ``engine`` (the engine's hits in name and scope) or
    ``flush`` (the journaled checks of the batch moved into a new store, its snapshot published)."""
    settings = get_settings()
    screener = Screener.load(settings.keywords_dir, settings.registers_dir, extended=False)
    counter = Counter(screener, db, 300)
    items = list(read_batch(batch)) if part == "engine" else None
    started = clocks()
    if part == "library":
        with open(db.with_suffix(".jsonl"), "wb") as out:
            for line in counter.ask_many(read_batch(batch), Asker("bench", None, "cli")):
                out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
    elif part == "flush":
        for _ in counter.ask_many(read_batch(batch), Asker("bench", None, "cli")):
            pass
        started = clocks()
        assert flush_checks(db, counter.journal) == len(list(read_batch(batch)))
    else:
        for item in items:
            application = item.application
            screener.hits_in("name", application.resulting_name, application.region)
            screener.hits_in("scope", application.resulting_scope, application.region)
    return since(started)


def fresh_process(part: str, batch: Path, db: Path) -> tuple[float, float]:
    """:func:`in_process` in a new Python process (nothing warm from an earlier part)."""
    result = subprocess.run([sys.executable, __file__, "--inner", part, str(batch), str(db)], capture_output=True,
                            text=True, check=True)
    return tuple(orjson.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--inner", nargs=3, metavar=("PART", "BATCH", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        part, batch, db = args.inner
        print(orjson.dumps(in_process(part, Path(batch), Path(db))).decode())
        return
    workdir = Path(tempfile.mkdtemp(prefix="intake_batch_"))
    rows = applications(args.count)
    batch, single = write_batch(workdir / "batch.csv", rows), write_batch(workdir / "one.csv", rows[:1])
    whole = [command_seconds(batch, workdir / f"cli{i}.duckdb", workdir / f"cli{i}.jsonl") for i in range(args.repeats)]
    start_up = [command_seconds(single, workdir / f"one{i}.duckdb", workdir / f"one{i}.jsonl")
                for i in range(args.repeats)]
    answered = sum(1 for _ in open(workdir / "cli0.jsonl", "rb"))
    assert answered == args.count, f"{answered} answers for {args.count} applications"
    runs = [(fresh_process("library", batch, workdir / f"lib{i}.duckdb"),
             fresh_process("engine", batch, workdir / f"eng{i}.duckdb"),
             fresh_process("flush", batch, workdir / f"flush{i}.duckdb")) for i in range(args.repeats)]
    median = lambda pairs, i: statistics.median(p[i] for p in pairs)  # noqa: E731
    rows = [("regscreen apply --file, whole command", median(whole, 0), median(whole, 1), True),
            ("… until its last answer (before the flush)", median(whole, 2), None, True),
            ("regscreen apply, one application (start-up)", median(start_up, 0), median(start_up, 1), False),
            ("the batch in the command (whole − start-up)", median(whole, 0) - median(start_up, 0),
             median(whole, 1) - median(start_up, 1), True),
            ("the batch through the library, in process", median([r[0] for r in runs], 0),
             median([r[0] for r in runs], 1), True),
            ("baseline: the screening engine alone", median([r[1] for r in runs], 0), median([r[1] for r in runs], 1),
             True),
            ("of the command: flushing the checks into the store", median([r[2] for r in runs], 0),
             median([r[2] for r in runs], 1), True)]
    print(f"{args.count:,} applications, medians of {args.repeats} (wall seconds, CPU seconds, per second of each):")
    for label, wall, cpu, rate in rows:
        rates = f"{args.count / wall:8,.0f} /s wall" if rate else ""
        rates += f" {args.count / cpu:8,.0f} /s CPU" if rate and cpu else ""
        print(f"  {label:<52} {wall:6.2f} s {f'{cpu:6.2f} s' if cpu else '        '}  {rates}")
    library, engine = rows[4], rows[5]
    print(f"  library / engine: {library[1] / engine[1]:.2f} wall, {library[2] / engine[2]:.2f} CPU")


if __name__ == "__main__":
    main()
