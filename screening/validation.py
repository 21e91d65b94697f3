"""Whether a read record can be loaded: a reason to reject it, or null.

Checked on columns for a whole chunk: a read problem first, then an empty name, then the
credit code (python-stdnum). A rejected record is still screened where its fields are readable
(an analyst sees its hits) but is not loaded into the store until the office fixes it.
"""

import polars as pl

from screening.credit_codes import credit_code_problem
from screening.extract.readers import make_chunk


def code_problems(codes: pl.Series, has_code: bool) -> pl.Series:
    """Why each credit code is unusable (null when valid, or when the extract has no codes)."""
    if not has_code:
        return pl.Series("code_problem", [None] * len(codes), dtype=pl.Utf8)
    return pl.Series("code_problem", [credit_code_problem(c) for c in codes.to_list()], dtype=pl.Utf8)


def with_rejections(chunk: pl.DataFrame, has_code: bool) -> pl.DataFrame:
    """The chunk with the credit code stripped and upper-cased (blank → null), ``code_problem`` and ``rejected``."""
    code = pl.col("credit_code").str.strip_chars().str.to_uppercase()
    frame = chunk.with_columns(pl.when(code != "").then(code).alias("credit_code"))
    frame = frame.with_columns(code_problems(frame["credit_code"], has_code))
    empty_name = pl.col("name").fill_null("").str.strip_chars() == ""
    problem = pl.when(pl.col("problem") != "").then(pl.col("problem"))
    rejected = pl.coalesce(problem, pl.when(empty_name).then(pl.lit("empty name")), pl.col("code_problem"))
    return frame.with_columns(rejected.alias("rejected"))


def reject_reason(row: dict, has_code: bool) -> str | None:
    """Why one record is rejected (the same checks as ``with_rejections``), or None."""
    chunk = make_chunk([{"record": 1, **row}])
    return with_rejections(chunk, has_code)["rejected"][0]
