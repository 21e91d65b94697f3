"""Benchmark: how fast `regscreen check` runs on the real corpus, against its baselines (issue 13).

Measured on ../shared/data/registry/erd_1978_2004_all.parquet (1,105,927 firms), every design in
the same run, each reported as the MEDIAN of --repeats runs, in records/s and MB/s, where MB is
10^6 UTF-8 bytes of the name + scope text screened (企业名称 + 经营范围, no separator):

  check            ``regscreen check EXTRACT > file`` as a user runs it: a new process, wall time from
                   start-up to the last JSON line, and its peak memory (``/usr/bin/time -v``)
  check, 2 workers the same with ``--workers 2``
  check --format table   the same with the table format (goal: at most 2x the JSON Lines time)
  product          in this process: ``product_screener(get_settings())`` plus every result frame of
                   ``screen_frames_on(screener, path, chunk_rows, 1)`` (no start-up, no printing)
  (a)              polars ceiling: ``name.str.contains_any(TERMS) | scope.str.contains_any(TERMS)`` over
                   the in-memory columns; "(a) + read" also times reading the two Parquet columns
  (b)              jieba first: ``jieba.lcut(name + "\\n" + scope, HMM=False)`` with every term added,
                   then tokens checked against the term set; on a random sample (fixed seed)
  (c)              plain Python: ``any(t in text for t in TERMS)`` per record over the full corpus
  (d)              pyahocorasick: one automaton of TERMS, ``next(automaton.iter(text), None)`` per record

TERMS are the folded terms of all lists, ``sorted(screener.matcher.entries)``; the baselines fold
nothing and judge nothing, so they are ceilings, not equivalents. The goals (issue 13 item 3): check /
(a) >= 1/8; check ahead of (c) and (d); 2 workers >= 1.7x one; peak memory <= 1 GB; the table at most
2x the JSON Lines time. ``--profile`` adds where the product's time goes: CPU seconds per phase (read,
prepare: keys, damaged text, prefilter, regions; the full screening of the candidates; result frames;
JSON) and the hits of the reuse caches, then cProfile's top functions.

Run from the repository root:

    .venv/bin/python bench/check_speed.py [--repeats 3] [--limit N] [--profile]

--limit N runs every design on only the first N records (written to a temporary Parquet file,
so the product reads exactly those). Progress goes to stderr, the results to stdout.
"""

import argparse
import cProfile
import io
import os
import logging
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
import jieba
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from screening.extract.readers import read_extract
from screening.rules import pipeline
from screening.rules.parallel import screen_frames_on
from screening.rules.regions import Region
from screening.rules.results import RESULT, screened_frame
from screening.rules.screener import product_screener
from screening.rules.validation import has_keys
from screening.settings import get_settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "data" / "registry" / "erd_1978_2004_all.parquet"
NAME, SCOPE = "企业名称", "经营范围"
SEED = 20_240_601
GOAL_VS_POLARS = 1 / 8
GOAL_WORKERS = 1.7
GOAL_TABLE = 2.0
GOAL_PEAK_MB = 1_000

out = Console(width=180)
err = Console(stderr=True, log_path=False)


@dataclass
class Measurement:
    """Timings of one design over a fixed set of records."""

    design: str
    records: int
    text_bytes: int
    seconds: list[float] = field(default_factory=list)
    matched: int = 0
    note: str = ""
    peak_mb: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def records_per_s(self) -> float:
        return self.records / self.median

    @property
    def mb_per_s(self) -> float:
        return self.text_bytes / 1e6 / self.median


# ---------------------------------------------------------------- inputs


def corpus_for(limit: int | None, workdir: Path) -> Path:
    """The corpus, or a Parquet file of its first ``limit`` records."""
    if limit is None:
        return CORPUS
    path = workdir / f"first_{limit}.parquet"
    pl.read_parquet(CORPUS, n_rows=limit).write_parquet(path)
    return path


def read_text_columns(path: Path) -> pl.DataFrame:
    """The name and scope columns, nulls as empty text."""
    return pl.read_parquet(path, columns=[NAME, SCOPE]).with_columns(pl.col(NAME, SCOPE).fill_null(""))


