"""A real kill: `regscreen scan` SIGKILLed at many points leaves the store exactly before or exactly after.

A store holding one run gets a 30,000-row extract (new, changed and unchanged firms), staged and
screened in parts of 5,000 rows. A reference run on a copy gives the state "after"; then copies of the
store are scanned by the installed command and killed, and each store must equal "before" (every table,
every column) or "after" (every table, every column but the run's clock times), never anything in
between. Kill points are measured from the start (fixed, a fraction of the run time, seeded random
ones) and from each boundary of the run, watched on disk: the run's folder appears (staging), its parts
are all written (the plan's "planned" mark), the first result part appears (screening), and DuckDB's
write-ahead log appears (the commit; several offsets, so that kills land inside the transaction, its
commit, the checkpoint and the publish). One run is never killed, so an "after" outcome always exists.

A run killed before its commit leaves its folder; the next run says what it did with it: a folder whose
parts were all written is resumed (its screened parts kept), one killed while staging is removed. Every
rerun reaches "after", and the next one is a repeat. Time bounds scale with the command's start-up time,
measured here.
"""

from datetime import date
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.store.runfolder import default_parts_dir
from screening.store.scan import scan

pytestmark = pytest.mark.slow

REGSCREEN = Path(sys.executable).parent / "regscreen"
ROWS = 30_000
BASE_ROWS = 3_000
PART_ROWS = 5_000
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "登记状态", "经营异常"]
TERMS = ("投资管理", "理财", "网络借贷", "交易中心", "金融信息服务")
ENV = os.environ | {"REGSCREEN_CHUNK_ROWS": str(PART_ROWS)}


def code(i: int) -> str:
    base = f"91310115MA{i:07d}"
    return base + uscc.calc_check_digit(base)


def firm(i: int, version: int) -> list[str]:
    """Firm i as registered in extract ``version`` (1: the base; 2: the big one, where some changed)."""
    term = TERMS[i % len(TERMS)] if i % 9 == 0 else ""
    name = f"上海第{i}号{term or '科技'}有限公司"
    scope = "技术开发；技术咨询" + ("；资产管理" if i % 31 == 0 else "")
    if version == 2 and i % 50 == 0:  # changed: 投资管理 added to or dropped from the scope
        scope = "技术开发" if "资产管理" in scope else scope + "；投资管理"
    return [name, code(i), scope, "上海市浦东新区", "存续", "是" if i % 97 == 0 else ""]


