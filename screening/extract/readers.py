"""Readers that turn an extract file into chunks of uniform records.

Every chunk is a polars DataFrame with ``record`` (1-based data record, header not counted),
every canonical column (null when the file lacks it), ``raw`` (the source text of the record)
and ``problem`` (why the record could not be read, else null). A bad record is kept with its
problem and raw text, never dropped; the rest of the file is read.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

import orjson
import polars as pl

from screening.extract.csv_records import csv_rows
from screening.extract.headers import CANONICAL, ExtractError, resolve_headers

SCHEMA = {"record": pl.Int64, **{c: pl.Utf8 for c in CANONICAL}, "raw": pl.Utf8, "problem": pl.Utf8}
csv.field_size_limit(16 * 1024 * 1024)


def make_chunk(rows: list[dict]) -> pl.DataFrame:
    """A chunk with the uniform schema from row dicts."""
    return pl.DataFrame(rows, schema=SCHEMA, orient="row") if rows else pl.DataFrame(schema=SCHEMA)


def chunked(rows: Iterator[dict], size: int) -> Iterator[pl.DataFrame]:
    """Group row dicts into chunks of at most ``size`` rows."""
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield make_chunk(batch)
            batch = []
    if batch:
        yield make_chunk(batch)


def _jsonl_rows(path: Path) -> Iterator[dict]:
    """JSON Lines: one object per line; a line that is not an object is a problem record."""
    with open(path, "rb") as handle:
        record = 0
        for line in handle:
            if not line.strip():
                continue
            record += 1
            raw = line.decode("utf-8", errors="replace").rstrip("\r\n")
            try:
                obj = orjson.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except (orjson.JSONDecodeError, ValueError) as error:
                yield {"record": record, "raw": raw, "problem": f"unreadable JSON at line {record} ({error})"}
                continue
            keys = list(obj)
            try:
                columns = resolve_headers(keys, path)
            except ExtractError as error:
                yield {"record": record, "raw": raw, "problem": f"line {record}: {error}"}
                continue
            row = {name: _text(obj[keys[i]]) for i, name in columns.items()}
            yield {"record": record, **row, "raw": raw, "problem": None}


def _text(value) -> str | None:
    """A cell as text (None stays None)."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _frame_chunks(frame_batches: Iterator[pl.DataFrame], path: Path) -> Iterator[pl.DataFrame]:
    """Uniform chunks from tabular batches (Parquet, Excel): rename by alias, cast to text."""
    record = 0
    for batch in frame_batches:
        columns = resolve_headers(batch.columns, path)
        renamed = batch.select([pl.col(batch.columns[i]).cast(pl.Utf8).alias(n) for i, n in columns.items()])
        numbers = pl.int_range(record + 1, record + 1 + batch.height, eager=True).alias("record")
        record += batch.height
        missing = [pl.lit(None, pl.Utf8).alias(c) for c in CANONICAL if c not in renamed.columns]
        chunk = renamed.with_columns(numbers, *missing, raw=pl.lit(None, pl.Utf8), problem=pl.lit(None, pl.Utf8))
        yield chunk.select(list(SCHEMA))


def _parquet_batches(path: Path, size: int) -> Iterator[pl.DataFrame]:
    """Record batches of a Parquet file, streamed."""
    import pyarrow.lib
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=size):
            yield pl.from_arrow(batch)
    except (pyarrow.lib.ArrowException, OSError) as error:
        raise ExtractError(f"{path}: not a readable Parquet file ({error}). Re-export it.") from error


def _excel_batches(path: Path) -> Iterator[pl.DataFrame]:
    """The first sheet of an .xlsx file, every cell as text."""
    import fastexcel

    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string")
        yield sheet.to_polars()
    except Exception as error:  # fastexcel raises its own error classes
        raise ExtractError(f"{path}: not a readable Excel workbook ({error}). Save it as .xlsx again.") from error


def read_extract(path: Path, chunk_rows: int = 50_000) -> Iterator[pl.DataFrame]:
    """Chunks of the extract at ``path``, by its file type."""
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return chunked(csv_rows(path), chunk_rows)
    if suffix in (".jsonl", ".ndjson"):
        return chunked(_jsonl_rows(path), chunk_rows)
    if suffix == ".parquet":
        return _frame_chunks(_parquet_batches(path, chunk_rows), path)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _frame_chunks(_excel_batches(path), path)
    raise ExtractError(f"{path}: unknown extract type {suffix!r}; use .csv, .xlsx, .parquet or .jsonl")
