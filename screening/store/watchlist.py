"""The watch list of key supervision targets (重点监管对象): lifecycle, priority and hold, in SQL.

new → continuing; changed (the registration changed and still hits); cleared (it no longer
hits; "after change" when its registration changed, so renamed evaders stay visible); exempt
(a licensed institution: never an active entry); missing (absent from a full extract). A firm
moving in (迁入) with a term of a Beijing suspension list is held (京政办发〔2016〕24号 三(一)).

The lifecycle is ``sql/run/watch_*.sql``, run in the commit's transaction over the run's results;
only the entries the run touches are rewritten. The order is the view ``v_watch_priority``
(abnormal-operations list first, then 延伸监管, hidden words, claims by category rank and counting
hits, mention-only firms last), live in the views and stored in ``watchlist.priority`` by each run.
Per screened firm, :func:`summarise` sums the hits up on the worker that screened it.
"""

import polars as pl

from screening.rules.screener import SUSPENSION_WHY
from screening.store.sqlfiles import statement

ACTIVE = ("new", "continuing", "changed")
PLANS_TIER = "重点监管"
UNRANKED = 99  # a lead category the lists do not rank (or none, for a held firm) comes last (as in v_watch_priority)
SUMMARY = {"credit_code": pl.Utf8, "counting_hits": pl.Int32, "lead_category": pl.Utf8, "category_rank": pl.Int32,
           "lead_regulator": pl.Utf8, "obfuscated": pl.Boolean, "suspended_term": pl.Boolean}


def summarise(results: pl.DataFrame, category_priority: dict[str, int]) -> pl.DataFrame:
    """Per screened firm: counting hits of the plans' lists, lead category with its rank (from the screener's
    loaded lists), lead regulator, whether a counting hit was hidden, and any suspension hit."""
    hits = results.select("credit_code", "hits").explode("hits").drop_nulls("hits").unnest("hits")
    if hits.is_empty():
        return pl.DataFrame(schema=SUMMARY)
    rank = pl.col("category").replace_strict(category_priority, default=UNRANKED, return_dtype=pl.Int32)
    plans = pl.col("tier") == PLANS_TIER  # the watch list of record follows the plans, not the extended tier
    counting = hits.filter(pl.col("counts") & plans).with_columns(rank.alias("rank"))
    lead = counting.sort("credit_code", "rank", "start").group_by("credit_code").agg(
        pl.len().cast(pl.Int32).alias("counting_hits"), pl.col("category").first().alias("lead_category"),
        pl.col("rank").first().alias("category_rank"), pl.col("regulator").first().alias("lead_regulator"),
        pl.col("obfuscated").is_not_null().any().alias("obfuscated"))
    suspended = hits.filter((pl.col("action") == "suspend") & (pl.col("why") == SUSPENSION_WHY)).select(
        "credit_code").unique().with_columns(pl.lit(True).alias("suspended_term"))
    return lead.join(suspended, on="credit_code", how="full", coalesce=True).with_columns(
        pl.col("counting_hits").fill_null(0), pl.col("suspended_term").fill_null(False),
        pl.col("obfuscated").fill_null(False)).select(list(SUMMARY))


def update(con, run_id: int, as_of, now) -> None:
    """The run's watch-list changes, their audit rows and the new numbering (in the commit's transaction:
    ``run_results``, ``staging.firms`` and ``staging.missing`` are there)."""
    params = {"run_id": run_id, "as_of": as_of}
    con.execute(statement("watch_next"), params)
    con.execute(statement("watch_audit"), {"run_id": run_id, "now": now})
    con.execute(statement("watch_remove_touched"))
    con.execute(statement("watch_insert_touched"))
    number(con)


def number(con) -> None:
    """Store each entry's place in the order of ``v_watch_priority`` (inactive entries: none)."""
    con.execute(statement("watch_number"))
