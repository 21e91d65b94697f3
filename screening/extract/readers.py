"""Readers that turn an extract file into chunks of uniform records.

Every chunk is a polars DataFrame with ``record`` (1-based data record, header not counted),
every canonical column (null when the file lacks it), ``raw`` (the source text of the record)
and ``problem`` (why the record could not be read, else null). A bad record is kept with its
problem and raw text, never dropped; the rest of the file is read.

An Excel sheet may have a title row and a header over two rows with merged cells above the
data; its header is found in its first rows (``header_block``).

Personal ID numbers in the name, scope and address and in the raw text of a record are masked as
the chunk is read (:func:`screening.extract.personal_ids.mask_ids`, same length: spans stay valid), so
no output, table, view or log downstream can show one. The 法定代表人 and 股东 cells keep theirs until
the store has keyed the persons (:mod:`screening.store.persons`), which then masks them too.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

import orjson
import polars as pl

from screening.extract.csv_records import csv_rows
from screening.errors import ExtractError
from screening.extract.headers import CANONICAL, canonical_name, resolve_headers
from screening.extract.personal_ids import candidate_run, mask_ids
from screening.extract.workbook_limits import WorkbookLimits, check_workbook

HEADER_SEARCH = 10
CHUNK_ROWS = 50_000  # rows per chunk when none is given: bounds peak memory (REGSCREEN_CHUNK_ROWS overrides it)
MASKED_AT_READ = ("name", "scope", "address", "raw")  # legal_rep and shareholders: masked once persons are keyed
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
        raise ExtractError(f"{path}: not a readable Parquet file, truncated or damaged ({error})."
                           " Copy or export it again.") from error


def known_share(row: tuple) -> tuple[int, int]:
    """(known column names, non-empty cells) of a sheet row."""
    cells = [str(cell).strip() for cell in row if cell is not None and str(cell).strip()]
    return sum(1 for cell in cells if canonical_name(cell)), len(cells)


def is_header_row(row: tuple, continuing: bool) -> bool:
    """The first header row holds a known column name; a row continuing the header holds at least
    half known names (a data row may hold one, e.g. 经营异常 in the abnormal column)."""
    known, cells = known_share(row)
    return known >= 1 and (not continuing or 2 * known >= cells)


def column_label(cells: list) -> str | None:
    """A column's header from its cells in the header rows: the lowest known name, else the lowest text
    (a merged cell's text is in its first row, the rows below it are empty)."""
    texts = [str(cell).strip() for cell in cells if cell is not None and str(cell).strip()]
    known = [text for text in texts if canonical_name(text)]
    return (known or texts or [None])[-1]


def header_block(rows: list[tuple]) -> tuple[list[str | None], int]:
    """(column labels, rows above the data) of a sheet read without a header: the consecutive header
    rows first found among its first ``HEADER_SEARCH`` rows (titles above them skipped), else row 1."""
    first = next((i for i, row in enumerate(rows[:HEADER_SEARCH]) if is_header_row(row, False)), None)
    if first is None:
        return [None if cell is None else str(cell) for cell in rows[0]] if rows else [], min(len(rows), 1)
    last = first
    while last + 1 < min(len(rows), HEADER_SEARCH) and is_header_row(rows[last + 1], True):
        last += 1
    return [column_label([row[i] for row in rows[first:last + 1]]) for i in range(len(rows[0]))], last + 1


def unique_labels(labels: list[str | None]) -> list[str]:
    """Column names for a frame: the label, or a placeholder for an empty or repeated one."""
    seen: set[str] = set()
    names = []
    for index, label in enumerate(labels):
        names.append(label if label and label not in seen else f"__UNNAMED__{index}")
        seen.add(names[-1])
    return names


def _excel_batches(path: Path, limits: WorkbookLimits | None) -> Iterator[pl.DataFrame]:
    """The first sheet of an .xlsx file, every cell as text, from the row after its header block; refused
    before it is read when it is over the limits (:mod:`screening.extract.workbook_limits`)."""
    import fastexcel

    check_workbook(path, limits)
    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_polars()
    except Exception as error:  # fastexcel raises its own error classes
        raise ExtractError(f"{path}: not a readable Excel workbook ({error}). Save it as .xlsx again.") from error
    labels, skip = header_block(sheet.head(HEADER_SEARCH).rows())
    resolve_headers([label or "" for label in labels], path)  # two columns for one name are refused, not renamed away
    yield sheet.slice(skip).rename(dict(zip(sheet.columns, unique_labels(labels))))


def without_personal_ids(chunk: pl.DataFrame) -> pl.DataFrame:
    """The chunk with ID numbers masked in the columns read by people (only cells with a run of fifteen digits,
    found by polars, are looked at)."""
    replaced = []
    for column in MASKED_AT_READ:
        candidates = chunk[column].str.contains(candidate_run()).fill_null(False)
        if candidates.any():
            values = chunk[column].to_list()
            for index in candidates.arg_true().to_list():
                values[index] = mask_ids(values[index])
            replaced.append(pl.Series(column, values, dtype=pl.Utf8))
    return chunk.with_columns(replaced) if replaced else chunk


def read_extract(path: Path, chunk_rows: int = CHUNK_ROWS, limits: WorkbookLimits | None = None) -> Iterator[pl.DataFrame]:
    """Chunks of the extract at ``path``, by its file type, personal ID numbers masked (see above); a
    spreadsheet is checked against ``limits`` first (None: as already checked, else the defaults)."""
    return map(without_personal_ids, extract_chunks(Path(path), chunk_rows, limits))


def extract_chunks(path: Path, chunk_rows: int, limits: WorkbookLimits | None = None) -> Iterator[pl.DataFrame]:
    """Chunks of the extract at ``path`` as read."""
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
        return _frame_chunks(_excel_batches(path, limits), path)
    raise ExtractError(f"{path}: unknown extract type {suffix!r}; use .csv, .xlsx, .parquet or .jsonl")
