"""The watch list: lifecycle (next_status), priority and hold (screening.store.watchlist)."""

from datetime import date, datetime

import polars as pl
import pytest

from screening.settings import get_settings
from screening.store import watchlist
from screening.rules.termlists import load_categories

PRIORITY = {name: c.priority for name, c in load_categories(get_settings().keywords_dir).items()}
PREVIOUS = (None, "new", "continuing", "changed", "cleared", "exempt", "missing")
CHANGES = ("new", "changed", "updated", "unchanged")

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


CASES = [(p, f, e, c, expected_status(p, f, e, c)) for p in PREVIOUS for f in (True, False) for e in (True, False)
         for c in CHANGES]
PARAMS = [pytest.param(*case, marks=[],
                       id=f"{case[0]}-{'flag' if case[1] else 'noflag'}-{'exempt' if case[2] else 'unlicensed'}-{case[3]}")
          for case in CASES]


def test_the_table_is_full():
    assert len(CASES) == 7 * 2 * 2 * 4
    assert {case[-1] for case in CASES} == {None, "new", "continuing", "changed", "cleared", "exempt"}


@pytest.mark.parametrize(("previous", "flagged", "exempt", "change", "status"), PARAMS)
def test_next_status(previous, flagged, exempt, change, status):
    assert watchlist.next_status(previous, flagged, exempt, change) == status


@pytest.mark.parametrize(
    ("old", "new", "change", "reason"),
    [
        (None, "new", "new", "first flagged"),
        ("new", "changed", "changed", "registration changed, still flagged"),
        ("continuing", "changed", "updated", "registration updated, still flagged"),
        ("cleared", "changed", "changed", "flagged again"),
        ("new", "continuing", "unchanged", "still flagged"),
        ("new", "cleared", "changed", "no counting hit after a change of registration"),
        ("new", "cleared", "unchanged", "no counting hit (lists changed)"),
        (None, "exempt", "new", "licensed institution"),
        ("new", "missing", "unchanged", "absent from a full extract"),
    ],
)
def test_status_reason(old, new, change, reason):
    assert watchlist.status_reason(old, new, change) == reason


# ---------------------------------------------------------------- priority


def entry(code: str, status: str = "new", abnormal: bool = False, category: str | None = "资产管理及跨界金融",
          hits: int = 1, hold: bool = False) -> dict:
    """A watch-list row with everything but priority."""
    row = {column: None for column in watchlist.WATCH_COLUMNS}
    return row | {"credit_code": code, "status": status, "cleared_after_change": False, "abnormal": abnormal,
                  "lead_category": category, "lead_regulator": "金融办" if category else None,
                  "category_rank": PRIORITY.get(category, 99) if category else None,
                  "counting_hits": hits, "hold": hold}


def prioritised(*rows: dict) -> pl.DataFrame:
    frame = pl.DataFrame(list(rows), schema=watchlist.watch_schema(), orient="row")
    return watchlist.with_priority(frame)


def order(frame: pl.DataFrame) -> list[str]:
    return frame.filter(pl.col("priority").is_not_null()).sort("priority")["credit_code"].to_list()


def test_category_priorities_are_the_shipped_ones():
    assert PRIORITY["P2P网络借贷"] < PRIORITY["股权众筹"] < PRIORITY["资产管理及跨界金融"] < PRIORITY["交易场所"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # abnormal first, whatever its category or number of hits
        ([entry("A", category="P2P网络借贷", hits=9), entry("B", abnormal=True, category="投资类企业", hits=1)],
         ["B", "A"]),
        # then the category's priority (P2P 1, 股权众筹 2, 资产管理及跨界金融 5, 交易场所 6)
        ([entry("A", category="交易场所", hits=5), entry("B", category="资产管理及跨界金融", hits=1),
          entry("C", category="P2P网络借贷", hits=1), entry("D", category="股权众筹", hits=3)],
         ["C", "D", "B", "A"]),
        # then more counting hits first
        ([entry("A", hits=1), entry("B", hits=3), entry("C", hits=2)], ["B", "C", "A"]),
        # a lead category the list does not know, or none (a held firm without counting hits), comes last
        ([entry("A", category=None, hits=0, hold=True), entry("B", category="未知类别", hits=4),
          entry("C", category="投资类企业", hits=1)], ["C", "B", "A"]),
        # ties are broken by credit code (a stable order from run to run)
        ([entry("C"), entry("A"), entry("B")], ["A", "B", "C"]),
        # the three keys together
        ([entry("A", category="P2P网络借贷", hits=2), entry("B", abnormal=True, category="交易场所", hits=1),
          entry("C", abnormal=True, category="交易场所", hits=2), entry("D", abnormal=True, category="P2P网络借贷"),
          entry("E", category="P2P网络借贷", hits=5), entry("F", category="交易场所", hits=9)],
         ["D", "C", "B", "E", "A", "F"]),
    ],
    ids=["abnormal-first", "category", "hits", "unknown-category-last", "tie-credit-code", "all-keys"],
)
def test_with_priority_order(rows, expected):
    result = prioritised(*rows)
    assert order(result) == expected
    assert sorted(result["priority"].drop_nulls().to_list()) == list(range(1, len(expected) + 1))


