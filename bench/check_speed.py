"""Benchmark: how fast the screening engine runs on the real corpus, against three baselines.

Measured on ../shared/data/registry/erd_1978_2004_all.parquet (1,105,927 firms), every design in
the same run, each reported as the MEDIAN of --repeats runs, in records/s and MB/s, where MB is
10^6 UTF-8 bytes of the name + scope text screened (企业名称 + 经营范围, no separator):

  product   the real engine end to end except printing: a fresh ``product_screener(get_settings())``
            plus consuming every result frame of ``screen_frames_on(screener, path, chunk_rows, 1)``
            (read, validate, region, prefilter, full screening of candidates); also the peak
            RSS of the process after the product runs (goal < 2 GB); then the same on one
            worker process per core (``screening.rules.parallel``, ``regscreen check --workers N``)
  (a)       polars ceiling: ``name.str.contains_any(TERMS) | scope.str.contains_any(TERMS)`` over
            the in-memory columns; "(a) + read" also times reading the two Parquet columns
  (b)       jieba first: ``jieba.lcut(name + "\\n" + scope, HMM=False)`` with every term added by
            ``jieba.add_word``, then tokens checked against the term set; on a random sample
            (fixed seed), the rate on the sample stands for the corpus
  (c)       plain Python: ``any(t in text for t in TERMS)`` per record over the full corpus

TERMS are the folded terms of all lists, ``sorted(screener.matcher.entries)``. The goals
compare record rates: product / (a) >= 1/8, product / (b) >= 50. The last lines give the time each
goal allows for the corpus beside the time python-stdnum alone needs to check every credit code.

Run from the repository root:

    .venv/bin/python bench/check_speed.py [--repeats 3] [--limit N]

--limit N runs every design on only the first N records (written to a temporary Parquet file,
so the product reads exactly those). Progress goes to stderr, the results to stdout.
"""

import argparse
import os
import logging
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jieba
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from screening.rules.identifiers import credit_code_problem
from screening.rules.parallel import screen_frames_on
from screening.rules.screener import Screener, product_screener
from screening.settings import get_settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "data" / "registry" / "erd_1978_2004_all.parquet"
NAME, SCOPE = "企业名称", "经营范围"
SEED = 20_240_601
GOAL_VS_POLARS = 1 / 8
GOAL_VS_JIEBA = 50.0

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


def run_validation(codes: list[str | None]) -> int:
    """The credit-code checks alone (python-stdnum), as every product run does them."""
    return sum(credit_code_problem(code) is not None for code in codes)


def bench_validation(path: Path, records: int, size: int, repeats: int) -> Measurement:
    """The python-stdnum share of the product: every credit code checked once."""
    codes = pl.read_parquet(path, columns=["统一社会信用代码"]).to_series().to_list()
    measurement = Measurement("  of which: credit codes (stdnum)", records, size)
    repeat("stdnum", repeats, lambda: run_validation(codes), measurement)
    measurement.note = "python-stdnum check of every credit code (part of the product); matched = rejected codes"
    return measurement


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


def print_ratios(product: Measurement, polars: Measurement, polars_read: Measurement,
                 jieba_first: Measurement, substring: Measurement) -> None:
    """The ratios of record rates the issue asks for."""
    rate = product.records_per_s
    out.print("Ratios of records/s (product / baseline):")
    out.print("  " + ratio_line("product / (a) polars contains_any", rate / polars.records_per_s, GOAL_VS_POLARS))
    out.print("  " + ratio_line("product / (a) + read parquet", rate / polars_read.records_per_s, None))
    out.print("  " + ratio_line("product / (b) jieba first", rate / jieba_first.records_per_s, GOAL_VS_JIEBA))
    out.print("  " + ratio_line("product / (c) Python substring loop", rate / substring.records_per_s, None))


def print_budgets(product: Measurement, validation: Measurement, polars: Measurement,
                  jieba_first: Measurement, cores: int) -> None:
    """The time each goal allows for the whole corpus, beside the time python-stdnum alone needs to
    check every credit code (the issue requires that check), even spread perfectly over every core."""
    records, stdnum_floor = product.records, validation.median / cores
    out.print(f"Time budgets for {records:,} records (product now {product.median:.1f} s; python-stdnum alone "
              f"{validation.median:.1f} s on one core, {stdnum_floor:.1f} s at best on {cores} cores):")
    for label, goal_rate in (("(a) / 8", polars.records_per_s * GOAL_VS_POLARS),
                             ("(b) x 50", jieba_first.records_per_s * GOAL_VS_JIEBA)):
        budget = records / goal_rate
        left = budget - stdnum_floor
        out.print(f"  goal {label}: {goal_rate:,.0f} records/s allows {budget:.2f} s; after python-stdnum "
                  f"{'nothing is left' if left <= 0 else f'{left:.2f} s are left for everything else'}")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per design; the median is reported")
    parser.add_argument("--baseline-repeats", type=int, default=None,
                        help="runs for (b) and (c) only (default: --repeats)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N records")
    parser.add_argument("--chunk-rows", type=int, default=50_000, help="chunk size of the product's reader")
    parser.add_argument("--jieba-sample", type=int, default=20_000, help="records for (b)")
    parser.add_argument("--substring-sample", type=int, default=None,
                        help="records for (c) (default: the full corpus)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    slow_repeats = args.baseline_repeats or args.repeats
    with tempfile.TemporaryDirectory() as workdir:
        path = corpus_for(args.limit, Path(workdir))
        records = pl.scan_parquet(path).select(pl.len()).collect().item()
        size = text_bytes(read_text_columns(path))
        err.log(f"{path.name}: {records:,} records, {size / 1e6:,.1f} MB name+scope text")
        product = bench_product(path, args.chunk_rows, records, size, args.repeats)
        product_peak = peak_rss_mb()
        parallel = bench_product(path, args.chunk_rows, records, size, args.repeats, os.cpu_count() or 1)
        validation = bench_validation(path, records, size, args.repeats)
        terms = folded_terms()
        frame = read_text_columns(path)
        polars = bench_polars(frame, terms, args.repeats)
        polars_read = bench_polars_with_read(path, terms, records, size, args.repeats)
        jieba_first = bench_jieba(frame, terms, args.jieba_sample, slow_repeats)
        substring = bench_substring(frame, terms, args.substring_sample, slow_repeats)
    repeats_note = f"median of {args.repeats} runs" + (
        f"; (b) and (c): median of {slow_repeats}" if slow_repeats != args.repeats else "")
    out.print(f"Corpus: {path.name if args.limit else CORPUS.resolve()}, {records:,} records"
              f"{f' (first {args.limit:,})' if args.limit else ''}; {len(terms)} folded terms; MB = 10^6 UTF-8 bytes")
    out.print(results_table([product, parallel, validation, polars, polars_read, jieba_first, substring], repeats_note))
    out.print(f"Peak RSS after the product runs: {product_peak:,.0f} MB (goal < 2,000 MB); "
              f"whole process at the end: {peak_rss_mb():,.0f} MB")
    print_ratios(product, polars, polars_read, jieba_first, substring)
    print_ratios(parallel, polars, polars_read, jieba_first, substring)
    print_budgets(product, validation, polars, jieba_first, os.cpu_count() or 1)


if __name__ == "__main__":
    main()
