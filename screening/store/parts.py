"""One part of a run, screened: what a worker does (a Dask task, or the scan's own loop).

A task gets paths — the part to screen and the folder for results — and returns a small summary; the
part's rows never pass through the flow's process or the Dask scheduler. It reads its Parquet part,
screens it with the process's screener, sums each firm's hits up (counting hits, lead category and its
rank from the screener's loaded lists, lead regulator, suspension and hold, hidden words) and writes two
Parquet files: the hits first, then the firms (whose presence says the part is done). Both are written
under temporary names and renamed, so a killed worker leaves no half file; screening a part again
gives the same files.
"""

import os
from pathlib import Path
import time

import polars as pl

from screening.extract.readers import SCHEMA
from screening.rules.pipeline import screen_frame
from screening.rules.results import HIT
from screening.rules.screener import Screener
from screening.store import watchlist
from screening.store.runfolder import result_paths, temp_name

IDENTIFIERS = ("key_kind", "registration_number")
KEYS = ("record", "credit_code", "version", "change", "name", "status", "content_hash", "abnormal_flag")
FIRM_COLUMNS = ("credit_code", "version", "change", "name", "status", "content_hash", "abnormal_flag", "region",
                "region_source", "flagged", "attention", "use", "exempt_reason", "exempt_evidence", "counting_hits",
                "lead_category", "category_rank", "lead_regulator", "suspended_term", "hold", "obfuscated")
HIT_COLUMNS = ("term", "field", "start", "end", "counts", "why", "list", "list_version", "source", "category",
               "regulator", "regulators", "action", "tier", "matched", "use", "use_reason", "obfuscated")


def screen_chunk(screener: Screener, chunk: pl.DataFrame) -> pl.DataFrame:
    """Screening results of one chunk of staged firms (reader columns plus the delta's keys), one row per firm,
    with the per-firm summary the watch list needs."""
    extra = [c for c in IDENTIFIERS if c in chunk.columns and c not in SCHEMA]  # carried for the rules when the reader gives them
    result = screen_frame(screener, chunk.select(*SCHEMA, *extra), has_code=True, validated=True)
    keys = chunk.select(KEYS)
    joined = result.drop("credit_code", "name").join(keys, on="record", how="left", maintain_order="left")
    summary = watchlist.summarise(joined, screener.category_priority)
    firms = joined.join(summary, on="credit_code", how="left", maintain_order="left")
    return with_hold(firms.with_columns(
        pl.col("counting_hits").fill_null(0), pl.col("suspended_term").fill_null(False),
        pl.col("obfuscated").fill_null(False), pl.col("exempt").struct.field("reason").alias("exempt_reason"),
        pl.col("exempt").struct.field("evidence").alias("exempt_evidence")))


def with_hold(firms: pl.DataFrame) -> pl.DataFrame:
    """``hold``: a firm moving in (迁入, its registration status) with a term of a Beijing suspension list
    (京政办发〔2016〕24号 三(一))."""
    return firms.with_columns((pl.col("suspended_term") & pl.col("status").fill_null("").str.contains("迁入"))
                              .alias("hold"))


def hit_rows(screened: pl.DataFrame) -> pl.DataFrame:
    """Every hit of the screened firms, one row each, as the store's ``hits`` columns (without the run)."""
    hits = screened.select("credit_code", "version", "hits").explode("hits").drop_nulls("hits").unnest("hits")
    if hits.is_empty():
        hits = pl.DataFrame(schema={"credit_code": pl.Utf8, "version": pl.Int32, **{f.name: f.dtype for f in HIT.fields}})
    return hits.select("credit_code", "version", *HIT_COLUMNS).rename({"start": "span_start", "end": "span_end"})


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    """Write a Parquet file under a temporary name and rename it into place."""
    temp = temp_name(path)
    frame.write_parquet(temp)
    os.replace(temp, path)


def screen_part(screener: Screener, part: Path, results_dir: Path) -> dict:
    """Screen one part and write its results; a small summary (never the rows)."""
    started = time.perf_counter()
    chunk = pl.read_parquet(part)
    screened = screen_chunk(screener, chunk)
    firms_path, hits_path = result_paths(results_dir, part)
    hits = hit_rows(screened)
    write_frame(hits, hits_path)
    write_frame(screened.select(FIRM_COLUMNS), firms_path)
    return {"part": Path(part).name, "firms": screened.height, "hits": hits.height,
            "flagged": int(screened["flagged"].sum()), "seconds": round(time.perf_counter() - started, 3),
            "pid": os.getpid()}
