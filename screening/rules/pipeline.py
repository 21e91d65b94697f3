"""Screening an extract chunk by chunk: read, validate, prefilter, screen. No database here.

Everything that applies to every record is done on columns (polars): the prefilter, the
region from the credit code, the reasons to reject. Only records the prefilter selects pay
for the full screening in Python. Results come out as frames in input order (``RESULT``).
"""

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import polars as pl

from screening.extract.readers import CHUNK_ROWS, read_extract
from screening.rules.hits import FirmResult
from screening.rules.matcher import has_astral, joint_mapping
from screening.rules.identifiers import REGISTRATION_NUMBER, key_region
from screening.rules.regions import Region, regions_from_addresses
from screening.rules.results import RESULT, firm_result, screened_frame
from screening.rules.reuse import FieldDecisions
from screening.rules.screener import Screener
from screening.rules.validation import FirstRecords, has_keys, keyed, with_rejections

TEXT_COLUMNS = ("name", "scope")


@lru_cache(maxsize=4)
def candidate_folding(screener: Screener) -> dict[str, str]:
    """One folding for the plans' prefilter and the extended tier's (see ``matcher.joint_mapping``)."""
    return joint_mapping([screener.prefilter, *(screener.extended.prefilters if screener.extended else ())])


def candidate_mask(screener: Screener, chunk: pl.DataFrame) -> pl.Series:
    """Which records of the chunk may contain a term (name and scope together), or, with the
    extended tier on, an extended hit in the name. Each column is folded once, for every prefilter
    (folding is character by character: the fold of name + line break + scope is the two folds joined,
    the line break folding away)."""
    mapping = candidate_folding(screener)
    name, scope = (chunk.get_column(c).fill_null("") for c in TEXT_COLUMNS)
    folded_name = name.str.replace_many(mapping)
    joined = pl.DataFrame({"n": folded_name, "s": scope.str.replace_many(mapping)}).select(
        pl.concat_str("n", "s").alias("text")).to_series()
    astral = has_astral(name) | has_astral(scope)
    mask = screener.prefilter.found_in(joined, astral)
    if screener.extended:
        mask = mask | screener.extended.candidates(name, folded_name)
    return mask.alias("candidate")


def _address_regions(frame: pl.DataFrame) -> pl.Series:
    """Region from the address for records without a valid code (few; one cpca call per chunk)."""
    needed = frame.with_row_index("at").filter(pl.col("key_kind").is_null())
    regions: list[str | None] = [None] * frame.height
    parts = needed.select("address", "district", "province").rows()
    for at, region in zip(needed["at"].to_list(), regions_from_addresses(parts) if parts else []):
        regions[at] = region
    return pl.Series("address_region", regions, dtype=pl.Utf8)


def prepare(screener: Screener, chunk: pl.DataFrame, has_code: bool, validated: bool = False) -> pl.DataFrame:
    """Columns for every record: stripped code, reject reason, region and its source, candidate.
    ``validated``: every record was checked and loaded already (the store's staged firms), so the checks
    (text damage, empty names) are not run again; the key columns are derived on columns as staging did."""
    checked = keyed(chunk, has_code).with_columns(pl.lit(None, pl.Utf8).alias("code_problem"),
                                                  pl.lit(None, pl.Utf8).alias("rejected")
                                                  ) if validated else with_rejections(chunk, has_code)
    frame = checked.with_columns(candidate_mask(screener, chunk))
    frame = frame.with_columns(_address_regions(frame))
    from_key = key_region(pl.col("credit_code"), pl.col("key_kind"))
    source = pl.when(pl.col("key_kind") == REGISTRATION_NUMBER).then(pl.lit("registration_number")).otherwise(
        pl.lit("credit_code"))
    return frame.with_columns(
        pl.coalesce(from_key, pl.col("address_region")).alias("region"),
        pl.when(from_key.is_not_null()).then(source).when(pl.col("address_region").is_not_null())
        .then(pl.lit("address")).otherwise(pl.lit("none")).alias("region_source"),
    )


@lru_cache(maxsize=4)
def field_decisions(screener: Screener) -> FieldDecisions:
    """The reused decisions of ``screener``'s lists, one set per screener, kept across chunks."""
    return FieldDecisions(screener)


def screen_candidates(screener: Screener, frame: pl.DataFrame) -> pl.DataFrame:
    """Full screening of the candidate records whose fields are readable (decisions reused)."""
    chosen = frame.filter(pl.col("candidate") & pl.col("problem").fill_null("").eq(""))
    reuse = field_decisions(screener)
    results = [
        screener.screen(row["record"], row, Region(row["region"], row["region_source"]), row["rejected"], reuse)
        for row in chosen.iter_rows(named=True)
    ]
    return screened_frame(results)


def screen_frame(screener: Screener, chunk: pl.DataFrame, has_code: bool = True, validated: bool = False) -> pl.DataFrame:
    """Screen every record of one chunk: a frame with the ``RESULT`` columns, in input order (``validated``:
    see :func:`prepare`)."""
    frame = prepare(screener, chunk, has_code, validated)
    screened = screen_candidates(screener, frame)
    joined = frame.join(screened, on="record", how="left", maintain_order="left")
    return joined.with_columns(
        pl.col("flagged").fill_null(False), pl.col("attention").fill_null(False),
        pl.col("hits").fill_null(pl.lit([], dtype=RESULT["hits"])),
    ).select(list(RESULT))


def screen_frames(screener: Screener, path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    """Result frames for the extract at ``path``, chunk by chunk, in input order (a later record of a
    credit code already seen is rejected as a duplicate, as ``scan`` does)."""
    first_records = FirstRecords()
    for chunk in read_extract(path, chunk_rows):
        has_code = has_keys(chunk)
        yield first_records.mark(screen_frame(screener, chunk, has_code))


def screen_extract(screener: Screener, path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[FirmResult]:
    """Every record's result as a FirmResult, in input order (convenient, slower than frames)."""
    for frame in screen_frames(screener, path, chunk_rows):
        yield from (firm_result(row) for row in frame.iter_rows(named=True))