@pytest.mark.parametrize("inactive", ["cleared", "exempt", "missing"])
def test_inactive_entries_have_no_priority(inactive):
    result = prioritised(entry("A", status=inactive, abnormal=True, category="P2P网络借贷", hits=9),
                         entry("B", status="continuing"), entry("C", status="changed", hits=2))
    assert result.height == 3
    rows = {row["credit_code"]: row for row in result.iter_rows(named=True)}
    assert rows["A"]["priority"] is None and rows["A"]["priority_reason"] is None
    assert (rows["C"]["priority"], rows["B"]["priority"]) == (1, 2)


def test_priority_reason_explains_the_order():
    result = prioritised(entry("A", abnormal=True, category="P2P网络借贷", hits=2),
                         entry("B", category=None, hits=0, hold=True))
    reasons = dict(zip(result["credit_code"], result["priority_reason"]))
    assert reasons["A"].startswith("经营异常名录 first")
    assert "P2P网络借贷 → 金融办; 2 counting hits" in reasons["A"]
    assert "HOLD" not in reasons["A"]
    assert "经营异常" not in reasons["B"]
    assert "HOLD: moving in (迁入)" in reasons["B"]


def test_with_priority_of_an_empty_list():
    assert prioritised().is_empty()


# ---------------------------------------------------------------- one entry after screening


def screened(flagged=False, suspended=False, status="存续", exempt=None, change="new", hits=0, abnormal=False) -> dict:
    return {"credit_code": "91110108MA00000000", "name": "北京某某控股有限公司", "region": "110108",
            "flagged": flagged, "suspended_term": suspended, "status": status, "exempt": exempt, "change": change,
            "lead_regulator": "金融办" if hits else None, "lead_category": "投资类企业" if hits else None,
            "category_rank": 8 if hits else None, "counting_hits": hits, "abnormal_flag": abnormal, "version": 1, "content_hash": "c1"}


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
    result = watchlist.entry_after_screening(None, firm, run_id=3, as_of=date(2024, 5, 6))
    if status is None:
        assert result is None
        return
    assert result["status"] == status
    assert result["hold"] is hold
    assert result["first_flagged_run"] == 3 and result["first_flagged_on"] == date(2024, 5, 6)
    assert result["last_seen_run"] == 3 and set(result) == set(watchlist.WATCH_COLUMNS)


def test_entry_keeps_first_flagged_and_marks_cleared_after_change():
    old = {"status": "continuing", "first_flagged_run": 1, "first_flagged_on": date(2024, 1, 1)}
    cleared = watchlist.entry_after_screening(old, screened(change="changed"), 4, date(2024, 4, 4))
    assert (cleared["status"], cleared["cleared_after_change"]) == ("cleared", True)
    assert (cleared["first_flagged_run"], cleared["first_flagged_on"]) == (1, date(2024, 1, 1))
    assert (cleared["last_seen_run"], cleared["updated_run"]) == (4, 4)
    relisted = watchlist.entry_after_screening(old, screened(change="unchanged"), 4, date(2024, 4, 4))
    assert (relisted["status"], relisted["cleared_after_change"]) == ("cleared", False)


def test_update_missing_and_seen_again():
    previous = pl.DataFrame([entry("A", status="new") | {"updated_run": 1},
                             entry("B", status="changed") | {"updated_run": 1},
                             entry("C", status="cleared") | {"updated_run": 1}],
                            schema=watchlist.watch_schema(), orient="row")
    empty = pl.DataFrame(schema={"credit_code": pl.Utf8, "flagged": pl.Boolean})
    watch, audit = watchlist.update(previous, empty, unchanged={"A"}, missing={"B", "C"}, run_id=2,
                                    as_of=date(2024, 2, 2), now=datetime(2024, 2, 2, 1))
    statuses = dict(zip(watch["credit_code"], watch["status"]))
    assert statuses == {"A": "continuing", "B": "missing", "C": "cleared"}  # cleared firms are not "missing"
    assert sorted(audit.select("credit_code", "old_status", "new_status").rows()) == [
        ("A", "new", "continuing"), ("B", "changed", "missing")]
    assert watch.filter(pl.col("credit_code") == "A")["priority"].to_list() == [1]
