"""The store's published read-only snapshot (screening.store.publish) and the readers that open it."""

from contextlib import closing, contextmanager
from datetime import date
import fcntl
import logging
import os
from pathlib import Path
import subprocess
import sys

import duckdb
import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.store import publish as published
from screening.store.database import open_reader, open_store
from screening.store.ledgers import DECISIONS, RUNLOG
from screening.store.decisions import decide
from screening.errors import RunInProgress, StoreMissing
from screening.store.lock import lock_path
from screening.errors import SnapshotUnavailable
from screening.store.publish import (fingerprint, is_current, is_snapshot, leftover_temp_files,
                                     publish, readable_snapshot, snapshot_path)
from screening.store.scan import scan

HEADER = ["企业名称", "统一社会信用代码", "经营范围"]
STATE = "select (select count(*) from v_runs), (select count(*) from watchlist), (select count(*) from decisions)"


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


FLAGGED, OTHER, PLAIN = (code(f"91310115MA000000{i}") for i in (1, 2, 3))


@pytest.fixture
def extracts(tmp_path) -> tuple[Path, Path]:
    """Two extracts: the second adds a flagged firm."""
    first = write_csv(tmp_path / "first.csv", [HEADER, ["上海甲投资管理有限公司", FLAGGED, "投资管理"],
                                               ["上海丙科技有限公司", PLAIN, "技术开发"]])
    second = write_csv(tmp_path / "second.csv", [HEADER, ["上海甲投资管理有限公司", FLAGGED, "投资管理"],
                                                 ["上海乙理财顾问有限公司", OTHER, "理财咨询"],
                                                 ["上海丙科技有限公司", PLAIN, "技术开发"]])
    return first, second


@pytest.fixture
def store(tmp_path, screener, extracts) -> Path:
    """A store holding one run (one firm on the watch list), published by the run."""
    db = tmp_path / "registry.duckdb"
    scan(extracts[0], db, screener, as_of=date(2024, 1, 1))
    return db


def state(path: Path) -> tuple[int, int, int]:
    """(runs, watch-list rows, decisions) of a store or snapshot file opened read-only directly (with its
    decisions ledger, or the ledger's snapshot, attached)."""
    with closing(open_store(path)) as con:
        return con.execute(STATE).fetchall()[0]


def read(db: Path) -> tuple[int, int, int]:
    """(runs, watch-list rows, decisions) as an analyst's connection sees them."""
    with closing(open_reader(db)) as con:
        return con.execute(STATE).fetchall()[0]


def write_directly(db: Path, statement: str) -> None:
    """A write that does not publish (like a command that does not, or an operator's fix)."""
    with closing(duckdb.connect(str(db))) as con:
        con.execute(statement)


def failing(error: Exception):
    """A stand-in that raises ``error`` whatever it is called with."""
    def fail(*args, **kwargs):
        raise error
    return fail


@contextmanager
def lock_held_elsewhere(db: Path):
    """The store's run lock held as another process would hold it (its own open file description)."""
    with open(lock_path(db), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(("store_name", "snapshot_name"), [
    ("registry.duckdb", "registry.published.duckdb"),
    ("store.db", "store.published.db"),
    ("plain", "plain.published"),
    ("nightly.2024.duckdb", "nightly.2024.published.duckdb"),
])
def test_snapshot_path_is_beside_the_store(tmp_path, store_name, snapshot_name):
    assert snapshot_path(tmp_path / store_name) == tmp_path / snapshot_name
    assert is_snapshot(tmp_path / snapshot_name) and not is_snapshot(tmp_path / store_name)


# ---------------------------------------------------------------- publish


def test_a_run_publishes_a_complete_current_snapshot(store):
    snapshot = snapshot_path(store)
    assert snapshot.exists() and is_current(store)
    assert state(snapshot) == state(store) == (1, 1, 0)
    assert fingerprint(snapshot) == fingerprint(store)  # a byte copy carrying the store's mtime
    assert snapshot.stat().st_mode & 0o777 == store.stat().st_mode & 0o777
    assert leftover_temp_files(store) == []
    assert not snapshot.with_name(snapshot.name + ".wal").exists()


@pytest.mark.parametrize("write", ["second run", "repeat run", "decision"])
def test_every_write_publishes(store, screener, extracts, write):
    expected = {"second run": (2, 2, 0), "repeat run": (2, 1, 0), "decision": (1, 1, 1)}[write]
    store_snapshot = fingerprint(snapshot_path(store))
    if write == "decision":
        decide(store, FLAGGED, "confirm", "核实", "张三")
    else:
        scan(extracts[1] if write == "second run" else extracts[0], store, screener, as_of=date(2024, 1, 2))
    assert is_current(store) and is_current(DECISIONS.path(store)) and is_current(RUNLOG.path(store))
    assert state(snapshot_path(store)) == state(store) == expected
    # a decision and a repeat change their ledger only: the store's snapshot is not copied again
    assert (fingerprint(snapshot_path(store)) == store_snapshot) is (write in ("decision", "repeat run"))


def test_publish_includes_changes_still_in_the_write_ahead_log(store):
    with closing(duckdb.connect(str(store))) as con:  # a writer that ended without checkpointing
        con.execute("pragma disable_checkpoint_on_shutdown")
        con.execute("delete from watchlist")
    assert store.with_name(store.name + ".wal").exists()
    publish(store)
    assert state(snapshot_path(store)) == (1, 0, 0)
    assert not store.with_name(store.name + ".wal").exists()


def test_publish_removes_what_a_killed_publish_left(store, tmp_path):
    snapshot = snapshot_path(store)
    leftovers = [tmp_path / f"{snapshot.name}.publishing-{suffix}" for suffix in ("abc123", "x_y")]
    for path in leftovers:
        path.write_bytes(b"half a copy")
    other = tmp_path / "other.published.duckdb.publishing-abc123"  # another store's: not ours to remove
    other.write_bytes(b"x")
    assert leftover_temp_files(store) == sorted(leftovers)
    assert read(store) == (1, 1, 0)  # readers ignore them
    publish(store)
    assert leftover_temp_files(store) == [] and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if "published" in p.name) == [
        "other.published.duckdb.publishing-abc123", "registry.decisions.published.duckdb", "registry.published.duckdb",
        "registry.runlog.published.duckdb"]


