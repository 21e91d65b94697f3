"""Staging: an extract read and validated into firm rows to load and rejects to keep.

Rows in = rows loaded + rows rejected, always. A record is rejected for a read problem, an
empty name, a missing or invalid credit code, or a credit code already seen earlier in the same
extract (the first one is loaded). Every reject keeps its raw source text.
"""

from dataclasses import dataclass
import hashlib
from pathlib import Path

import orjson
import polars as pl

from screening.errors import ExtractError
from screening.extract.headers import ALIASES, CANONICAL
from screening.extract.readers import make_chunk, read_extract
from screening.rules.validation import has_keys, with_rejections

STORED = ("name", "scope", "address", "province", "district", "legal_rep", "status", "registered_on", "capital",
          "abnormal", "shareholders")
SCREENED = ("name", "scope")
ABNORMAL_YES = {"是", "Y", "YES", "TRUE", "1", "经营异常", "列入", "异常"}
REJECTS = {"source_file": pl.Utf8, "record": pl.Int64, "credit_code": pl.Utf8, "raw": pl.Utf8, "reason": pl.Utf8}


@dataclass
class Staged:
    """An extract ready to load: firms (one row per credit code) and rejects."""

    firms: pl.DataFrame
    rejects: pl.DataFrame
    rows_in: int


def digest(values: list[str | None]) -> str:
    """sha1 of the fields joined by a unit separator (None as empty)."""
    return hashlib.sha1("\x1f".join(v or "" for v in values).encode("utf-8")).hexdigest()


def with_hashes(firms: pl.DataFrame) -> pl.DataFrame:
    """Add ``content_hash`` (every stored field) and ``screen_hash`` (name and scope)."""
    stored = firms.select(STORED).rows()
    screened = firms.select(SCREENED).rows()
    return firms.with_columns(
        pl.Series("content_hash", [digest(list(r)) for r in stored], dtype=pl.Utf8),
        pl.Series("screen_hash", [digest(list(r)) for r in screened], dtype=pl.Utf8),
    )


def raw_text(row: dict) -> str:
    """The raw source of a record: the text the reader kept, else its fields as JSON."""
    if row.get("raw"):
        return row["raw"]
    return orjson.dumps({k: row.get(k) for k in CANONICAL if row.get(k) is not None}).decode("utf-8")


def rejects_of(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Reject rows (source file, record, code, raw, reason) for the rejected records of a frame."""
    rows = [{"source_file": source, "record": r["record"], "credit_code": r["credit_code"], "raw": raw_text(r),
             "reason": r["rejected"]} for r in frame.iter_rows(named=True)]
    return pl.DataFrame(rows, schema=REJECTS) if rows else pl.DataFrame(schema=REJECTS)


def split_duplicates(firms: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(first record of each credit code, later records of a code already seen) in input order."""
    first = firms.group_by("credit_code", maintain_order=True).agg(pl.col("record").min().alias("first_record"))
    marked = firms.join(first, on="credit_code", how="left", maintain_order="left")
    later = marked.filter(pl.col("record") != pl.col("first_record")).with_columns(
        pl.format("duplicate credit code in this extract (first at record {})", pl.col("first_record")).alias("rejected"))
    return marked.filter(pl.col("record") == pl.col("first_record")).drop("first_record"), later.drop("first_record")


def stage_extract(path: Path, chunk_rows: int, on_chunk=lambda rows: None) -> Staged:
    """Read and validate the whole extract; ``on_chunk`` is told how many rows each chunk had."""
    loaded, rejects, rows_in = [], [], 0
    for chunk in read_extract(path, chunk_rows):
        if chunk.height and not has_keys(chunk):
            raise ExtractError(f"{path}: the store needs a credit code column; accepted headers: "
                               f"{', '.join(ALIASES['credit_code'])} (or a 15-digit registration number column: "
                               f"{', '.join(ALIASES['registration_number'])})")
        frame = with_rejections(chunk, has_code=True)
        rows_in += frame.height
        loaded.append(frame.filter(pl.col("rejected").is_null()))
        rejects.append(rejects_of(frame.filter(pl.col("rejected").is_not_null()), str(path)))
        on_chunk(frame.height)
    firms = pl.concat(loaded) if loaded else with_rejections(make_chunk([]), True)
    firms, duplicates = split_duplicates(firms)
    rejects.append(rejects_of(duplicates, str(path)))
    abnormal = pl.col("abnormal").str.strip_chars().str.to_uppercase().is_in(list(ABNORMAL_YES)).fill_null(False)
    firms = with_hashes(firms).with_columns(abnormal.alias("abnormal_flag"))
    return Staged(firms, pl.concat(rejects), rows_in)