def text_bytes(frame: pl.DataFrame) -> int:
    """UTF-8 bytes of name + scope over the frame."""
    return int(frame.select(pl.col(NAME).str.len_bytes().sum() + pl.col(SCOPE).str.len_bytes().sum()).item())


def sample(frame: pl.DataFrame, size: int) -> pl.DataFrame:
    """A random sample of ``size`` records (fixed seed), in corpus order."""
    if size >= frame.height:
        return frame
    rows = sorted(random.Random(SEED).sample(range(frame.height), size))
    return frame[rows]


def joined_texts(frame: pl.DataFrame) -> list[str]:
    """name + newline + scope per record, as Python strings."""
    return frame.select(pl.concat_str(NAME, SCOPE, separator="\n")).to_series().to_list()


def folded_terms() -> list[str]:
    """The folded terms of all lists, as the engine's matcher holds them."""
    return sorted(product_screener(get_settings()).matcher.entries)


# ---------------------------------------------------------------- progress


def progress_bar() -> Progress:
    """A progress display on stderr."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True)


def counted(items: Iterable, progress: Progress, task, step: int = 10_000) -> Iterator:
    """Yield ``items``, advancing the progress task every ``step`` items."""
    for done, item in enumerate(items, 1):
        if done % step == 0:
            progress.advance(task, step)
        yield item


def repeat(label: str, repeats: int, run: Callable[[], int], measurement: Measurement) -> Measurement:
    """Time ``run`` ``repeats`` times; it returns the number of matched records."""
    for attempt in range(1, repeats + 1):
        started = time.perf_counter()
        measurement.matched = run()
        measurement.seconds.append(time.perf_counter() - started)
        err.log(f"{label} run {attempt}/{repeats}: {measurement.seconds[-1]:.2f} s")
    return measurement


# ---------------------------------------------------------------- designs


def run_product(path: Path, chunk_rows: int, records: int, setup_seconds: list[float], workers: int = 1) -> int:
    """One end-to-end run of the engine on ``workers`` processes; returns the number of flagged firms."""
    started = time.perf_counter()
    screener = product_screener(get_settings())
    setup_seconds.append(time.perf_counter() - started)
    flagged = 0
    with progress_bar() as progress:
        task = progress.add_task("product", total=records)
        for frame in screen_frames_on(screener, path, chunk_rows, workers):
            flagged += int(frame["flagged"].sum())
            progress.advance(task, frame.height)
    return flagged


def bench_product(path: Path, chunk_rows: int, records: int, size: int, repeats: int, workers: int = 1) -> Measurement:
    """The real engine, end to end, ``repeats`` times."""
    setup: list[float] = []
    measurement = Measurement("product" if workers == 1 else f"product, {workers} workers", records, size)
    repeat(measurement.design, repeats, lambda: run_product(path, chunk_rows, records, setup, workers), measurement)
    measurement.note = (f"chunk_rows={chunk_rows}; includes product_screener(get_settings()) "
                        f"(median {statistics.median(setup):.2f} s); matched = flagged firms")
    return measurement


def polars_mask(frame: pl.DataFrame, terms: list[str]) -> pl.Series:
    """True where name or scope contains any term (no folding)."""
    either = pl.col(NAME).str.contains_any(terms) | pl.col(SCOPE).str.contains_any(terms)
    return frame.select(either.alias("hit")).to_series()


def bench_polars(frame: pl.DataFrame, terms: list[str], repeats: int) -> Measurement:
    """(a) contains_any over the in-memory columns only."""
    measurement = Measurement("(a) polars contains_any", frame.height, text_bytes(frame),
                              note="in-memory columns, full set of records")
    return repeat("(a)", repeats, lambda: int(polars_mask(frame, terms).sum()), measurement)


def bench_polars_with_read(path: Path, terms: list[str], records: int, size: int, repeats: int) -> Measurement:
    """(a) including reading the two columns from Parquet."""
    measurement = Measurement("(a) + read parquet", records, size, note="pl.read_parquet(2 columns) + contains_any")
    return repeat("(a)+read", repeats, lambda: int(polars_mask(read_text_columns(path), terms).sum()), measurement)


def jieba_with_terms(terms: list[str]) -> None:
    """jieba's global dictionary loaded, every term added."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for term in terms:
        jieba.add_word(term)


