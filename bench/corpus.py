"""Larger extracts for the benchmarks: the real corpus copied with re-keyed credit codes.

Copy 0 is the corpus as it is; in each further copy every valid credit code gets a new organisation part
(characters 9–17: ``W``, the copy number and the row number in base 31) and its GB 32100 check digit from
python-stdnum, so each copy is a new set of firms with the same names and scopes; codes that were invalid
stay as they were (rejected again, for the same reason). Written batch by batch to Parquet, in bounded
memory, into a temporary folder (never into the project).
"""

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
from stdnum.cn import uscc

from screening.settings import get_settings

CORPUS = get_settings().registry_dir / "erd_1978_2004_all.parquet"
CODE = "统一社会信用代码"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 characters


def base31(number: int, width: int) -> str:
    """``number`` in GB 32100 characters, ``width`` wide."""
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def rekey(code: str | None, copy: int, row: int) -> str | None:
    """A new valid credit code for a valid one (same registering authority), else the code as it was."""
    if not code or not uscc.is_valid(code):
        return code
    body = code[:8] + "W" + base31(copy, 1) + base31(row, 7)
    return body + uscc.calc_check_digit(body)


def rekeyed_corpus(target: Path, rows: int, source: Path = CORPUS, batch_rows: int = 100_000) -> int:
    """Write ``rows`` firms to ``target``: the corpus, then re-keyed copies of it until ``rows``; the count."""
    parquet = pq.ParquetFile(source)
    writer, written, copy = None, 0, 0
    try:
        while written < rows:
            row = 0
            for batch in parquet.iter_batches(batch_size=batch_rows):
                frame = pl.from_arrow(batch).head(rows - written)
                if copy:
                    codes = [rekey(code, copy, row + i) for i, code in enumerate(frame[CODE].to_list())]
                    frame = frame.with_columns(pl.Series(CODE, codes, dtype=pl.Utf8))
                table = frame.to_arrow()
                writer = writer or pq.ParquetWriter(target, table.schema)
                writer.write_table(table)
                written, row = written + frame.height, row + batch.num_rows
                if written >= rows:
                    break
            copy += 1
    finally:
        if writer:
            writer.close()
    return written


def corpus_rows(source: Path = CORPUS) -> int:
    """How many records the corpus has."""
    return pq.ParquetFile(source).metadata.num_rows
