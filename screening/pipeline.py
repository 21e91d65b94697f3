"""Screening an extract chunk by chunk: read, validate, prefilter, screen. No database here.

Only records the vectorised prefilter selects pay for the full screening; the others get a
result with no hits. Results come out in input order.
"""

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from screening.extract.readers import read_extract
from screening.hits import FirmResult
from screening.regions import region_of_firm
from screening.screener import Screener
from screening.validation import is_unreadable, reject_reason

TEXT_COLUMNS = ("name", "scope")


def candidate_mask(screener: Screener, chunk: pl.DataFrame) -> pl.Series:
    """Which records of the chunk may contain a term (name and scope together)."""
    text = pl.concat_str([pl.col(c).fill_null("") for c in TEXT_COLUMNS], separator="\n")
    return screener.prefilter.candidates(chunk.select(text.alias("text")).to_series())


def screen_row(screener: Screener, row: dict, candidate: bool, has_code: bool) -> FirmResult:
    """The result for one record of a chunk."""
    rejected = reject_reason(row, has_code)
    code = row["credit_code"] = (row.get("credit_code") or "").strip() or None
    region = region_of_firm(code, row.get("address"), row.get("province"), row.get("district"))
    if candidate and not is_unreadable(row):
        return screener.screen(row["record"], row, region, rejected)
    return FirmResult(row["record"], code, row.get("name"), region.code, region.source, rejected=rejected)


def screen_chunk(screener: Screener, chunk: pl.DataFrame, has_code: bool = True) -> list[FirmResult]:
    """Screen every record of one chunk, in order."""
    candidates = candidate_mask(screener, chunk).to_list()
    rows = chunk.iter_rows(named=True)
    return [screen_row(screener, row, candidate, has_code) for row, candidate in zip(rows, candidates)]


def screen_extract(screener: Screener, path: Path, chunk_rows: int = 50_000) -> Iterator[FirmResult]:
    """Screen every record of the extract at ``path``, in input order."""
    for chunk in read_extract(path, chunk_rows):
        has_code = chunk.get_column("credit_code").null_count() < chunk.height
        yield from screen_chunk(screener, chunk, has_code)