def test_publish_leaves_no_temp_file_when_the_copy_fails(store, monkeypatch):
    before = fingerprint(snapshot_path(store))
    monkeypatch.setattr(published.shutil, "copyfile", failing(OSError(28, "No space")))
    write_directly(store, "delete from watchlist")
    with pytest.raises(OSError, match="No space"):
        publish(store)
    assert leftover_temp_files(store) == []
    assert fingerprint(snapshot_path(store)) == before and state(snapshot_path(store)) == (1, 1, 0)


def test_a_failed_publish_after_a_run_is_logged_and_readers_catch_up(store, screener, extracts, monkeypatch, caplog):
    real = published.publish
    monkeypatch.setattr(published, "publish", failing(OSError(28, "No space")))
    with caplog.at_level(logging.WARNING, logger="screening.store.publish"):
        report = scan(extracts[1], store, screener, as_of=date(2024, 1, 2))
    assert report.status == "complete"  # the run stands
    assert "snapshot was not published" in caplog.text and "No space" in caplog.text
    assert not is_current(store) and state(snapshot_path(store)) == (1, 1, 0)
    monkeypatch.setattr(published, "publish", real)
    assert read(store) == (2, 2, 0)  # the next reader publishes the stale snapshot (lock free)
    assert is_current(store)


# ---------------------------------------------------------------- readers


@pytest.mark.parametrize(("snapshot", "lock", "expected"), [
    ("current", "free", (1, 1, 0)),
    ("current", "held", (1, 1, 0)),
    ("stale", "free", (1, 0, 0)),  # published again by the reader
    ("stale", "held", (1, 1, 0)),  # a run is writing: the last published state
    ("missing", "free", (1, 0, 0)),  # a store from before snapshots: published on first need
    ("missing", "held", "no read-only snapshot has been published yet, and none can be now: .*another run"),
], ids=["current-free", "current-held", "stale-free", "stale-held", "missing-free", "missing-held"])
def test_reader_by_snapshot_and_run_lock(store, snapshot, lock, expected):
    if snapshot != "current":
        write_directly(store, "delete from watchlist")
    if snapshot == "missing":
        snapshot_path(store).unlink()
    with lock_held_elsewhere(store) if lock == "held" else open(os.devnull):
        if isinstance(expected, str):
            with pytest.raises(SnapshotUnavailable, match=expected):
                read(store)
            assert not snapshot_path(store).exists()
        else:
            assert read(store) == expected
    assert state(store) == ((1, 0, 0) if snapshot != "current" else (1, 1, 0))  # readers never write the store


def test_reader_of_a_missing_store_creates_nothing(tmp_path):
    with pytest.raises(StoreMissing, match="regscreen scan"):
        readable_snapshot(tmp_path / "none.duckdb")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("given", ["snapshot", "snapshot only"])
def test_reader_given_a_snapshot_or_only_a_snapshot_reads_it(store, tmp_path, given):
    snapshot = snapshot_path(store)
    if given == "snapshot only":  # e.g. the snapshot copied to an analyst's machine
        store.unlink()
        assert readable_snapshot(store) == snapshot
    assert readable_snapshot(snapshot) == snapshot
    assert read(snapshot) == (1, 1, 0)
    assert not snapshot_path(snapshot).exists()


