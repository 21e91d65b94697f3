"""The watch list: lifecycle, priority and hold (screening.store.watchlist, sql/run/watch_*.sql, v_watch_priority)."""

from datetime import date, datetime

import polars as pl
import pytest

from screening.settings import get_settings
from screening.store import watchlist
from screening.store.parts import with_hold
from screening.store.sqlfiles import statement
from screening.rules.termlists import load_categories
from store_sql import store_db

PRIORITY = {name: c.priority for name, c in load_categories(get_settings().keywords_dir).items()}
PREVIOUS = (None, "new", "continuing", "changed", "cleared", "exempt", "missing")
CHANGES = ("new", "changed", "updated", "unchanged")
RUN, AS_OF, NOW = 2, date(2024, 2, 2), datetime(2024, 2, 2, 1)

# What the lifecycle says, not exempt: previous -> (flagged and the record is the same,
# flagged and the record changed or was updated, no longer flagged).
LIFECYCLE = {
    None: ("new", "new", None),
    "new": ("continuing", "changed", "cleared"),
    "continuing": ("continuing", "changed", "cleared"),
    "changed": ("continuing", "changed", "cleared"),
    "cleared": ("changed", "changed", "cleared"),  # flagged again
    "exempt": ("changed", "changed", "exempt"),
    "missing": ("changed", "changed", "cleared"),  # screened again (it is back, or the lists changed)
}


def expected_status(previous, flagged, exempt, change):
    if exempt:  # a licensed institution: exempt, whether or not it hits; never put on the list afresh unhit
        return "exempt" if previous is not None or flagged else None
    same, changed, unflagged = LIFECYCLE[previous]
    if not flagged:
        return unflagged
    return changed if change in ("changed", "updated") else same


def entry(code: str, status: str = "new", abnormal: bool = False, category: str | None = "资产管理及跨界金融",
          hits: int = 1, hold: bool = False, use: str | None = "claim", obfuscated: bool = False, **more) -> dict:
    """A watch-list row."""
    return {"credit_code": code, "status": status, "cleared_after_change": False, "abnormal": abnormal,
            "lead_category": category, "lead_regulator": "金融办" if category else None,
            "category_rank": PRIORITY.get(category, 99) if category else None, "counting_hits": hits, "hold": hold,
            "use": use, "obfuscated": obfuscated, "version": 1, "content_hash": f"c-{code}", "first_flagged_run": 1,
            "first_flagged_on": date(2024, 1, 1), "last_seen_run": 1, "last_seen_on": date(2024, 1, 1),
            "updated_run": 1} | more


def screened(code: str = "F", flagged=False, suspended=False, status="存续", exempt=None, change="new", hits=0,
             abnormal=False) -> dict:
    """A screened firm as the run's results carry it (the worker's summary and hold)."""
    return {"credit_code": code, "name": "北京某某控股有限公司", "region": "110108", "flagged": flagged,
            "suspended_term": suspended, "status": status, "exempt_reason": exempt, "change": change,
            "lead_regulator": "金融办" if hits else None, "lead_category": "投资类企业" if hits else None,
            "category_rank": 8 if hits else None, "counting_hits": hits, "abnormal_flag": abnormal, "version": 1,
            "content_hash": f"c-{code}", "use": "claim" if flagged else None, "obfuscated": False}


def run_lifecycle(previous: list[dict], results: list[dict], unchanged=(), missing=()) -> tuple[dict, dict]:
    """(watch list by credit code, audit rows by credit code) after run 2 over ``previous``."""
    staged = pl.DataFrame([{"credit_code": r["credit_code"], "version": 1, "change": r["change"]} for r in results] +
                          [{"credit_code": c, "version": 1, "change": "unchanged"} for c in unchanged],
                          schema={"credit_code": pl.Utf8, "version": pl.Int32, "change": pl.Utf8})
    con = store_db(staged, missing)
    for row in previous:
        con.execute("insert into watchlist by name select * from (select unnest([$row], recursive := true))",
                    {"row": row})
    con.execute(statement("commit_results_empty"))
    if results:
        frame = with_hold(pl.DataFrame(results, infer_schema_length=None))
        con.register("results", frame.to_arrow())
        con.execute("insert into run_results by name select * from results")
    watchlist.update(con, RUN, AS_OF, NOW)
    watch = {r["credit_code"]: r for r in con.sql("select * from watchlist").pl().iter_rows(named=True)}
    audit = {r[0]: r[1:] for r in con.execute("select credit_code, old_status, new_status, reason from audit").fetchall()}
    return watch, audit


