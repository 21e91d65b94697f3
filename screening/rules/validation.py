"""Whether a read record can be loaded: a reason to reject it, or null.

Checked on columns for a whole chunk: a read problem first, then an empty name, then damaged
text (control characters, lost characters, mojibake: ``extract.damaged_text``), then the firm's
key: a valid credit code, or a valid 15-digit registration number (``rules.identifiers``). A rejected record is still screened where its fields are readable (an
analyst sees its hits) but is not loaded into the store until the office fixes it.

A later record with a credit code already seen in the same extract is rejected too, naming the
first (staging does it for ``scan``; ``FirstRecords`` does the same for ``check``, chunk by chunk).
"""

import polars as pl

from screening.extract.damaged_text import damage, suspects
from screening.extract.headers import CANONICAL
from screening.extract.readers import make_chunk
from screening.rules.identifiers import with_key

KEY_FIELDS = ("credit_code", "registration_number")
TEXT_FIELDS = tuple(c for c in CANONICAL if c not in (*KEY_FIELDS, "source_file", "source_line"))
DUPLICATE = "duplicate credit code in this extract (first at record {})"


def has_keys(chunk: pl.DataFrame) -> bool:
    """Whether the chunk carries firm keys at all (a credit code or a registration number on some row):
    a names-only extract can be checked, not stored."""
    return any(chunk.get_column(column).null_count() < chunk.height for column in KEY_FIELDS)


def keyed(chunk: pl.DataFrame, has_code: bool) -> pl.DataFrame:
    """The chunk with the key columns (``credit_code`` compacted, ``key_kind``, ``registration_number``)
    and ``code_problem``, why the key is unusable (all null when the extract has no keys)."""
    if has_code:
        return with_key(chunk).rename({"key_problem": "code_problem"})
    return chunk.with_columns(pl.lit(None, pl.Utf8).alias("key_kind"), pl.lit(None, pl.Utf8).alias("code_problem"))


def text_problems(chunk: pl.DataFrame) -> pl.Series:
    """Why each record's text is damaged (the first damaged field), else null; only the few
    records ``suspects`` selects on columns are examined in Python."""
    fields = [c for c in TEXT_FIELDS if c in chunk.columns]
    reasons: list[str | None] = [None] * chunk.height
    if fields and chunk.height:
        picked = chunk.with_row_index("at").filter(pl.any_horizontal([suspects(pl.col(c)) for c in fields]))
        for row in picked.select("at", *fields).iter_rows(named=True):
            reasons[row["at"]] = next((reason for f in fields if (reason := damage(f, row[f]))), None)
    return pl.Series("text_problem", reasons, dtype=pl.Utf8)


def with_rejections(chunk: pl.DataFrame, has_code: bool) -> pl.DataFrame:
    """The chunk with its key columns (:func:`keyed`), ``code_problem`` and ``rejected``."""
    frame = keyed(chunk, has_code).with_columns(text_problems(chunk))
    empty_name = pl.col("name").fill_null("").str.strip_chars() == ""
    problem = pl.when(pl.col("problem") != "").then(pl.col("problem"))
    rejected = pl.coalesce(problem, pl.when(empty_name).then(pl.lit("empty name")), pl.col("text_problem"),
                           pl.col("code_problem"))
    return frame.with_columns(rejected.alias("rejected")).drop("text_problem")


def reject_reason(row: dict, has_code: bool) -> str | None:
    """Why one record is rejected (the same checks as ``with_rejections``), or None."""
    chunk = make_chunk([{"record": 1, **row}])
    return with_rejections(chunk, has_code)["rejected"][0]


class FirstRecords:
    """The first loadable record of each credit code seen so far in one extract, read chunk by chunk."""

    def __init__(self) -> None:
        self.first: dict[str, int] = {}

    def first_of(self, codes: list, records: list, usable: list) -> list[int | None]:
        """Per row: the record that first used its code (this one when it is the first), or None."""
        first, out = self.first, []
        for code, record, ok in zip(codes, records, usable):
            out.append(first.setdefault(code, record) if ok else None)
        return out

    def mark(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` (with record, credit_code, rejected) with later records of a code already seen
        rejected as duplicates; only records not rejected otherwise count as a first."""
        usable = frame.select(pl.col("rejected").is_null() & pl.col("credit_code").is_not_null()).to_series()
        firsts = self.first_of(frame["credit_code"].to_list(), frame["record"].to_list(), usable.to_list())
        marked = frame.with_columns(pl.Series("first_record", firsts, dtype=pl.Int64))
        later = pl.col("first_record").is_not_null() & (pl.col("record") != pl.col("first_record"))
        duplicate = pl.format(DUPLICATE, pl.col("first_record"))
        return marked.with_columns(pl.when(later).then(duplicate).otherwise(pl.col("rejected")).alias("rejected")
                                   ).drop("first_record")
