"""Screening results as columns: the schema ``check`` prints and the store loads."""

import polars as pl

from screening.rules.company_names import NameParts
from screening.rules.hits import FirmResult, Hit

EXEMPT = pl.Struct({"reason": pl.Utf8, "evidence": pl.Utf8})
HIT = pl.Struct({
    "term": pl.Utf8, "field": pl.Utf8, "start": pl.Int64, "end": pl.Int64, "counts": pl.Boolean,
    "why": pl.Utf8, "list": pl.Utf8, "list_version": pl.Utf8, "source": pl.Utf8, "category": pl.Utf8,
    "regulator": pl.Utf8, "regulators": pl.List(pl.Utf8), "action": pl.Utf8, "tier": pl.Utf8,
    "matched": pl.Utf8, "use": pl.Utf8, "use_reason": pl.Utf8, "obfuscated": pl.Utf8,
})
PART = pl.Struct({"text": pl.Utf8, "start": pl.Int64, "end": pl.Int64})
NAME_PARTS = pl.Struct({name: PART for name in ("region", "trade_name", "industry", "form", "branch")})
RESULT = {
    "record": pl.Int64, "credit_code": pl.Utf8, "key_kind": pl.Utf8, "registration_number": pl.Utf8,
    "name": pl.Utf8, "region": pl.Utf8,
    "region_source": pl.Utf8, "flagged": pl.Boolean, "attention": pl.Boolean, "use": pl.Utf8, "exempt": EXEMPT,
    "rejected": pl.Utf8, "name_parts": NAME_PARTS, "hits": pl.List(HIT),
}
SCREENED = {"record": pl.Int64, "flagged": pl.Boolean, "attention": pl.Boolean, "use": pl.Utf8, "exempt": EXEMPT,
            "name_parts": NAME_PARTS, "hits": pl.List(HIT)}


HIT_COLUMNS = tuple(f.name for f in HIT.fields)


def screened_frame(results: list[FirmResult]) -> pl.DataFrame:
    """The screened columns (record, flagged, attention, exempt, name_parts, hits) of full screenings.

    Built from flat columns (one row per hit) and nested by polars, which is much faster than
    building nested rows in Python."""
    hit_columns: dict[str, list] = {name: [] for name in ("record", *HIT_COLUMNS)}
    for result in results:
        for hit in result.hits:
            hit_columns["record"].append(result.record)
            for name in HIT_COLUMNS:
                hit_columns[name].append(getattr(hit, name))
    hits = pl.DataFrame(hit_columns, schema={"record": pl.Int64, **{f.name: f.dtype for f in HIT.fields}})
    nested = hits.group_by("record", maintain_order=True).agg(pl.struct(*HIT_COLUMNS).alias("hits"))
    firms = pl.DataFrame({
        "record": [r.record for r in results], "flagged": [r.flagged for r in results],
        "attention": [r.attention for r in results], "use": [r.use for r in results],
        "exempt": [r.exempt for r in results],
        "name_parts": [r.name_parts.as_dict() if r.name_parts else None for r in results],
    }, schema={name: dtype for name, dtype in SCREENED.items() if name != "hits"})
    joined = firms.join(nested, on="record", how="left", maintain_order="left")
    return joined.with_columns(pl.col("hits").fill_null(pl.lit([], dtype=pl.List(HIT)))).select(list(SCREENED))


def firm_result(row: dict) -> FirmResult:
    """A FirmResult from one row of a result frame."""
    hits = [Hit(**(hit | {"regulators": tuple(hit["regulators"] or ())})) for hit in row["hits"] or ()]
    return FirmResult(row["record"], row["credit_code"], row["name"], row["region"], row["region_source"],
                      row["flagged"], row["exempt"], row["rejected"], hits, bool(row.get("attention")),
                      NameParts.from_dict(row.get("name_parts")), row.get("use"), row.get("key_kind"),
                      row.get("registration_number"))