def count_jieba_matches(texts: list[str], term_set: set[str]) -> int:
    """Records with a jieba token that is a term."""
    with progress_bar() as progress:
        task = progress.add_task("(b) jieba", total=len(texts))
        return sum(1 for text in counted(texts, progress, task, 1_000)
                   if any(token in term_set for token in jieba.lcut(text, HMM=False)))


def bench_jieba(frame: pl.DataFrame, terms: list[str], size: int, repeats: int) -> Measurement:
    """(b) jieba segmentation then token lookup, on a random sample."""
    picked = sample(frame, size)
    texts, term_set = joined_texts(picked), set(terms)
    jieba_with_terms(terms)
    note = f"random sample of {picked.height:,} (seed {SEED}); sample rate stands for the corpus"
    measurement = Measurement("(b) jieba first", picked.height, text_bytes(picked), note=note)
    return repeat("(b)", repeats, lambda: count_jieba_matches(texts, term_set), measurement)


def count_substring_matches(texts: list[str], terms: list[str]) -> int:
    """Records whose text contains any term, by Python ``in``."""
    with err.status("(c) substring loop"):
        return sum(1 for text in texts if any(term in text for term in terms))


def bench_substring(frame: pl.DataFrame, terms: list[str], size: int | None, repeats: int) -> Measurement:
    """(c) plain Python substring loop, on the full corpus or a sample."""
    picked = frame if size is None else sample(frame, size)
    texts = joined_texts(picked)
    which = "full corpus" if picked.height == frame.height else f"random sample of {picked.height:,} (seed {SEED})"
    measurement = Measurement("(c) Python substring loop", picked.height, text_bytes(picked), note=which)
    return repeat("(c)", repeats, lambda: count_substring_matches(texts, terms), measurement)


def count_automaton_matches(texts: list[str], automaton: ahocorasick.Automaton) -> int:
    """Records whose text contains any term, by one Aho-Corasick automaton (pyahocorasick)."""
    with err.status("(d) pyahocorasick"):
        return sum(1 for text in texts if next(automaton.iter(text), None) is not None)


def bench_automaton(frame: pl.DataFrame, terms: list[str], repeats: int) -> Measurement:
    """(d) pyahocorasick over the full corpus."""
    automaton = ahocorasick.Automaton()
    for term in terms:
        automaton.add_word(term, term)
    automaton.make_automaton()
    texts = joined_texts(frame)
    measurement = Measurement("(d) pyahocorasick", frame.height, text_bytes(frame), note="full corpus")
    return repeat("(d)", repeats, lambda: count_automaton_matches(texts, automaton), measurement)


