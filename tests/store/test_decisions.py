"""Analysts' decisions: screening.store.decisions.decide and `regscreen decide`."""

from datetime import date, datetime
from pathlib import Path

import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.errors import DecisionError
from screening.store.decisions import decide
from screening.store.scan import scan


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


FLAGGED = code("91310115MA0000001")
OTHER = code("91310115MA0000002")
PLAIN = code("91310115MA0000003")
HEADER = ["企业名称", "统一社会信用代码", "经营范围"]


@pytest.fixture
def store(tmp_path, screener) -> Path:
    db = tmp_path / "store.duckdb"
    extract = write_csv(tmp_path / "extract.csv", [HEADER, ["上海甲投资管理有限公司", FLAGGED, "投资管理"],
                                                   ["上海乙理财顾问有限公司", OTHER, "理财咨询"],
                                                   ["上海丙科技有限公司", PLAIN, "技术开发"]])
    scan(extract, db, screener, as_of=date(2024, 1, 1))
    return db


def counts(db: Path) -> tuple[int, int]:
    return query(db, "select (select count(*) from decisions), (select count(*) from v_audit)")[0]


@pytest.mark.parametrize(
    ("firm", "decision", "reason", "by", "message"),
    [
        (PLAIN, "confirm", "核实", "王五", "not on the watch list"),
        (code("91310115MA0000009"), "confirm", "核实", "王五", "not on the watch list"),
        ("", "confirm", "核实", "王五", "not on the watch list"),
        (FLAGGED, "approve", "核实", "王五", "decision must be one of confirm, dismiss, refer"),
        (FLAGGED, "Confirm", "核实", "王五", "decision must be one of"),
        (FLAGGED, "", "核实", "王五", "decision must be one of"),
        (FLAGGED, "confirm", "", "王五", "needs a reason"),
        (FLAGGED, "confirm", "   ", "王五", "needs a reason"),
        (FLAGGED, "confirm", "核实", "", "who took it"),
        (FLAGGED, "confirm", "核实", " \t", "who took it"),
    ],
    ids=["not-on-list", "unknown-firm", "empty-code", "bad-decision", "capitalised", "empty-decision",
         "empty-reason", "blank-reason", "empty-by", "blank-by"],
)
def test_decide_validation(store, firm, decision, reason, by, message):
    before = counts(store)
    with pytest.raises(DecisionError, match=message):
        decide(store, firm, decision, reason, by)
    assert counts(store) == before


@pytest.mark.parametrize("decision", ["confirm", "dismiss", "refer"])
def test_decision_recorded_with_content_hash_and_audit(store, decision):
    start = datetime.now()
    row = decide(store, f"  {FLAGGED.lower()} ", decision, " 经核实从事投资管理 ", " 张三 ")
    assert row["credit_code"] == FLAGGED and row["decision"] == decision and row["decision_id"] == 1
    assert (row["reason"], row["decided_by"]) == ("经核实从事投资管理", "张三")
    content_hash = query(store, "select content_hash from watchlist where credit_code = ?", [FLAGGED])[0][0]
    assert query(store, "select content_hash from v_firms_latest where credit_code = ?", [FLAGGED]) == [(content_hash,)]
    stored = query(store, "select decision_id, credit_code, decision, reason, decided_by, decided_at, content_hash "
                          "from decisions")
    assert len(stored) == 1
    assert stored[0][:5] == (1, FLAGGED, decision, "经核实从事投资管理", "张三")
    assert start <= stored[0][5] <= datetime.now() and stored[0][6] == content_hash
    audit = query(store, "select run_id, credit_code, old_status, new_status, reason from v_audit "
                         "where reason like 'decision%'")
    assert audit == [(None, FLAGGED, "new", "new", f"decision {decision} by 张三: 经核实从事投资管理")]


def test_decisions_are_numbered_and_the_latest_applies(store):
    decide(store, FLAGGED, "refer", "移交金融办", "张三")
    decide(store, OTHER, "dismiss", "理财咨询为培训", "李四")
    third = decide(store, FLAGGED, "confirm", "金融办确认", "王五")
    assert third["decision_id"] == 3
    shown = dict((r[0], r[1:]) for r in query(store, "select credit_code, decision, decided_by from v_watchlist_current"))
    assert shown == {FLAGGED: ("confirm", "王五"), OTHER: ("dismiss", "李四")}
    assert query(store, "select count(*) from v_review_queue") == [(0,)]
    assert query(store, "select count(*) from decisions") == [(3,)]  # history kept


