"""Delta: what changed since the store last saw each firm, by credit code and content hash.

new        the credit code is not in the store
changed    name or scope changed (变更登记): screened again
updated    another stored field changed (status, address, abnormal…): screened again (cheap)
unchanged  same content hash: not screened again (unless a term list changed)
missing    in the store, absent from a full extract
"""

import polars as pl

LATEST = {"credit_code": pl.Utf8, "version": pl.Int32, "content_hash": pl.Utf8, "screen_hash": pl.Utf8}


def classify(firms: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
    """``firms`` with ``change`` and the ``version`` its row will have in the store."""
    previous = latest.rename({"version": "previous_version", "content_hash": "previous_content",
                              "screen_hash": "previous_screen"})
    joined = firms.join(previous, on="credit_code", how="left", maintain_order="left")
    change = (
        pl.when(pl.col("previous_version").is_null()).then(pl.lit("new"))
        .when(pl.col("previous_screen") != pl.col("screen_hash")).then(pl.lit("changed"))
        .when(pl.col("previous_content") != pl.col("content_hash")).then(pl.lit("updated"))
        .otherwise(pl.lit("unchanged"))
    )
    version = pl.when(pl.col("change") == "unchanged").then(pl.col("previous_version")).otherwise(
        pl.col("previous_version").fill_null(0) + 1)
    return joined.with_columns(change.alias("change")).with_columns(version.cast(pl.Int32).alias("version"))


def missing(latest: pl.DataFrame, firms: pl.DataFrame) -> pl.DataFrame:
    """Firms in the store that a full extract does not have."""
    return latest.join(firms.select("credit_code"), on="credit_code", how="anti")


def counts(classified: pl.DataFrame) -> dict[str, int]:
    """How many firms of each kind of change."""
    found = dict(classified.group_by("change").len().iter_rows())
    return {kind: int(found.get(kind, 0)) for kind in ("new", "changed", "updated", "unchanged")}
