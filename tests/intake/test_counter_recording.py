"""Every check is recorded (screening.intake.service, screening.store.applications, screening.store.counter_db):
journaled durably before the answer, never waiting for a run, flushed into the store's table exactly once."""

from datetime import datetime, timedelta
import sqlite3
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from screening.errors import RunInProgress
from screening.intake.application import parse_application
from screening.intake.service import Asker, Counter
from screening.store.applications import flush_checks, flush_due, pending_state
from screening.store.counter_db import CounterDb, counter_db_path
from screening.store.database import read_query
from screening.store.lock import lock_path

CLERK = Asker("朝阳分局", None, "cli")
REFUSED = {"kind": "new", "region": "110105", "name": "北京某某投资有限公司", "scope": "技术开发；投资咨询"}
PASSED = {"kind": "new", "region": "110105", "name": "北京某某科技有限公司", "scope": "技术开发"}
ID_NUMBER = "11010519491231002X"  # a valid 18-digit personal ID (the standard's example)


@pytest.fixture
def counter(tmp_path, screener):
    desk = Counter(screener.without_extended(), tmp_path / "store.duckdb", flush_seconds=300)
    yield desk
    desk.close()


def journal_rows(db) -> list[tuple]:
    con = sqlite3.connect(counter_db_path(db))
    try:
        return con.execute("select check_id, decision, name from check_journal order by checked_at").fetchall()
    finally:
        con.close()