def test_a_reopened_decision_no_longer_applies_and_the_firm_returns_to_the_queue(store):
    queue = "select credit_code from v_review_queue"
    decide(store, FLAGGED, "confirm", "核实", "张三")
    assert (FLAGGED,) not in query(store, queue)
    decide(store, FLAGGED, "reopen", "证据不足，重新审核", "主管")
    assert (FLAGGED,) in query(store, queue)
    assert query(store, "select decision from v_watchlist_current where credit_code = ?", [FLAGGED]) == [(None,)]
    decide(store, FLAGGED, "dismiss", "复核后排除", "李四")
    assert (FLAGGED,) not in query(store, queue)
    assert [r[0] for r in query(store, "select decision from decisions order by decision_id")] == [
        "confirm", "reopen", "dismiss"]  # the history keeps all three


def test_decision_on_a_cleared_firm_is_kept_but_not_shown(store, tmp_path, screener):
    cleared = write_csv(tmp_path / "extract2.csv", [HEADER, ["上海甲企业管理有限公司", FLAGGED, "企业管理咨询"]])
    scan(cleared, store, screener, as_of=date(2024, 1, 2))
    decide(store, FLAGGED, "dismiss", "已变更经营范围", "张三")
    assert query(store, "select count(*) from decisions") == [(1,)]
    assert FLAGGED not in {r[0] for r in query(store, "select credit_code from v_watchlist_current")}


# ---------------------------------------------------------------- regscreen decide


def test_cli_decide(run, store):
    result = run("decide", FLAGGED, "confirm", "--reason", "经核实", "--by", "张三", "--db", store)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"recorded decision 1: {FLAGGED} confirm by cli:张三"
    # recorded as cli:<--by>, so a name typed on a shell is told apart from a signed-in workspace user
    assert query(store, "select decision, reason, decided_by from decisions") == [("confirm", "经核实", "cli:张三")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([PLAIN, "confirm", "--reason", "x", "--by", "y"], "not on the watch list"),
        ([FLAGGED, "approve", "--reason", "x", "--by", "y"], "approve"),
        ([FLAGGED, "confirm", "--by", "y"], "--reason"),
        ([FLAGGED, "confirm", "--reason", "x"], "--by"),
        ([FLAGGED, "confirm", "--reason", " ", "--by", "y"], "needs a reason"),
        ([FLAGGED, "confirm", "--reason", "x", "--by", "  "], "needs a reason"),
        ([FLAGGED, "reopen", "--reason", "x", "--by", "y"], "reopen"),
    ],
    ids=["not-on-list", "bad-choice", "no-reason", "no-by", "blank-reason", "blank-by", "reopen-is-the-workspace's"],
)
def test_cli_decide_refuses_with_exit_2(run, store, args, message):
    result = run("decide", *args, "--db", store)
    assert result.exit_code == 2
    assert message in result.stderr
    assert query(store, "select count(*) from decisions") == [(0,)]


def test_a_decision_writes_its_ledger_only_and_readers_see_it_at_once(store):
    """Publishing costs what the write changed: the store and its snapshot are not touched, the ledger's
    snapshot is published, and an analyst's connection shows the decision."""
    from screening.store.database import open_reader
    from screening.store.ledgers import DECISIONS
    from screening.store.publish import fingerprint, is_current, snapshot_path

    untouched = fingerprint(store), fingerprint(snapshot_path(store))
    decide(store, FLAGGED, "confirm", "核实", "cli:张三")
    assert (fingerprint(store), fingerprint(snapshot_path(store))) == untouched
    ledger = DECISIONS.path(store)
    assert is_current(ledger) and snapshot_path(ledger).exists()
    con = open_reader(store)
    try:
        assert con.execute("select decision, decided_by from v_watchlist_current where credit_code = ?",
                           [FLAGGED]).fetchall() == [("confirm", "cli:张三")]
        assert con.execute("select count(*) from v_review_queue").fetchall() == [(1,)]  # OTHER is left
    finally:
        con.close()


def test_decisions_of_a_store_from_before_the_ledger_are_moved_into_it(store):
    """A store whose decisions table is its own: the first decision moves its rows into the ledger first."""
    import duckdb

    from screening.store.ledgers import DECISIONS

    DECISIONS.path(store).unlink()
    con = duckdb.connect(str(store))
    con.execute("drop view decisions")
    con.execute("create table decisions (decision_id bigint primary key, credit_code varchar not null, decision "
                "varchar not null, reason varchar not null, decided_by varchar not null, decided_at timestamp not "
                "null, content_hash varchar not null)")
    con.execute("insert into decisions select 1, ?, 'refer', '旧决定', '李四', now(), content_hash from watchlist "
                "where credit_code = ?", [OTHER, OTHER])
    con.close()
    row = decide(store, FLAGGED, "confirm", "核实", "张三")
    assert row["decision_id"] == 2
    assert query(store, "select decision_id, credit_code, decision from decisions order by 1") == [
        (1, OTHER, "refer"), (2, FLAGGED, "confirm")]
    assert query(store, "select count(*) from duckdb_tables() where table_name = 'decisions'") == [(1,)]  # the ledger's
