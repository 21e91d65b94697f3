"""A real kill: `regscreen scan` SIGKILLed at many points leaves the store exactly before or exactly after.

A store holding one run gets a 30,000-row extract (new, changed and unchanged firms). A reference
run on a copy gives the state "after"; then copies of the store are scanned by the installed command
and killed after a delay (fixed points, fractions of the measured run time, and seeded random
points), and each store must equal "before" (every table, every column) or "after" (every table,
every column but the run's clock times), never anything in between. Half the points are measured
from the moment DuckDB's write-ahead log appears (the run has started writing), so that kills land
inside the write transaction, its commit and the checkpoint. A rerun then completes and the next one
is a repeat.
"""

from datetime import date
import hashlib
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

from conftest import write_csv
from screening.store.scan import scan

pytestmark = pytest.mark.slow

REGSCREEN = Path(sys.executable).parent / "regscreen"
ROWS = 30_000
BASE_ROWS = 3_000
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "登记状态", "经营异常"]
TERMS = ("投资管理", "理财", "网络借贷", "交易中心", "金融信息服务")


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


def killed_after(extract: Path, db: Path, delay: float, at_commit: bool = False) -> bool:
    """Run the scan and SIGKILL it ``delay`` seconds after its start, or (``at_commit``) after DuckDB's
    write-ahead log appears, which is when the run starts writing; False when it had finished by itself."""
    wal = db.with_name(db.name + ".wal")
    process = subprocess.Popen(command(extract, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if at_commit:
            while process.poll() is None and not wal.exists():
                time.sleep(0.0005)
        process.wait(timeout=delay)
        assert process.returncode == 0, process.stderr.read().decode("utf-8", "replace")
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    finally:
        process.stderr.close()


def test_kill_leaves_the_store_before_or_after(tmp_path, screener):
    base_extract = write_csv(tmp_path / "base.csv", [HEADER, *(firm(i, 1) for i in range(BASE_ROWS))])
    extract = write_csv(tmp_path / "big.csv", [HEADER, *(firm(i, 2) for i in range(ROWS))])
    base = tmp_path / "base.duckdb"
    scan(base_extract, base, screener, as_of=date(2024, 6, 1))
    assert not base.with_name(base.name + ".wal").exists()
    before, before_unclocked = snapshot(base), snapshot(base, clock=False)

    reference = tmp_path / "reference.duckdb"
    shutil.copy(base, reference)
    started = time.monotonic()
    done = subprocess.run(command(extract, reference), capture_output=True, timeout=120)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    after = snapshot(reference, clock=False)
    assert after != before_unclocked
    assert after["runs"][0] == 2 and after["firms"][0] == ROWS + BASE_ROWS // 50

    rng = random.Random(20160412)
    points = [(delay, False) for delay in sorted({0.5, 1.5, 3.0, duration * 0.9, duration * 1.5,
                                                 *(rng.uniform(0.3, duration) for _ in range(3))})]
    points += [(offset, True) for offset in (0.0, 0.005, 0.02, 0.04, 0.07, 0.1, 0.15, 0.25)]
    outcomes = []
    for i, (delay, at_commit) in enumerate(points):
        db = tmp_path / f"killed{i}.duckdb"
        shutil.copy(base, db)
        was_killed = killed_after(extract, db, delay, at_commit)
        state = snapshot(db)
        if state == before:
            outcomes.append(("before", delay, was_killed, db, at_commit))
            continue
        unclocked = snapshot(db, clock=False)
        differs = sorted(t for t in after if unclocked.get(t) != after[t])
        assert unclocked == after, (f"killed {delay:.3f}s after {'writing began' if at_commit else 'the start'} "
                                    f"(a run takes {duration:.2f}s): in between (tables {differs})")
        outcomes.append(("after", delay, was_killed, db, at_commit))

    kinds = {kind for kind, *_ in outcomes}
    assert kinds == {"before", "after"}, [(k, round(d, 3), w, c) for k, d, w, _, c in outcomes]
    assert any(was_killed for kind, _, was_killed, _, _ in outcomes if kind == "before")

    # a store left as after (killed or not): the same extract again is a repeat
    db = next(db for kind, _, _, db, _ in sorted(outcomes, key=lambda o: not o[2]) if kind == "after")
    repeat = subprocess.run(command(extract, db), capture_output=True, timeout=120)
    assert repeat.returncode == 0 and b"repeat of run 2" in repeat.stdout, repeat.stderr.decode("utf-8", "replace")

    # a store left as before, preferably by a kill while writing: the rerun completes (the kernel released the
    # dead run's lock), and the next one is a repeat
    db = next(db for kind, _, killed, db, at_commit in sorted(outcomes, key=lambda o: not (o[2] and o[4]))
              if kind == "before")
    rerun = subprocess.run(command(extract, db), capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode("utf-8", "replace")
    assert b"complete" in rerun.stdout
    assert snapshot(db, clock=False) == after
    again = subprocess.run(command(extract, db), capture_output=True, timeout=120)
    assert again.returncode == 0 and b"repeat of run 2" in again.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select run_id, status, repeat_of from runs order by run_id").fetchall() == [
            (1, "complete", None), (2, "complete", None), (3, "repeat", 2)]
    finally:
        con.close()
