"""The outbox is filled by the scan, in the scan's transaction, once per change (idempotency keys)."""

import hashlib

import pytest

from conftest import query
from screening.store import outbox
from screening.store.outbox import idempotency_key
from screening.store import commit
from screening.store.database import open_writer
from store_scenario import FIRST, GONE, HOLD, NEWCO, P2P, RENAMED, SCOPE, SECOND, STEADY, Crash, Store, snapshot

FIELDS = "credit_code, status, name, lead_regulator, lead_category, priority, counting_hits, hold, content_hash"


@pytest.fixture
def store(tmp_path, screener) -> Store:
    return Store(tmp_path, screener)


def entries(store: Store) -> dict[tuple[str, int], str]:
    """(credit code, run) → status of every outbox entry."""
    return {(c, r): s for c, r, s in query(store.db, "select credit_code, run_id, status from outbox")}


@pytest.mark.parametrize(
    ("parts", "same_as", "equal"),
    [((P2P, 1, "new", "h"), (P2P, 1, "new", "h"), True),
     ((P2P, 1, "new", "h"), (P2P, 2, "new", "h"), False),
     ((P2P, 1, "new", "h"), (P2P, 1, "changed", "h"), False),
     ((P2P, 1, "new", "h"), (P2P, 1, "new", "h2"), False),
     ((P2P, 1, "new", "h"), (SCOPE, 1, "new", "h"), False),
     ((P2P, 1, "missing", None), (P2P, 1, "missing", ""), True)],
    ids=["stable", "run", "status", "content", "firm", "no-hash"],
)
def test_idempotency_key(parts, same_as, equal):
    assert (idempotency_key(*parts) == idempotency_key(*same_as)) is equal
    text = "\x1f".join((parts[0], str(parts[1]), parts[2], parts[3] or ""))
    assert idempotency_key(*parts) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_first_run_puts_every_new_entry_in_the_outbox_with_the_watch_list_fields(store):
    store.scan(FIRST)
    watch = query(store.db, f"select {FIELDS}, updated_run from watchlist order by credit_code")
    sent = query(store.db, f"select {FIELDS}, run_id from outbox order by credit_code")
    assert sent == watch and len(sent) == 6
    for code, run_id, status, content_hash, key, attempts, delivered in query(
            store.db, "select credit_code, run_id, status, content_hash, idempotency_key, attempts, delivered_at "
                      "from outbox"):
        assert key == idempotency_key(code, run_id, status, content_hash)
        assert (attempts, delivered) == (0, None)


@pytest.mark.parametrize(
    ("code", "status"),
    [(P2P, None), (STEADY, None),  # continuing: no change to deliver
     (SCOPE, "cleared"), (RENAMED, "changed"), (GONE, "missing"), (NEWCO, "new"), (HOLD, None)],
    ids=["continuing-p2p", "continuing", "cleared", "changed", "missing", "new", "held-continuing"],
)
def test_second_run_delivers_only_status_changes(store, code, status):
    store.scan(FIRST, day=1)
    store.scan(SECOND, day=2, full=True)
    assert entries(store).get((code, 2)) == status
    audit = query(store.db, "select new_status from audit where run_id = 2 and credit_code = ?", [code])
    assert [r[0] for r in audit if r[0] != "continuing"] == ([status] if status else [])


def test_the_same_extract_again_adds_nothing(store):
    path = store.extract(FIRST)
    store.scan(path, day=1)
    before = query(store.db, "select * from outbox order by idempotency_key")
    assert store.scan(path, day=2).status == "repeat"
    assert query(store.db, "select * from outbox order by idempotency_key") == before


def test_filling_the_same_run_twice_adds_nothing(store):
    store.scan(FIRST)
    con = open_writer(store.db)
    try:
        con.execute("begin transaction")
        outbox.fill(con, 1)
        outbox.fill(con, 1)
        con.execute("commit")
        assert con.execute("select count(*), count(distinct idempotency_key) from outbox").fetchall() == [(6, 6)]
    finally:
        con.close()


def crash_at(monkeypatch, step: str, during_fill: bool = False) -> None:
    """Crash the commit at ``step``, or while filling the outbox (after its insert ran)."""
    real = commit.run_step

    def crashing(con, name, params=None):
        if name == step and not during_fill:
            raise Crash("simulated crash")
        result = real(con, name, params)
        if name == step:
            raise Crash("simulated crash after the outbox insert")
        return result

    monkeypatch.setattr(commit, "run_step", crashing)


@pytest.mark.parametrize(
    ("step", "during_fill"),
    [("commit_run_row", False),  # after the outbox was filled, before the run row and the commit
     ("outbox", True)],  # while filling, after the watch list and audit were written
    ids=["after-fill", "during-fill"],
)
def test_a_crash_late_in_the_run_leaves_neither_watch_list_change_nor_outbox_rows(store, monkeypatch, step,
                                                                                   during_fill):
    store.scan(FIRST, day=1)
    before = snapshot(store.db)
    second = store.extract(SECOND)
    crash_at(monkeypatch, step, during_fill)
    with pytest.raises(Crash):
        store.scan(second, day=2, full=True)
    after = snapshot(store.db)
    assert (after["watchlist"], after["audit"], after["outbox"]) == (before["watchlist"], before["audit"],
                                                                     before["outbox"])
    monkeypatch.undo()
    store.scan(second, day=2, full=True)
    assert entries(store)[(SCOPE, 2)] == "cleared"


def test_the_push_takes_each_run_in_the_watch_lists_order(store):
    from datetime import datetime

    store.scan(FIRST)
    store.scan(SECOND, day=2, full=True)
    due = outbox.due(store.db, datetime.now(), 100)
    order = [(e["run_id"], e["priority"] is None, e["priority"] or 0) for e in due]  # runs in turn, unranked last
    assert order == sorted(order) and {run for run, _, _ in order} == {1, 2}
    assert sum(1 for run, unranked, _ in order if run == 1 and not unranked) >= 2
