"""Screening an extract's chunks on several processes, results still in input order.

The parent reads the extract (one reader, so record numbers and read problems stay exactly as in
one process) and sends each chunk to a pool of worker processes, each holding its own screener
over the same lists (built from the settings, like ``regscreen check``'s); at most two chunks per
worker are in flight, so memory stays bounded. Duplicate credit codes are marked here, in input
order, as in one process. With one worker nothing is spawned: ``screen_frames`` runs here.
"""

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
import multiprocessing
from pathlib import Path

import polars as pl

from screening.extract.readers import read_extract
from screening.rules.pipeline import screen_frame, screen_frames
from screening.rules.screener import Screener
from screening.rules.validation import FirstRecords, has_keys

IN_FLIGHT_PER_WORKER = 2
_worker_screener: Screener | None = None


def start_worker(keywords_dir: Path, registers_dir: Path, extended: bool) -> None:
    """Pool initializer: this process's screener over the parent's lists, with its extended tier."""
    global _worker_screener
    _worker_screener = Screener.load(keywords_dir, registers_dir, extended)


def screen_chunk(chunk: pl.DataFrame) -> pl.DataFrame:
    """Screen one chunk in a worker (the same call as in one process)."""
    return screen_frame(_worker_screener, chunk, has_keys(chunk))


def in_order(pool: ProcessPoolExecutor, chunks: Iterator[pl.DataFrame], depth: int) -> Iterator[pl.DataFrame]:
    """Results of ``chunks`` in their order, keeping at most ``depth`` of them in flight."""
    pending: deque[Future] = deque()
    for chunk in chunks:
        pending.append(pool.submit(screen_chunk, chunk))
        if len(pending) >= depth:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def screen_frames_on(screener: Screener, path: Path, chunk_rows: int, workers: int) -> Iterator[pl.DataFrame]:
    """Result frames of the extract at ``path`` in input order, screened by ``workers`` processes."""
    if workers <= 1:
        yield from screen_frames(screener, path, chunk_rows)
        return
    chunks = read_extract(path, chunk_rows)
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    first_records = FirstRecords()  # duplicates across chunks: decided here, in input order
    with ProcessPoolExecutor(workers, mp_context=context, initializer=start_worker,
                             initargs=(screener.keywords_dir, screener.registers_dir, screener.extended is not None)) as pool:
        for frame in in_order(pool, chunks, workers * IN_FLIGHT_PER_WORKER):
            yield first_records.mark(frame)