def snapshot(db: Path, clock: bool = True) -> dict[str, tuple[int, str]] | None:
    """Per table: row count and sha256 of its sorted rows (``clock=False``: without timestamp columns)."""
    if not db.exists():
        return None
    con = duckdb.connect(str(db), read_only=True)
    try:
        result = {}
        for (table,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall():
            columns = [name for name, kind, *_ in con.execute(f"describe {table}").fetchall()
                       if clock or not kind.startswith("TIMESTAMP")]
            rows = sorted(repr(row) for row in con.execute(f"select {', '.join(columns)} from {table}").fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest())
        return result
    finally:
        con.close()


def command(extract: Path, db: Path) -> list[str]:
    return [str(REGSCREEN), "scan", str(extract), "--db", str(db), "--as-of", "2024-06-02"]


def run_folder(db: Path) -> Path:
    return default_parts_dir(db) / "run-000002"


def boundary(db: Path, phase: str) -> bool:
    """Whether the run on ``db`` has reached ``phase`` (seen on disk)."""
    folder = run_folder(db)
    return {"start": lambda: True,
            "staging": lambda: (folder / "staging.duckdb").exists(),
            "planned": lambda: (folder / "planned").exists(),
            "screening": lambda: any((folder / "results").glob("*.firms.parquet")),
            "commit": lambda: db.with_name(db.name + ".wal").exists()}[phase]()


def killed_after(extract: Path, db: Path, phase: str, delay: float | None, timeout: float) -> bool:
    """Run the scan and SIGKILL it ``delay`` seconds after it reaches ``phase`` (None: never); False when it
    finished by itself."""
    process = subprocess.Popen(command(extract, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    deadline = time.monotonic() + timeout
    try:
        while delay is not None and process.poll() is None and not boundary(db, phase):
            assert time.monotonic() < deadline, f"the run never reached {phase}"
            time.sleep(0.0005)
        process.wait(timeout=timeout if delay is None else delay)
        assert process.returncode == 0, process.stderr.read().decode("utf-8", "replace")
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    finally:
        process.stderr.close()


def scan_command(extract: Path, db: Path, timeout: float) -> subprocess.CompletedProcess:
    done = subprocess.run(command(extract, db), capture_output=True, timeout=timeout, env=ENV)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done


def start_up_seconds() -> float:
    """How long the installed command takes to start and exit here, now (median of three)."""
    times = []
    for _ in range(3):
        started = time.monotonic()
        subprocess.run([str(REGSCREEN), "--help"], capture_output=True, check=True, timeout=300)
        times.append(time.monotonic() - started)
    return sorted(times)[1]


def test_kill_leaves_the_store_before_or_after(tmp_path, screener):
    timeout = max(120.0, 60 * start_up_seconds())
    base_extract = write_csv(tmp_path / "base.csv", [HEADER, *(firm(i, 1) for i in range(BASE_ROWS))])
    extract = write_csv(tmp_path / "big.csv", [HEADER, *(firm(i, 2) for i in range(ROWS))])
    base = tmp_path / "base.duckdb"
    scan(base_extract, base, screener, as_of=date(2024, 6, 1))
    assert not base.with_name(base.name + ".wal").exists()
    before, before_unclocked = snapshot(base), snapshot(base, clock=False)

    reference = tmp_path / "reference.duckdb"
    shutil.copy(base, reference)
    started = time.monotonic()
    scan_command(extract, reference, timeout)
    duration = time.monotonic() - started
    after = snapshot(reference, clock=False)
    assert after != before_unclocked
    assert after["runs"][0] == 2 and after["firms"][0] == ROWS + BASE_ROWS // 50
    assert not default_parts_dir(reference).exists()  # a committed run leaves no parts

    rng = random.Random(20160412)
    points = [("start", delay) for delay in sorted({0.5, 1.5, duration * 0.9, *(rng.uniform(0.3, duration)
                                                                                for _ in range(2))})]
    points += [("staging", 0.05), ("planned", 0.0), ("planned", 0.01), ("screening", 0.0)]
    points += [("commit", offset) for offset in (0.0, 0.005, 0.02, 0.05, 0.1, 0.2)]
    points += [("start", None)]  # never killed: an "after" outcome always exists
    outcomes = []
    for i, (phase, delay) in enumerate(points):
        db = tmp_path / f"killed{i}.duckdb"
        shutil.copy(base, db)
        was_killed = killed_after(extract, db, phase, delay, timeout)
        state = snapshot(db)
        if state == before:
            outcomes.append(("before", phase, delay, was_killed, db))
            continue
        unclocked = snapshot(db, clock=False)
        differs = sorted(t for t in after if unclocked.get(t) != after[t])
        assert unclocked == after, (f"killed {delay}s after {phase} (a run takes {duration:.2f}s): in between "
                                    f"(tables {differs})")
        outcomes.append(("after", phase, delay, was_killed, db))
        assert was_killed or not run_folder(db).exists()  # committed and not killed: its folder is gone

    kinds = {kind for kind, *_ in outcomes}
    assert kinds == {"before", "after"}, [(k, p, d, w) for k, p, d, w, _ in outcomes]
    for kind, phase, delay, was_killed, db in outcomes:
        if phase in ("staging", "planned"):  # killed before any result was written: never committed
            assert kind == "before" and was_killed, (phase, delay)
            assert run_folder(db).exists() and (run_folder(db) / "planned").exists() is (phase == "planned")

    # a store left as after (killed or not): the same extract again is a repeat, and a folder left by a kill
    # between the commit and its removal is removed then
    for db in [db for kind, _, _, _, db in sorted(outcomes, key=lambda o: not o[3]) if kind == "after"][:3]:
        assert b"repeat of run 2" in scan_command(extract, db, timeout).stdout
        assert not default_parts_dir(db).exists() or not any(default_parts_dir(db).iterdir())

    # stores left as before: the next run says what it did with the killed run's folder, and completes
    expected = {"planned": b"resumed interrupted run 2", "staging": b"removed the parts of an interrupted run"}
    for phase, note in expected.items():
        db = next(db for kind, p, _, _, db in outcomes if kind == "before" and p == phase)
        rerun = scan_command(extract, db, timeout)
        assert note in rerun.stdout and b"complete" in rerun.stdout, rerun.stdout
        assert snapshot(db, clock=False) == after and not default_parts_dir(db).exists()
        assert b"repeat of run 2" in scan_command(extract, db, timeout).stdout
        assert query(db, "select run_id, status, repeat_of from v_runs order by run_id") == [
            (1, "complete", None), (2, "complete", None), (3, "repeat", 2)]
    print(f"\nrun {duration:.1f}s; outcomes: " + ", ".join(f"{p}+{d}→{k}" for k, p, d, _, _ in outcomes))