# ---------------------------------------------------------------- lifecycle

CASES = [(p, f, e, c, expected_status(p, f, e, c)) for p in PREVIOUS for f in (True, False) for e in (True, False)
         for c in CHANGES]


def case_id(case) -> str:
    return f"{case[0]}-{'flag' if case[1] else 'noflag'}-{'exempt' if case[2] else 'unlicensed'}-{case[3]}"


def test_the_table_is_full():
    assert len(CASES) == 7 * 2 * 2 * 4
    assert {case[-1] for case in CASES} == {None, "new", "continuing", "changed", "cleared", "exempt"}


def test_next_status_of_every_case_at_once():
    """All 112 cases in one run: each a firm with its previous entry, flagged or not, licensed or not, changed
    or not. A licensed firm is never flagged; 'flagged' means it uses the words (counting hits)."""
    previous, results, codes = [], [], {}
    for i, (old, flagged, exempt, change, _) in enumerate(CASES):
        code = f"F{i:03d}"
        codes[code] = CASES[i]
        if old:
            previous.append(entry(code, status=old))
        results.append(screened(code, flagged=flagged and not exempt, exempt="持牌" if exempt else None, change=change,
                                hits=1 if flagged else 0))
    watch, audit = run_lifecycle(previous, results)
    for code, (old, flagged, exempt, change, expected) in codes.items():
        found = watch.get(code, {}).get("status")
        assert found == expected, (case_id(codes[code]), found)
        if expected is not None and expected != old:
            assert audit[code][:2] == (old, expected), case_id(codes[code])
        else:
            assert code not in audit, case_id(codes[code])
        if expected is not None:  # every screened firm with an entry is seen by this run
            assert (watch[code]["last_seen_run"], watch[code]["updated_run"]) == (RUN, RUN)
    assert all(row["status"] not in watchlist.ACTIVE for row in watch.values()
               if codes[row["credit_code"]][2]), "a licensed firm is never an active entry"


@pytest.mark.parametrize(
    ("old", "result", "reason"),
    [
        (None, screened(flagged=True, hits=1), "first flagged"),
        ("new", screened(flagged=True, hits=1, change="changed"), "registration changed, still flagged"),
        ("continuing", screened(flagged=True, hits=1, change="updated"), "registration updated, still flagged"),
        ("cleared", screened(flagged=True, hits=1, change="changed"), "flagged again"),
        ("new", screened(flagged=True, hits=1, change="unchanged"), "still flagged"),
        ("new", screened(change="changed"), "no counting hit after a change of registration"),
        ("new", screened(change="unchanged"), "no counting hit (lists changed)"),
        (None, screened(exempt="持牌", hits=1), "licensed institution"),
    ],
)
def test_status_reason(old, result, reason):
    _, audit = run_lifecycle([entry("F", status=old)] if old else [], [result])
    assert audit["F"][2] == reason


# ---------------------------------------------------------------- one entry after screening


@pytest.mark.parametrize(
    ("firm", "status", "hold"),
    [
        (screened(suspended=True, status="迁入"), "new", True),
        (screened(suspended=True, status="迁入（由外省迁入）"), "new", True),
        (screened(suspended=True, status="存续"), None, False),  # existing firms are not held
        (screened(suspended=False, status="迁入"), None, False),  # moving in without a suspension term
        (screened(flagged=True, hits=1, suspended=True, status="迁入"), "new", True),
        (screened(flagged=True, hits=1, suspended=False, status="迁入"), "new", False),
        (screened(flagged=True, hits=1, suspended=True, status=None), "new", False),
    ],
    ids=["move-in-suspended", "move-in-long-status", "existing", "move-in-clean", "flagged-and-held",
         "flagged-not-held", "no-status"],
)
def test_entry_hold(firm, status, hold):
    watch, _ = run_lifecycle([], [firm])
    if status is None:
        assert watch == {}
        return
    row = watch["F"]
    assert (row["status"], row["hold"]) == (status, hold)
    assert row["first_flagged_run"] == RUN and row["first_flagged_on"] == AS_OF
    assert row["last_seen_run"] == RUN and row["last_seen_on"] == AS_OF