def store_rows(db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_check_is_in_the_journal_when_its_answer_is_given(counter):
    verdict = counter.ask(parse_application(REFUSED), CLERK)
    assert journal_rows(counter.db) == [(verdict["check_id"], "refuse", REFUSED["name"])]
    assert not counter.db.exists()  # the store itself is not touched by a check


def test_the_journal_is_durable_wal_with_full_sync(counter):
    assert counter.journal.con.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert counter.journal.con.execute("pragma synchronous").fetchone()[0] == 2  # FULL: fsync on every commit


def test_flush_moves_checks_into_the_store_and_the_view_counts_refusals(counter):
    first = counter.ask(parse_application(REFUSED), CLERK)
    counter.ask(parse_application(PASSED), Asker("海淀分局", "0a1b2c3d", "api"))
    assert flush_checks(counter.db, counter.journal) == 2
    assert journal_rows(counter.db) == []
    rows = store_rows(counter.db, "select check_id, asked_by, key_id, via, decision, list_versions from application_checks"
                                  " order by checked_at")
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [("朝阳分局", None, "cli", "refuse"), ("海淀分局", "0a1b2c3d", "api", "pass")]
    assert rows[0][0] == first["check_id"] and "beijing_name_suspension" in rows[0][5]
    columns, counted = read_query(counter.db, "select office, term, count(distinct check_id) from v_application_checks"
                                              " where effect = 'refuse' group by all order by term")
    assert counted == [("朝阳分局", "投资", 1), ("朝阳分局", "投资咨询", 1)]
    _, passed = read_query(counter.db, "select office, decision, term from v_application_checks where decision = 'pass'")
    assert passed == [("海淀分局", "pass", None)]  # a check without reasons is still one row


def test_a_run_holding_the_store_neither_delays_a_check_nor_loses_it(counter, tmp_path):
    counter.ask(parse_application(PASSED), CLERK)
    flush_checks(counter.db, counter.journal)  # the store exists, with one check
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, fcntl, sys, time\n"
         f"lock = open({str(lock_path(counter.db))!r}, 'a+'); fcntl.flock(lock, fcntl.LOCK_EX)\n"
         f"con = duckdb.connect({str(counter.db)!r}); con.execute('begin transaction')\n"
         "print('holding', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"  # a "run": run lock and DuckDB's write lock held
        started = time.perf_counter()
        verdict = counter.ask(parse_application(REFUSED), CLERK)
        assert time.perf_counter() - started < 1.0
        assert verdict["decision"] == "refuse"
        moved, why_not = counter.flush(when_due=False)
        assert moved == 0 and "another run holds the store" in why_not
        with pytest.raises(RunInProgress, match="another run holds the store"):
            flush_checks(counter.db, counter.journal)
        assert [r[0] for r in journal_rows(counter.db)] == [verdict["check_id"]]
    finally:
        holder.communicate("")
    assert counter.flush(when_due=False) == (1, None)
    assert store_rows(counter.db, "select count(*) from application_checks") == [(2,)]


def test_a_flush_cut_off_before_the_journal_forgets_inserts_nothing_twice(counter):
    counter.ask(parse_application(REFUSED), CLERK)
    saved = counter.journal.rows("select * from check_journal")
    assert flush_checks(counter.db, counter.journal) == 1
    with counter.journal.transaction() as con:  # as if the process died after the store's commit
        con.executemany(f"insert into check_journal ({', '.join(saved[0])}) values ({', '.join('?' * len(saved[0]))})",
                        [tuple(row.values()) for row in saved])
    assert flush_checks(counter.db, counter.journal) == 1
    assert store_rows(counter.db, "select count(*) from application_checks") == [(1,)]
    assert store_rows(counter.db, "select count(*) from application_check_reasons") == [(4,)]
    assert pending_state(counter.journal) == (0, None)


def test_personal_id_numbers_are_masked_in_the_journal_and_the_store(counter):
    application = {**PASSED, "name": f"北京市东城区张三{ID_NUMBER}小吃店", "scope": f"餐饮服务 {ID_NUMBER}"}
    verdict = counter.ask(parse_application(application), CLERK)
    assert verdict["decision"] == "pass"
    masked = "110105********002X"
    assert journal_rows(counter.db)[0][2] == f"北京市东城区张三{masked}小吃店"
    flush_checks(counter.db, counter.journal)
    assert store_rows(counter.db, "select name, scope from application_checks") == [
        (f"北京市东城区张三{masked}小吃店", f"餐饮服务 {masked}")]
    for path in counter.db.parent.iterdir():
        assert ID_NUMBER.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("pending,age,max_age,due", [
    (0, 0, 0, False),
    (1, 10, 300, False),
    (1, 301, 300, True),
    (3, 0, 0, True),
])
def test_a_flush_is_due_when_the_oldest_check_has_waited(counter, pending, age, max_age, due):
    for _ in range(pending):
        counter.ask(parse_application(PASSED), CLERK)
    now = datetime.now().astimezone() + timedelta(seconds=age)
    assert flush_due(counter.journal, max_age, now=now) is due


def test_a_full_journal_is_due_whatever_its_age(counter):
    for _ in range(3):
        counter.ask(parse_application(PASSED), CLERK)
    assert flush_due(counter.journal, 300, max_rows=3) and not flush_due(counter.journal, 300, max_rows=4)


def test_threads_and_processes_journal_side_by_side(counter, screener):
    other = Counter(screener.without_extended(), counter.db, 300)  # a second connection, as another process has
    answers = []

    def ask(desk):
        for _ in range(40):
            answers.append(desk.ask(parse_application(REFUSED), CLERK)["check_id"])

    threads = [threading.Thread(target=ask, args=(desk,)) for desk in (counter, counter, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert sorted(r[0] for r in journal_rows(counter.db)) == sorted(answers) and len(set(answers)) == 120
    assert flush_checks(counter.db, counter.journal) == 120


def test_the_side_database_sits_beside_the_store(tmp_path):
    assert counter_db_path(tmp_path / "registry.duckdb") == tmp_path / "registry.intake.sqlite"
    CounterDb.beside(tmp_path / "registry.duckdb").close()
    assert (tmp_path / "registry.intake.sqlite").exists()


@pytest.mark.slow
def test_a_flush_killed_at_any_point_loses_nothing_and_counts_nothing_twice(counter):
    from pathlib import Path
    import signal

    from screening.intake.batch import BatchItem

    items = [BatchItem(i, None, parse_application(REFUSED if i % 2 else PASSED)) for i in range(1, 3_001)]
    asked = {line["check_id"] for line in counter.ask_many(items, CLERK)}
    regscreen = Path(sys.executable).parent / "regscreen"
    for delay in (0.5, 1.5, 2.5, 3.5, 5.0, 7.0):  # before, inside and after the store's first transaction
        process = subprocess.Popen([str(regscreen), "checks", "flush", "--db", str(counter.db)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        journaled = {r["check_id"] for r in counter.journal.rows("select check_id from check_journal")}
        stored = set()
        if counter.db.exists():
            with duckdb.connect(str(counter.db)) as con:  # replays a WAL the kill left
                if con.execute("select count(*) from duckdb_tables() where table_name = 'application_checks'").fetchone()[0]:
                    stored = {r[0] for r in con.execute("select check_id from application_checks").fetchall()}
        assert journaled | stored == asked, delay
    assert counter.flush(when_due=False)[1] is None
    assert store_rows(counter.db, "select count(*), count(distinct check_id) from application_checks") == [(3_000, 3_000)]
    assert pending_state(counter.journal) == (0, None)
