"""Readers during writes, with real processes: `regscreen sql` while `regscreen scan` or `decide` writes.

A store holding one run gets the 30,000-row extract of the kill test (tests/store/test_store_kill.py),
run by the installed command in its own process, staged and screened in parts of 5,000 rows. Meanwhile
two loops run `regscreen sql` (the installed command, each query its own process) against the same
--db, and a watcher starts one more query the moment the run reaches each of its stages on disk: its
folder appears (staging), its parts are all written, its first results appear (screening), and the
run holds DuckDB's lock on the store (the commit, read from /proc/locks). Every query must answer
within a bound, never fail on DuckDB's file lock, and show the state before the run or the complete
state after it (every table's row count), never anything in between, and never go back once it
showed the new one. A second test does the same while another process records decisions one after
another: each answer shows a whole number of them, never fewer than an earlier answer.

Time bounds scale with the same query run meanwhile, by a third loop, on a copy of the store that nothing
writes: what the command costs on this machine under this load (a query that waited for the writer would
take as long as the write).
"""

from concurrent.futures import ThreadPoolExecutor
import csv
from dataclasses import dataclass
from datetime import date
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import query as query_store, write_csv
from screening.store.publish import is_current, leftover_temp_files
from screening.store.scan import scan
from test_store_kill import BASE_ROWS, ENV, HEADER, REGSCREEN, ROWS, boundary, command, firm

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads DuckDB's file lock in /proc/locks")]

TABLES = ("runs", "firms", "screenings", "hits", "watchlist", "audit", "outbox", "person_links")
STATE = "select " + ", ".join(f"(select count(*) from {t}) as {t}" for t in TABLES)
PHASES = ("staging", "planned", "screening", "commit")


@dataclass
class Answer:
    """One `regscreen sql` process: when it ran, what it answered, whether the run held the store."""

    started: float
    ended: float
    returncode: int
    stdout: str
    stderr: str
    writer_held_store: bool
    phase: str = "loop"

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def state(self) -> tuple[int, ...] | None:
        rows = list(csv.reader(io.StringIO(self.stdout)))
        return tuple(int(v) for v in rows[1]) if self.returncode == 0 and len(rows) == 2 else None


