"""The watch list of key supervision targets (重点监管对象): lifecycle, priority and hold.

new → continuing; changed (the registration changed and still hits); cleared (it no longer
hits; "after change" when its registration changed, so renamed evaders stay visible); exempt
(a licensed institution); missing (absent from a full extract). Priority: firms on the
abnormal-operations list first (沪府办〔2016〕46号 附件3 五(一)), then by the lead regulator's
category and the number of counting hits. A firm moving in (迁入) with a term of a Beijing
suspension list is held (京政办发〔2016〕24号 三(一)).
"""

import polars as pl

from screening.rules.screener import SUSPENSION_WHY

ACTIVE = ("new", "continuing", "changed")
PLANS_TIER = "重点监管"
RELATED_REASON = "延伸监管: shares a legal representative or shareholder with a confirmed firm (沪府办〔2016〕46号 附件8 四(二)4); "
UNRANKED = 99  # a lead category the lists do not rank (or none, for a held firm) comes last
SUMMARY = {"credit_code": pl.Utf8, "counting_hits": pl.Int32, "lead_category": pl.Utf8, "category_rank": pl.Int32,
           "lead_regulator": pl.Utf8, "suspended_term": pl.Boolean}


def summarise(results: pl.DataFrame, category_priority: dict[str, int]) -> pl.DataFrame:
    """Per screened firm: counting hits, lead category with its rank (from the screener's loaded lists),
    lead regulator, and any suspension hit."""
    hits = results.select("credit_code", "hits").explode("hits").drop_nulls("hits").unnest("hits")
    if hits.is_empty():
        return pl.DataFrame(schema=SUMMARY)
    rank = pl.col("category").replace_strict(category_priority, default=UNRANKED, return_dtype=pl.Int32)
    plans = pl.col("tier") == PLANS_TIER  # the watch list of record follows the plans, not the extended tier
    counting = hits.filter(pl.col("counts") & plans).with_columns(rank.alias("rank"))
    lead = counting.sort("credit_code", "rank", "start").group_by(
        "credit_code").agg(pl.len().cast(pl.Int32).alias("counting_hits"), pl.col("category").first().alias("lead_category"),
                           pl.col("rank").first().alias("category_rank"), pl.col("regulator").first().alias("lead_regulator"))
    suspended = hits.filter((pl.col("action") == "suspend") & (pl.col("why") == SUSPENSION_WHY)).select(
        "credit_code").unique().with_columns(pl.lit(True).alias("suspended_term"))
    return lead.join(suspended, on="credit_code", how="full", coalesce=True).with_columns(
        pl.col("counting_hits").fill_null(0), pl.col("suspended_term").fill_null(False)).select(list(SUMMARY))


def next_status(previous: str | None, flagged: bool, exempt: bool, change: str) -> str | None:
    """The watch-list status after a screening (None: the firm stays off the list)."""
    if exempt:
        return "exempt" if previous or flagged else None
    if flagged:
        if previous is None:
            return "new"
        if previous not in ACTIVE or change in ("changed", "updated"):
            return "changed"
        return "continuing"
    if previous in ACTIVE or previous == "missing":
        return "cleared"
    return previous


def status_reason(old: str | None, new: str, change: str) -> str:
    """Why the status changed, for the audit table."""
    if new == "cleared":
        return "no counting hit after a change of registration" if change != "unchanged" else "no counting hit (lists changed)"
    return {"new": "first flagged", "changed": f"registration {change}, still flagged" if old in ACTIVE
            else "flagged again", "continuing": "still flagged", "exempt": "licensed institution",
            "missing": "absent from a full extract"}.get(new, new) if not (old == "missing" and new == "continuing") \
        else "present again after missing from a full extract"


def with_priority(watch: pl.DataFrame, related: frozenset[str] = frozenset()) -> pl.DataFrame:
    """Number the active entries: abnormal first, then firms sharing a person with a confirmed firm
    (``related``, 延伸监管), then category rank (kept with each entry), then counting hits (1 = first)."""
    rank = pl.col("category_rank").fill_null(UNRANKED)
    linked = pl.col("credit_code").is_in(list(related))
    active = watch.filter(pl.col("status").is_in(ACTIVE)).with_columns(
        rank.alias("rank_order"), linked.alias("related_rank")).sort(
        pl.col("abnormal").not_(), pl.col("related_rank").not_(), "rank_order", pl.col("counting_hits"),
        "credit_code", descending=[False, False, False, True, False])
    reason = pl.concat_str([
        pl.when(pl.col("abnormal")).then(pl.lit("经营异常名录 first (沪府办〔2016〕46号 附件3 五(一)); ")).otherwise(pl.lit("")),
        pl.when(pl.col("related_rank")).then(pl.lit(RELATED_REASON)).otherwise(pl.lit("")),
        pl.col("lead_category").fill_null("-"), pl.lit(" → "), pl.col("lead_regulator").fill_null("-"),
        pl.lit("; "), pl.col("counting_hits").cast(pl.Utf8), pl.lit(" counting hits"),
        pl.when(pl.col("hold")).then(pl.lit("; HOLD: moving in (迁入) with a Beijing suspension-list term")).otherwise(pl.lit("")),
    ])
    numbered = active.with_columns(pl.int_range(1, active.height + 1).cast(pl.Int32).alias("priority"),
                                   reason.alias("priority_reason")).drop("rank_order", "related_rank")
    inactive = watch.filter(~pl.col("status").is_in(ACTIVE)).with_columns(
        pl.lit(None, pl.Int32).alias("priority"), pl.lit(None, pl.Utf8).alias("priority_reason"))
    return pl.concat([numbered, inactive.select(numbered.columns)])