TIME = shutil.which("time") and Path("/usr/bin/time")
PEAK = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def run_check(path: Path, out: Path, options: list[str], peaks: list[float]) -> int:
    """``regscreen check PATH OPTIONS > out`` in a new process (start-up to the last line); its peak
    RSS (``/usr/bin/time -v``, else the largest child's) goes to ``peaks``; returns the lines written."""
    command = [str(Path(sys.executable).parent / "regscreen"), "check", str(path), *options]
    timed = [str(TIME), "-v", *command] if TIME and TIME.exists() else command
    with open(out, "wb") as handle:
        done = subprocess.run(timed, stdout=handle, stderr=subprocess.PIPE, check=True, cwd=REPO)
    found = PEAK.search(done.stderr.decode("utf-8", "replace"))
    peaks.append(int(found.group(1)) / 1024 if found else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    with open(out, "rb") as handle:
        return sum(1 for _ in handle)


def bench_check(path: Path, records: int, size: int, repeats: int, options: list[str], label: str,
                workdir: Path) -> Measurement:
    """``regscreen check`` as a user runs it, ``repeats`` times; note: median peak RSS."""
    peaks: list[float] = []
    measurement = Measurement(label, records, size)
    out = workdir / "check.out"
    repeat(label, repeats, lambda: run_check(path, out, options, peaks), measurement)
    measurement.peak_mb = statistics.median(peaks)
    measurement.note = f"new process, wall time to the last line; peak RSS {measurement.peak_mb:,.0f} MB; matched = lines"
    return measurement


# ---------------------------------------------------------------- where the time goes


def phases(path: Path, chunk_rows: int) -> tuple[dict[str, float], dict]:
    """CPU seconds of each phase of one in-process product run (as ``pipeline.screen_frame`` does it)."""
    spent: dict[str, float] = {}

    def timed(phase: str, work: Callable):
        started = time.process_time()
        result = work()
        spent[phase] = spent.get(phase, 0.0) + time.process_time() - started
        return result

    screener = timed("start: load the lists", lambda: product_screener(get_settings()))
    reuse = pipeline.field_decisions(screener)
    chunks = read_extract(path, chunk_rows)
    while (chunk := timed("read the extract", lambda: next(chunks, None))) is not None:
        frame = timed("prepare: keys, damaged text, prefilter, regions",
                      lambda: pipeline.prepare(screener, chunk, has_keys(chunk)))
        rows = timed("candidates to Python rows", lambda: list(frame.filter(
            pl.col("candidate") & pl.col("problem").fill_null("").eq("")).iter_rows(named=True)))
        results = timed("full screening of the candidates", lambda: [screener.screen(
            row["record"], row, Region(row["region"], row["region_source"]), row["rejected"], reuse) for row in rows])
        screened = timed("result frames", lambda: screened_frame(results))
        joined = timed("join to every record", lambda: frame.join(screened, on="record", how="left", maintain_order="left")
                       .with_columns(pl.col("hits").fill_null(pl.lit([], dtype=RESULT["hits"]))))
        timed("JSON Lines", lambda: joined.select(list(RESULT)).write_ndjson(io.BytesIO()))
        spent["candidates"] = spent.get("candidates", 0) + len(rows)
    return spent, reuse.cache_info()


def print_profile(path: Path, chunk_rows: int, top: int) -> None:
    """Where the product's time goes: CPU per phase, the caches, then cProfile's top functions."""
    spent, caches = phases(path, chunk_rows)
    candidates = spent.pop("candidates")
    total = sum(spent.values())
    out.print(f"Where the time goes (one in-process run, CPU seconds; {candidates:,.0f} candidates):")
    for phase, seconds in spent.items():
        out.print(f"  {phase:52s} {seconds:7.2f} s  {seconds / total:5.1%}")
    out.print(f"  {'total':52s} {total:7.2f} s")
    for name, info in caches.items():
        out.print(f"  reuse cache {name}: {info.hits:,} hits, {info.misses:,} misses (size {info.currsize:,})")
    profile = cProfile.Profile()
    profile.enable()
    run_product(path, chunk_rows, 0, [], 1)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(r"screening|polars.*collect|jieba", top)
    out.print(text.getvalue(), markup=False, highlight=False)


# ---------------------------------------------------------------- report


def results_table(measurements: list[Measurement], repeats_note: str) -> Table:
    """Records/s and MB/s per design (medians), with the runs behind them."""
    table = Table(title=f"Screening speed ({repeats_note})")
    for heading in ("design", "records", "MB text", "median s", "records/s", "MB/s", "matched", "runs (s)", "note"):
        table.add_column(heading, justify="left" if heading in ("design", "note") else "right")
    for m in measurements:
        runs = ", ".join(f"{s:.2f}" for s in m.seconds)
        table.add_row(m.design, f"{m.records:,}", f"{m.text_bytes / 1e6:,.1f}", f"{m.median:.3f}",
                      f"{m.records_per_s:,.0f}", f"{m.mb_per_s:,.2f}", f"{m.matched:,}", runs, m.note)
    return table


def ratio_line(label: str, ratio: float, goal: float | None) -> str:
    """One ratio, with its goal and whether it is met."""
    if goal is None:
        return f"{label}: {ratio:.4g}"
    verdict = "[green]meets[/green]" if ratio >= goal else "[red]misses[/red]"
    return f"{label}: {ratio:.4g} (goal >= {goal:.4g}) {verdict}"


def print_goals(check: Measurement, parallel: Measurement, table: Measurement, polars: Measurement,
                substring: Measurement, automaton: Measurement) -> None:
    """The goals of issue 13 item 3 and 5, each with its figure and whether it is met."""
    rate = check.records_per_s
    out.print("Goals (records/s are medians of the same run):")
    out.print("  " + ratio_line("check / (a) polars contains_any", rate / polars.records_per_s, GOAL_VS_POLARS))
    out.print("  " + ratio_line("check / (c) Python substring loop", rate / substring.records_per_s, 1.0))
    out.print("  " + ratio_line("check / (d) pyahocorasick", rate / automaton.records_per_s, 1.0))
    out.print("  " + ratio_line("check --workers 2 / check", parallel.records_per_s / rate, GOAL_WORKERS))
    cost = table.median / check.median
    out.print(f"  check --format table time / JSON Lines time: {cost:.3g} (goal <= {GOAL_TABLE:g}) "
              + ("[green]meets[/green]" if cost <= GOAL_TABLE else "[red]misses[/red]"))
    verdict = "[green]meets[/green]" if check.peak_mb <= GOAL_PEAK_MB else "[red]misses[/red]"
    out.print(f"  check peak memory: {check.peak_mb:,.0f} MB (goal <= {GOAL_PEAK_MB:,} MB) {verdict}; "
              f"2 workers: {parallel.peak_mb:,.0f} MB (largest process)")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per design; the median is reported")
    parser.add_argument("--baseline-repeats", type=int, default=None,
                        help="runs for (b), (c) and (d) only (default: --repeats)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N records")
    parser.add_argument("--chunk-rows", type=int, default=50_000, help="chunk size of the product's reader")
    parser.add_argument("--jieba-sample", type=int, default=20_000, help="records for (b)")
    parser.add_argument("--substring-sample", type=int, default=None,
                        help="records for (c) (default: the full corpus)")
    parser.add_argument("--profile", action="store_true", help="also show where the product's time goes")
    parser.add_argument("--top", type=int, default=30, help="functions of the profile shown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    slow_repeats = args.baseline_repeats or args.repeats
    with tempfile.TemporaryDirectory() as workdir:
        path = corpus_for(args.limit, Path(workdir))
        records = pl.scan_parquet(path).select(pl.len()).collect().item()
        size = text_bytes(read_text_columns(path))
        err.log(f"{path.name}: {records:,} records, {size / 1e6:,.1f} MB name+scope text")
        check = bench_check(path, records, size, args.repeats, [], "check (regscreen, JSON Lines)", Path(workdir))
        parallel = bench_check(path, records, size, args.repeats, ["--workers", "2"], "check --workers 2", Path(workdir))
        table = bench_check(path, records, size, args.repeats, ["--format", "table"], "check --format table",
                            Path(workdir))
        product = bench_product(path, args.chunk_rows, records, size, args.repeats)
        terms = folded_terms()
        frame = read_text_columns(path)
        polars = bench_polars(frame, terms, args.repeats)
        polars_read = bench_polars_with_read(path, terms, records, size, args.repeats)
        jieba_first = bench_jieba(frame, terms, args.jieba_sample, slow_repeats)
        substring = bench_substring(frame, terms, args.substring_sample, slow_repeats)
        automaton = bench_automaton(frame, terms, slow_repeats)
        repeats_note = f"median of {args.repeats} runs" + (
            f"; (b), (c), (d): median of {slow_repeats}" if slow_repeats != args.repeats else "")
        out.print(f"Corpus: {path.name if args.limit else CORPUS.resolve()}, {records:,} records"
                  f"{f' (first {args.limit:,})' if args.limit else ''}; {len(terms)} folded terms; MB = 10^6 UTF-8 bytes")
        out.print(results_table([check, parallel, table, product, polars, polars_read, jieba_first, substring, automaton],
                                repeats_note))
        print_goals(check, parallel, table, polars, substring, automaton)
        if args.profile:
            print_profile(path, args.chunk_rows, args.top)


if __name__ == "__main__":
    main()
