"""Screening results as columns: the schema ``check`` prints and the store loads."""

import polars as pl

from screening.hits import FirmResult, Hit

EXEMPT = pl.Struct({"reason": pl.Utf8, "evidence": pl.Utf8})
HIT = pl.Struct({
    "term": pl.Utf8, "field": pl.Utf8, "start": pl.Int64, "end": pl.Int64, "counts": pl.Boolean,
    "why": pl.Utf8, "list": pl.Utf8, "list_version": pl.Utf8, "source": pl.Utf8, "category": pl.Utf8,
    "regulator": pl.Utf8, "regulators": pl.List(pl.Utf8), "action": pl.Utf8, "tier": pl.Utf8,
    "matched": pl.Utf8,
})
RESULT = {
    "record": pl.Int64, "credit_code": pl.Utf8, "name": pl.Utf8, "region": pl.Utf8,
    "region_source": pl.Utf8, "flagged": pl.Boolean, "exempt": EXEMPT, "rejected": pl.Utf8,
    "hits": pl.List(HIT),
}
SCREENED = {"record": pl.Int64, "flagged": pl.Boolean, "exempt": EXEMPT, "hits": pl.List(HIT)}


def screened_frame(results: list[FirmResult]) -> pl.DataFrame:
    """The screened columns (record, flagged, exempt, hits) of full screenings."""
    rows = [{"record": r.record, "flagged": r.flagged, "exempt": r.exempt,
             "hits": [hit.as_dict() for hit in r.hits]} for r in results]
    return pl.DataFrame(rows, schema=SCREENED) if rows else pl.DataFrame(schema=SCREENED)


def firm_result(row: dict) -> FirmResult:
    """A FirmResult from one row of a result frame."""
    hits = [Hit(**(hit | {"regulators": tuple(hit["regulators"] or ())})) for hit in row["hits"] or ()]
    return FirmResult(row["record"], row["credit_code"], row["name"], row["region"], row["region_source"],
                      row["flagged"], row["exempt"], row["rejected"], hits)
