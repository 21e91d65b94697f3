"""Whether a read record can be loaded: a reason to reject it, or null.

Checked on columns for a whole chunk: a read problem first, then an empty name, then damaged
text (control characters, lost characters, mojibake: ``extract.damaged_text``), then the credit
code (python-stdnum). A rejected record is still screened where its fields are readable (an
analyst sees its hits) but is not loaded into the store until the office fixes it.

A later record with a credit code already seen in the same extract is rejected too, naming the
first (staging does it for ``scan``; ``FirstRecords`` does the same for ``check``, chunk by chunk).
"""

import polars as pl

from screening.rules.identifiers import credit_code_problem
from screening.extract.damaged_text import damage, suspects
from screening.extract.headers import CANONICAL
from screening.extract.readers import make_chunk

TEXT_FIELDS = tuple(c for c in CANONICAL if c not in ("credit_code", "source_file", "source_line"))
DUPLICATE = "duplicate credit code in this extract (first at record {})"


def code_problems(codes: pl.Series, has_code: bool) -> pl.Series:
    """Why each credit code is unusable (null when valid, or when the extract has no codes)."""
    if not has_code:
        return pl.Series("code_problem", [None] * len(codes), dtype=pl.Utf8)
    return pl.Series("code_problem", [credit_code_problem(c) for c in codes.to_list()], dtype=pl.Utf8)


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
    """The chunk with the credit code stripped and upper-cased (blank → null), ``code_problem`` and ``rejected``."""
    code = pl.col("credit_code").str.strip_chars().str.to_uppercase()
    frame = chunk.with_columns(pl.when(code != "").then(code).alias("credit_code"))
    frame = frame.with_columns(code_problems(frame["credit_code"], has_code), text_problems(frame))
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