def test_entry_keeps_first_flagged_and_marks_cleared_after_change():
    old = entry("F", status="continuing")
    watch, _ = run_lifecycle([old], [screened(change="changed")])
    assert (watch["F"]["status"], watch["F"]["cleared_after_change"]) == ("cleared", True)
    assert (watch["F"]["first_flagged_run"], watch["F"]["first_flagged_on"]) == (1, date(2024, 1, 1))
    assert (watch["F"]["last_seen_run"], watch["F"]["updated_run"]) == (RUN, RUN)
    watch, _ = run_lifecycle([old], [screened(change="unchanged")])
    assert (watch["F"]["status"], watch["F"]["cleared_after_change"]) == ("cleared", False)
    kept = entry("F", status="cleared", cleared_after_change=True)  # a firm that stays cleared keeps its reason
    watch, _ = run_lifecycle([kept], [screened(change="unchanged")])
    assert (watch["F"]["status"], watch["F"]["cleared_after_change"]) == ("cleared", True)


def test_missing_and_seen_again():
    previous = [entry("A", status="new"), entry("B", status="changed"), entry("C", status="cleared"),
                entry("D", status="missing"), entry("E", status="continuing")]
    watch, audit = run_lifecycle(previous, [], unchanged={"A", "D"}, missing={"B", "C"})
    statuses = {code: row["status"] for code, row in watch.items()}
    assert statuses == {"A": "continuing", "B": "missing", "C": "cleared", "D": "continuing", "E": "continuing"}
    assert {code: row[:2] for code, row in audit.items()} == {
        "A": ("new", "continuing"), "B": ("changed", "missing"), "D": ("missing", "continuing")}
    assert audit["D"][2] == "present again after missing from a full extract"
    assert (watch["A"]["last_seen_run"], watch["A"]["updated_run"]) == (RUN, 1)  # ageing is not news
    assert (watch["D"]["last_seen_run"], watch["D"]["updated_run"]) == (RUN, RUN)  # back: news
    assert (watch["B"]["last_seen_run"], watch["B"]["updated_run"]) == (1, RUN)
    assert watch["E"]["last_seen_run"] == 1  # not in this extract, not missing (partial extract): as it was
    assert [watch[c]["priority"] for c in "ADEB"] == [1, 2, 3, None]


def test_a_screened_firm_absent_from_a_full_extract_is_missing():
    """A term list changed: stored firms the extract lacks are screened again, and missing all the same."""
    watch, audit = run_lifecycle([entry("A", status="continuing")], [screened("A", flagged=True, hits=1,
                                                                              change="unchanged")], missing={"A"})
    assert watch["A"]["status"] == "missing" and audit["A"][:2] == ("continuing", "missing")


# ---------------------------------------------------------------- priority


def prioritised(*rows: dict, confirmed_related: tuple[str, ...] = ()) -> list[tuple]:
    """(credit code, priority, reason) of v_watch_priority over ``rows``, in order."""
    con = store_db()
    for row in rows:
        con.execute("insert into watchlist by name select * from (select unnest([$row], recursive := true))",
                    {"row": row})
    for i, code in enumerate(confirmed_related):  # each shares a person with a confirmed firm
        con.execute("insert into person_links (person_key, person_name, role, credit_code, version, run_id) values "
                    "(?, '张三', 'legal_rep', ?, 1, 1), (?, '张三', 'legal_rep', ?, 1, 1)",
                    [f"p{i}", code, f"p{i}", f"CONFIRMED{i}"])
        con.execute("insert into decisions_db.decisions values (?, ?, 'confirm', '核实', 'x', now(), 'h', 'new')",
                    [i + 1, f"CONFIRMED{i}"])
    return con.execute("select credit_code, priority, priority_reason from v_watch_priority order by priority").fetchall()


def order(*rows, **options) -> list[str]:
    found = prioritised(*rows, **options)
    assert [p for _, p, _ in found] == list(range(1, len(found) + 1))
    return [code for code, _, _ in found]


def test_category_priorities_are_the_shipped_ones():
    assert PRIORITY["P2P网络借贷"] < PRIORITY["股权众筹"] < PRIORITY["资产管理及跨界金融"] < PRIORITY["交易场所"]