def holds_write_lock(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds a POSIX write lock on the file (DuckDB's lock of a read-write open)."""
    try:
        inode = path.stat().st_ino
    except FileNotFoundError:
        return False
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        kind, mode, holder, where = fields[1], fields[3], fields[4], fields[5]
        if kind == "POSIX" and mode == "WRITE" and holder == str(pid) and where.rsplit(":", 1)[-1] == str(inode):
            return True
    return False


def ask(db: Path, writer: subprocess.Popen | None = None, query: str = STATE, phase: str = "loop") -> Answer:
    """Run `regscreen sql QUERY --csv` in its own process."""
    held = writer is not None and holds_write_lock(writer.pid, db)
    started = time.monotonic()
    done = subprocess.run([str(REGSCREEN), "sql", query, "--db", str(db), "--csv"], capture_output=True, text=True,
                          timeout=300)
    ended = time.monotonic()
    held = held or (writer is not None and holds_write_lock(writer.pid, db))
    return Answer(started, ended, done.returncode, done.stdout, done.stderr, held, phase)


def ask_while_running(db: Path, writer: subprocess.Popen, query: str = STATE) -> list[Answer]:
    """Answers of one reader loop, back to back, until the writer has ended."""
    answers = []
    while writer.poll() is None:
        answers.append(ask(db, writer, query))
    return answers


def ask_at_each_stage(db: Path, writer: subprocess.Popen, pool: ThreadPoolExecutor) -> list:
    """Start one query the moment the run reaches each stage (watched on disk and in /proc/locks)."""
    started = []
    for phase in PHASES:
        reached = (lambda: holds_write_lock(writer.pid, db)) if phase == "commit" else (lambda p=phase: boundary(db, p))
        while writer.poll() is None and not reached():
            time.sleep(0.0005)
        if writer.poll() is not None:
            break
        started.append(pool.submit(ask, db, writer, STATE, phase))
    return started


def direct_state(db: Path) -> tuple[int, ...]:
    """Every table's row count, read from the store file itself (no writer open)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(STATE).fetchall()[0]
    finally:
        con.close()


def control_store(db: Path) -> Path:
    """A copy of the store (with its snapshots) that nothing writes: the same query there, meanwhile, is the
    control that measures what the machine's load alone costs a query."""
    control = db.with_name("control.duckdb")
    for source, target in ((db, control), (db.with_name(db.stem + ".published.duckdb"),
                                           control.with_name("control.published.duckdb"))):
        target.write_bytes(source.read_bytes())
        os.utime(target, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns))
    return control


def bound_seconds(controls: list[Answer]) -> float:
    """How long a query may take during a write: twice the slowest control query run meanwhile on a store no
    one writes (same command, same machine, same load), and never below 5 s. A query that waited for the
    writer would take as long as the run."""
    assert controls and all(c.returncode == 0 for c in controls), [c.stderr for c in controls][:2]
    return max(5.0, 2 * max(c.seconds for c in controls))


def test_readers_are_never_blocked_and_never_see_half_a_run(tmp_path, screener):
    base = write_csv(tmp_path / "base.csv", [HEADER, *(firm(i, 1) for i in range(BASE_ROWS))])
    extract = write_csv(tmp_path / "big.csv", [HEADER, *(firm(i, 2) for i in range(ROWS))])
    db = tmp_path / "registry.duckdb"
    scan(base, db, screener, as_of=date(2024, 6, 1))
    before = ask(db).state
    assert before == direct_state(db) and before[0] == 1
    control = control_store(db)

    started = time.monotonic()
    writer = subprocess.Popen(command(extract, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    with ThreadPoolExecutor(len(PHASES) + 4) as pool:
        loops = [pool.submit(ask_while_running, db, writer) for _ in range(2)]
        controls = pool.submit(ask_while_running, control, writer)
        staged = pool.submit(ask_at_each_stage, db, writer, pool)
        out, err = writer.communicate(timeout=600)
        duration = time.monotonic() - started
        answers = [a for loop in loops for a in loop.result()] + [f.result() for f in staged.result()]
        bound = bound_seconds(controls.result())
    answers.sort(key=lambda a: a.started)
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
    assert slowest < bound, (f"a query took {slowest:.2f}s (bound {bound:.2f}s): "
                             f"{[(a.phase, round(a.started - started, 2), round(a.seconds, 2)) for a in answers]}")
    for earlier in answers:  # never back to the old state once a finished query showed the new one
        if earlier.state == after:
            assert all(a.state == after for a in answers if a.started > earlier.ended)
    at_stage = {a.phase: a for a in answers if a.phase != "loop"}
    assert set(at_stage) == set(PHASES), sorted(at_stage)  # a query was asked at every stage of the run
    assert all(at_stage[p].state == before for p in ("staging", "planned", "screening"))  # nothing committed yet
    assert at_stage["commit"].writer_held_store  # the store was the writer's: readers read the snapshot
    print(f"\nrun {duration:.1f}s; {len(answers)} queries during it, {sum(a.state == before for a in answers)} "
          f"before / {sum(a.state == after for a in answers)} after; query seconds median "
          f"{sorted(a.seconds for a in answers)[len(answers) // 2]:.2f}, max {slowest:.2f} (bound {bound:.2f}); "
          f"cpus {os.cpu_count()}")


DECIDER = """
import sys
from pathlib import Path
from screening.store.decisions import decide
db, codes = Path(sys.argv[1]), sys.argv[2:]
for i, code in enumerate(codes):
    decide(db, code, "refer", f"第{i}次", "cli:reader-test")
"""


def test_readers_during_decisions_see_each_decision_whole(tmp_path, screener):
    base = write_csv(tmp_path / "base.csv", [HEADER, *(firm(i, 1) for i in range(BASE_ROWS))])
    db = tmp_path / "registry.duckdb"
    scan(base, db, screener, as_of=date(2024, 6, 1))
    codes = [row[0] for row in query_store(db, "select credit_code from watchlist where status = 'new' order by 1 "
                                                "limit 40")]
    query = "select count(*), count(distinct reason) from decisions"
    control = control_store(db)
    decider = subprocess.Popen([sys.executable, "-c", DECIDER, str(db), *codes], stderr=subprocess.PIPE, text=True)
    with ThreadPoolExecutor(3) as pool:
        loops = [pool.submit(ask_while_running, db, decider, query) for _ in range(2)]
        controls = pool.submit(ask_while_running, control, decider, query)
        _, err = decider.communicate(timeout=600)
        answers = sorted((a for loop in loops for a in loop.result()), key=lambda a: a.started)
        bound = bound_seconds(controls.result())
    assert decider.returncode == 0, err
    assert [a.returncode for a in answers if a.returncode] == []
    counts = [a.state for a in answers]
    assert all(n == distinct for n, distinct in counts)  # each decision whole: its row, its own reason
    for earlier in answers:  # never fewer decisions than an answer that had ended before
        assert all(a.state[0] >= earlier.state[0] for a in answers if a.started > earlier.ended)
    assert max(a.seconds for a in answers) < bound
    final = ask(db, query=query).state
    assert final == (len(codes), len(codes)) and len(answers) >= 2
