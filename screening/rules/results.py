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
FLAT_HIT_COLUMNS = tuple(name for name in HIT_COLUMNS if name != "regulators")
PART_NAMES = tuple(f.name for f in NAME_PARTS.fields)
FIRM_COLUMNS = {"record": pl.Int64, "flagged": pl.Boolean, "attention": pl.Boolean, "use": pl.Utf8,
                "exempt_reason": pl.Utf8, "exempt_evidence": pl.Utf8, "parsed": pl.Boolean,
                **{f"{part}_{field}": dtype for part in PART_NAMES
                   for field, dtype in (("text", pl.Utf8), ("start", pl.Int64), ("end", pl.Int64))}}


def screened_frame(results: list[FirmResult]) -> pl.DataFrame:
    """The screened columns (record, flagged, attention, exempt, name_parts, hits) of full screenings.

    Built from flat columns (one row per hit, one column per part of a name) and nested by polars:
    building nested rows in Python costs a conversion per value. Lists of regulators repeat (one per
    category), so each distinct one is converted once and gathered."""
    hit_columns: dict[str, list] = {name: [] for name in ("record", *HIT_COLUMNS)}
    regulator_lists: dict[tuple[str, ...], int] = {}
    for result in results:
        for hit in result.hits:
            hit_columns["record"].append(result.record)
            for name in FLAT_HIT_COLUMNS:
                hit_columns[name].append(getattr(hit, name))
            hit_columns["regulators"].append(regulator_lists.setdefault(hit.regulators, len(regulator_lists)))
    distinct = pl.Series("regulators", [list(each) for each in regulator_lists], dtype=pl.List(pl.Utf8))
    schema = {"record": pl.Int64, **{f.name: f.dtype for f in HIT.fields}, "regulators": pl.UInt32}
    hits = pl.DataFrame(hit_columns, schema=schema)
    hits = hits.with_columns(distinct.gather(hits.get_column("regulators")))
    nested = hits.group_by("record", maintain_order=True).agg(pl.struct(*HIT_COLUMNS).alias("hits"))
    firms = pl.DataFrame(firm_columns(results), schema=FIRM_COLUMNS).select(
        "record", "flagged", "attention", "use",
        pl.when(pl.col("exempt_reason").is_not_null()).then(
            pl.struct(reason="exempt_reason", evidence="exempt_evidence")).alias("exempt"),
        pl.when(pl.col("parsed")).then(pl.struct(**{part: pl.when(pl.col(f"{part}_text").is_not_null()).then(
            pl.struct(text=f"{part}_text", start=f"{part}_start", end=f"{part}_end")) for part in PART_NAMES}))
        .alias("name_parts"),
    ).cast({"exempt": EXEMPT, "name_parts": NAME_PARTS})
    joined = firms.join(nested, on="record", how="left", maintain_order="left")
    return joined.with_columns(pl.col("hits").fill_null(pl.lit([], dtype=pl.List(HIT)))).select(list(SCREENED))


def firm_columns(results: list[FirmResult]) -> dict[str, list]:
    """One flat column per verdict, exemption field and part of the name (``FIRM_COLUMNS``)."""
    columns: dict[str, list] = {name: [] for name in FIRM_COLUMNS}
    for r in results:
        for name, value in (("record", r.record), ("flagged", r.flagged), ("attention", r.attention), ("use", r.use),
                            ("exempt_reason", r.exempt and r.exempt["reason"]),
                            ("exempt_evidence", r.exempt and r.exempt["evidence"]), ("parsed", r.name_parts is not None)):
            columns[name].append(value)
        parts = r.name_parts.items() if r.name_parts else [(part, None) for part in PART_NAMES]
        for part, found in parts:
            columns[f"{part}_text"].append(found and found.text)
            columns[f"{part}_start"].append(found and found.start)
            columns[f"{part}_end"].append(found and found.end)
    return columns


def firm_result(row: dict) -> FirmResult:
    """A FirmResult from one row of a result frame."""
    hits = [Hit(**(hit | {"regulators": tuple(hit["regulators"] or ())})) for hit in row["hits"] or ()]
    return FirmResult(row["record"], row["credit_code"], row["name"], row["region"], row["region_source"],
                      row["flagged"], row["exempt"], row["rejected"], hits, bool(row.get("attention")),
                      NameParts.from_dict(row.get("name_parts")), row.get("use"), row.get("key_kind"),
                      row.get("registration_number"))