@pytest.mark.parametrize(
    ("rows", "related", "expected"),
    [
        # abnormal first, whatever its category or number of hits
        ([entry("A", category="P2P网络借贷", hits=9), entry("B", abnormal=True, category="投资类企业", hits=1)], (),
         ["B", "A"]),
        # then the category's priority (P2P 1, 股权众筹 2, 资产管理及跨界金融 5, 交易场所 6)
        ([entry("A", category="交易场所", hits=5), entry("B", category="资产管理及跨界金融", hits=1),
          entry("C", category="P2P网络借贷", hits=1), entry("D", category="股权众筹", hits=3)], (),
         ["C", "D", "B", "A"]),
        # then more counting hits first
        ([entry("A", hits=1), entry("B", hits=3), entry("C", hits=2)], (), ["B", "C", "A"]),
        # a lead category the list does not know, or none (a held firm without counting hits), comes last
        ([entry("A", category=None, hits=0, hold=True, use=None), entry("B", category="未知类别", hits=4),
          entry("C", category="投资类企业", hits=1)], (), ["C", "B", "A"]),
        # ties are broken by credit code (a stable order from run to run)
        ([entry("C"), entry("A"), entry("B")], (), ["A", "B", "C"]),
        # 延伸监管 right after the abnormal firms
        ([entry("A", category="P2P网络借贷", hits=9), entry("B", category="交易场所"), entry("C", abnormal=True)],
         ("B",), ["C", "B", "A"]),
        # a hidden word (obfuscated counting hit) after 延伸监管, before the other claims
        ([entry("A", category="P2P网络借贷", hits=9), entry("B", category="交易场所", obfuscated=True),
          entry("C", category="交易场所", obfuscated=True, use="mention"), entry("D")], (), ["B", "C", "A", "D"]),
        # mention-only firms after every claim, whatever their category or hits; a null use counts as a claim
        ([entry("A", category="P2P网络借贷", hits=9, use="mention"), entry("B", category="交易场所", use=None),
          entry("C", category="交易场所", hits=3), entry("D", use="mention", hits=2)], (), ["C", "B", "A", "D"]),
        # the keys together
        ([entry("A", category="P2P网络借贷", hits=2), entry("B", abnormal=True, category="交易场所", hits=1),
          entry("C", abnormal=True, category="交易场所", hits=2), entry("D", abnormal=True, category="P2P网络借贷"),
          entry("E", category="P2P网络借贷", hits=5), entry("F", category="交易场所", hits=9),
          entry("G", abnormal=True, use="mention", category="P2P网络借贷"), entry("H", use="mention"),
          entry("I", category="交易场所", obfuscated=True), entry("J", category="交易场所")],
         ("J",), ["D", "C", "B", "G", "J", "I", "E", "A", "F", "H"]),
    ],
    ids=["abnormal-first", "category", "hits", "unknown-category-last", "tie-credit-code", "related-after-abnormal",
         "hidden-words", "mentions-last", "all-keys"],
)
def test_priority_order(rows, related, expected):
    assert order(*rows, confirmed_related=related) == expected


@pytest.mark.parametrize("inactive", ["cleared", "exempt", "missing"])
def test_inactive_entries_have_no_priority(inactive):
    found = prioritised(entry("A", status=inactive, abnormal=True, category="P2P网络借贷", hits=9),
                        entry("B", status="continuing"), entry("C", status="changed", hits=2))
    assert [(code, priority) for code, priority, _ in found] == [("C", 1), ("B", 2)]


def test_priority_reason_says_why_in_chinese():
    reasons = {code: reason for code, _, reason in prioritised(
        entry("A", abnormal=True, category="P2P网络借贷", hits=2), entry("B", category=None, hits=0, hold=True, use=None),
        entry("C", obfuscated=True, use="mention"), entry("D"), confirmed_related=("D",))}
    assert reasons["A"].startswith("经营异常名录优先（沪府办〔2016〕46号 附件3 五(一)）")
    assert "类别：P2P网络借贷（第1位） → 金融办；命中数：2" in reasons["A"]
    assert "暂停" not in reasons["A"] and "延伸监管" not in reasons["A"] and "仅提及" not in reasons["A"]
    assert reasons["B"].startswith("类别：无（未排位）") and "暂停：迁入" in reasons["B"] and "经营异常" not in reasons["B"]
    assert reasons["C"].startswith("隐藏字样") and "仅提及" in reasons["C"]
    assert reasons["D"].startswith("延伸监管")


def test_priority_of_an_empty_list():
    assert prioritised() == []