WATCH_COLUMNS = ("credit_code", "status", "cleared_after_change", "name", "region", "lead_regulator", "lead_category",
                 "category_rank", "counting_hits", "abnormal", "hold", "priority", "priority_reason", "version", "content_hash",
                 "first_flagged_run", "first_flagged_on", "last_seen_run", "last_seen_on", "updated_run")
AUDIT = {"run_id": pl.Int64, "credit_code": pl.Utf8, "changed_at": pl.Datetime("us"), "old_status": pl.Utf8,
         "new_status": pl.Utf8, "reason": pl.Utf8}


def entry_after_screening(old: dict | None, firm: dict, run_id: int, as_of) -> dict | None:
    """The watch-list row of a screened firm after this run (None: not on the list)."""
    hold = bool(firm["suspended_term"]) and "迁入" in (firm["status"] or "")
    watched = bool(firm["flagged"]) or hold
    exempt = firm["exempt"] is not None
    listed = watched or (exempt and bool(firm["counting_hits"]))  # a licensed firm using the words: kept as exempt
    status = next_status(old["status"] if old else None, listed, exempt, firm["change"])
    if status is None:
        return None
    first_run = old["first_flagged_run"] if old and old["first_flagged_run"] else (run_id if watched else None)
    return {
        "credit_code": firm["credit_code"], "status": status,
        "cleared_after_change": cleared_after_change(old, status, firm["change"]),
        "name": firm["name"], "region": firm["region"], "lead_regulator": firm["lead_regulator"],
        "lead_category": firm["lead_category"], "category_rank": firm["category_rank"], "counting_hits": firm["counting_hits"] or 0,
        "abnormal": bool(firm["abnormal_flag"]), "hold": hold, "priority": None, "priority_reason": None,
        "version": firm["version"], "content_hash": firm["content_hash"], "first_flagged_run": first_run,
        "first_flagged_on": old["first_flagged_on"] if old and old["first_flagged_run"] else (as_of if watched else None),
        "last_seen_run": run_id, "last_seen_on": as_of, "updated_run": run_id,
    }


def cleared_after_change(old: dict | None, status: str, change: str) -> bool:
    """Cleared because the registration changed; a firm that stays cleared keeps its reason."""
    if status != "cleared":
        return False
    if old and old["status"] == "cleared":
        return bool(old["cleared_after_change"])
    return change != "unchanged"


def seen_again(old: dict, run_id: int, as_of) -> dict:
    """An unchanged firm on the list: new, changed or missing → continuing, and it was seen today."""
    status = "continuing" if old["status"] in ("new", "changed", "missing") else old["status"]
    substantive = old["status"] == "missing"  # new/changed → continuing is ageing, not news for a hand-off
    return old | {"status": status, "last_seen_run": run_id, "last_seen_on": as_of,
                  "updated_run": run_id if substantive else old["updated_run"]}


def update(previous: pl.DataFrame, screened: pl.DataFrame, unchanged: set[str], missing: set[str], run_id: int,
           as_of, now, related: frozenset[str] = frozenset()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the whole watch list after this run, the audit rows of its status changes)."""
    entries = {row["credit_code"]: row for row in previous.iter_rows(named=True)}
    before = {code: row["status"] for code, row in entries.items()}
    changes: dict[str, str] = {}
    for firm in screened.iter_rows(named=True):
        old = entries.get(firm["credit_code"])
        if not (firm["flagged"] or firm["suspended_term"] or old or firm["counting_hits"]):
            continue
        new = entry_after_screening(old, firm, run_id, as_of)
        if new:
            entries[firm["credit_code"]] = new
            changes[firm["credit_code"]] = firm["change"]
    for code in unchanged & entries.keys():
        entries[code] = seen_again(entries[code], run_id, as_of)
    for code in missing & entries.keys():
        if entries[code]["status"] in ACTIVE:
            entries[code] = entries[code] | {"status": "missing", "updated_run": run_id}
    audit = [{"run_id": run_id, "credit_code": code, "changed_at": now, "old_status": before.get(code),
              "new_status": row["status"], "reason": status_reason(before.get(code), row["status"],
                                                                   changes.get(code, "unchanged"))}
             for code, row in entries.items() if row["status"] != before.get(code)]
    watch = pl.DataFrame(list(entries.values()), schema=watch_schema(), orient="row") if entries else pl.DataFrame(
        schema=watch_schema())
    return with_priority(watch, related), pl.DataFrame(audit, schema=AUDIT)


def watch_schema() -> dict:
    """Polars schema of the watch list."""
    text, integer, run = pl.Utf8, pl.Int32, pl.Int64
    types = {"cleared_after_change": pl.Boolean, "category_rank": integer, "counting_hits": integer, "abnormal": pl.Boolean, "hold": pl.Boolean,
             "priority": integer, "version": integer, "first_flagged_run": run, "first_flagged_on": pl.Date,
             "last_seen_run": run, "last_seen_on": pl.Date, "updated_run": run}
    return {column: types.get(column, text) for column in WATCH_COLUMNS}