def test_reader_that_may_not_write_the_folder_reads_the_last_snapshot(store, monkeypatch):
    write_directly(store, "delete from watchlist")
    monkeypatch.setattr(published, "publish", failing(PermissionError(13, "Permission denied")))
    assert read(store) == (1, 1, 0)
    snapshot_path(store).unlink()
    with pytest.raises(SnapshotUnavailable, match="Permission denied"):
        read(store)


def test_decide_refuses_while_a_run_holds_the_store_and_readers_go_on(store, run):
    with lock_held_elsewhere(store):
        with pytest.raises(RunInProgress):
            decide(store, FLAGGED, "confirm", "核实", "张三")
        result = run("decide", FLAGGED, "confirm", "--reason", "核实", "--by", "张三", "--db", store)
        assert result.exit_code == 75 and "another run holds the store" in result.stderr
        assert read(store) == (1, 1, 0)  # readers are not blocked meanwhile
    assert state(store) == (1, 1, 0)


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True, config={"enable_external_access": False})
print(con.execute("select count(*) from runs").fetchall()[0][0], flush=True)
sys.stdin.readline()  # the parent publishes a new snapshot meanwhile
print(con.execute("select count(*) from runs").fetchall()[0][0],
      con.execute("select count(*) from watchlist").fetchall()[0][0],
      con.execute("select string_agg(credit_code, ',' order by credit_code) from watchlist").fetchall()[0][0],
      flush=True)
"""


def test_a_reader_holding_the_old_snapshot_keeps_reading_it_while_a_publish_swaps_it(store, screener, extracts):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(snapshot_path(store))], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().split() == ["1"]
        old_inode = snapshot_path(store).stat().st_ino
        scan(extracts[1], store, screener, as_of=date(2024, 1, 2))  # publishes while the holder has it open
        assert snapshot_path(store).stat().st_ino != old_inode
        out, err = holder.communicate("go\n", timeout=60)
    finally:
        holder.kill()
    assert holder.returncode == 0, err
    assert out.split() == ["1", "1", FLAGGED]  # the old snapshot, whole: tables it had not read yet too
    assert read(store) == (2, 2, 0)  # a new connection reads the new one


# ---------------------------------------------------------------- the checks that stop a publish


class Connection:
    """A stand-in for the store's connection that records what it is asked to run."""

    def __init__(self):
        self.executed = []

    def execute(self, statement):
        self.executed.append(statement)


@pytest.mark.parametrize(("wal", "refused"), [(b"left over", True), (b"", False), (None, False)])
def test_a_write_ahead_log_left_after_checkpoint_stops_the_publish(tmp_path, wal, refused):
    db = tmp_path / "registry.duckdb"
    if wal is not None:
        (tmp_path / "registry.duckdb.wal").write_bytes(wal)
    con = Connection()
    if refused:
        with pytest.raises(RuntimeError) as error:
            published.checkpointed(con, db)
        assert str(error.value) == f"{db}: write-ahead log still present after CHECKPOINT; not publishing"
    else:
        published.checkpointed(con, db)
    assert con.executed == ["checkpoint"]


def copy_then(change):
    """``shutil.copyfile`` that copies, then does ``change(source, copy)`` (what a concurrent writer or a short
    write would do)."""
    real = published.shutil.copyfile

    def copy(source, target):
        real(source, target)
        change(Path(source), Path(target))
    return copy


@pytest.mark.parametrize(("change", "error", "message"), [
    (lambda source, copy: os.utime(source, ns=(0, 0)), RuntimeError, "the store changed while it was copied"),
    (lambda source, copy: copy.write_bytes(copy.read_bytes()[:-4096]), RuntimeError,
     "the store changed while it was copied"),  # a short copy
    (lambda source, copy: copy.write_bytes(b"\0" * copy.stat().st_size), duckdb.Error, ""),  # DuckDB cannot open it
])
def test_a_copy_that_is_not_the_store_as_it_was_is_never_published(store, monkeypatch, change, error, message):
    before = fingerprint(snapshot_path(store))
    write_directly(store, "delete from watchlist")
    monkeypatch.setattr(published.shutil, "copyfile", copy_then(change))
    with pytest.raises(error) as raised:
        publish(store)
    if message:
        assert str(raised.value) == f"{store}: {message}; not publishing"
    assert leftover_temp_files(store) == []
    assert fingerprint(snapshot_path(store)) == before and state(snapshot_path(store)) == (1, 1, 0)
    monkeypatch.undo()
    publish(store)  # the next publish, with the store left alone, goes through
    assert state(snapshot_path(store)) == (1, 0, 0)
