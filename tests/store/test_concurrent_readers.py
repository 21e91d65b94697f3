"""Readers during writes, with real processes: `regscreen sql` while `regscreen scan` writes the store.

A store holding one run gets the 30,000-row extract of the kill test (tests/test_store_kill.py), run
by the installed command in its own process. Meanwhile two loops run `regscreen sql` (the installed
command, each query its own process) against the same --db: every query must answer within a few
seconds, never fail on DuckDB's file lock, and show the state before the run or the complete state
after it (every table's row count), never anything in between, and never go back once it showed the
new one. Whether the scan process held DuckDB's lock on the store at the time is read from
/proc/locks, so the test shows that readers went on while the store itself could not be opened.
"""

from concurrent.futures import ThreadPoolExecutor
import csv
from dataclasses import dataclass
from datetime import date
import io
import os
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from conftest import write_csv
from screening.store.publish import is_current, leftover_temp_files
from screening.store.scan import scan
from test_store_kill import BASE_ROWS, HEADER, REGSCREEN, ROWS, command, firm

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads DuckDB's file lock in /proc/locks")]

TABLES = ("runs", "firms", "screenings", "hits", "watchlist", "audit", "outbox", "person_links")
STATE = "select " + ", ".join(f"(select count(*) from {t}) as {t}" for t in TABLES)
BOUND = 5.0  # seconds a query may take, the installed command's start included


@dataclass
class Answer:
    """One `regscreen sql` process: when it ran, what it answered, whether the run held the store."""

    started: float
    ended: float
    returncode: int
    stdout: str
    stderr: str
    writer_held_store: bool

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def state(self) -> tuple[int, ...] | None:
        rows = list(csv.reader(io.StringIO(self.stdout)))
        return tuple(int(v) for v in rows[1]) if self.returncode == 0 and len(rows) == 2 else None


def holds_write_lock(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds a POSIX write lock on the file (DuckDB's lock of a read-write open)."""
    inode = path.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        kind, mode, holder, where = fields[1], fields[3], fields[4], fields[5]
        if kind == "POSIX" and mode == "WRITE" and holder == str(pid) and where.rsplit(":", 1)[-1] == str(inode):
            return True
    return False


def ask(db: Path, writer: subprocess.Popen | None = None) -> Answer:
    """Run `regscreen sql STATE --csv` in its own process."""
    held = writer is not None and holds_write_lock(writer.pid, db)
    started = time.monotonic()
    done = subprocess.run([str(REGSCREEN), "sql", STATE, "--db", str(db), "--csv"], capture_output=True, text=True,
                          timeout=120)
    ended = time.monotonic()
    held = held or (writer is not None and holds_write_lock(writer.pid, db))
    return Answer(started, ended, done.returncode, done.stdout, done.stderr, held)


def ask_while_running(db: Path, writer: subprocess.Popen) -> list[Answer]:
    """Answers of one reader loop, back to back, until the writer has ended."""
    answers = []
    while writer.poll() is None:
        answers.append(ask(db, writer))
    return answers


def direct_state(db: Path) -> tuple[int, ...]:
    """Every table's row count, read from the store file itself (no writer open)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(STATE).fetchall()[0]
    finally:
        con.close()


def test_readers_are_never_blocked_and_never_see_half_a_run(tmp_path, screener):
    base = write_csv(tmp_path / "base.csv", [HEADER, *(firm(i, 1) for i in range(BASE_ROWS))])
    extract = write_csv(tmp_path / "big.csv", [HEADER, *(firm(i, 2) for i in range(ROWS))])
    db = tmp_path / "registry.duckdb"
    scan(base, db, screener, as_of=date(2024, 6, 1))
    before = ask(db).state
    assert before == direct_state(db) and before[0] == 1

    started = time.monotonic()
    writer = subprocess.Popen(command(extract, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with ThreadPoolExecutor(2) as pool:
        loops = [pool.submit(ask_while_running, db, writer) for _ in range(2)]
        out, err = writer.communicate(timeout=300)
        duration = time.monotonic() - started
        answers = sorted((a for loop in loops for a in loop.result()), key=lambda a: a.started)
    assert writer.returncode == 0, err
    after = direct_state(db)
    assert after[0] == 2 and after != before
    assert ask(db).state == after  # the reader sees the new run once it is over
    assert is_current(db) and leftover_temp_files(db) == []

    failed = [(a.returncode, a.stderr) for a in answers if a.returncode != 0]
    assert not failed, failed[:3]
    assert not any("lock" in a.stderr.lower() for a in answers)
    assert {a.state for a in answers} <= {before, after}, [a.state for a in answers if a.state not in (before, after)]
    slowest = max(a.seconds for a in answers)
    assert slowest < BOUND, f"a query took {slowest:.2f}s"
    for earlier in answers:  # never back to the old state once a finished query showed the new one
        if earlier.state == after:
            assert all(a.state == after for a in answers if a.started > earlier.ended)
    while_held = [a for a in answers if a.writer_held_store]
    assert len(answers) >= 6 and while_held, (len(answers), len(while_held))
    assert any(a.state == before for a in while_held)  # the store was the writer's: readers read the snapshot
    print(f"\nrun {duration:.1f}s; {len(answers)} queries during it ({len(while_held)} while the run held the "
          f"store), {sum(a.state == before for a in answers)} before / {sum(a.state == after for a in answers)} "
          f"after; query seconds median {sorted(a.seconds for a in answers)[len(answers) // 2]:.2f}, "
          f"max {slowest:.2f}; cpus {os.cpu_count()}")
