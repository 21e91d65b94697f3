"""The nightly flow, run in-process against Prefect's test harness (one per session)."""

from datetime import date
from pathlib import Path
import shutil

import duckdb
import pytest
import yaml
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.testing.utilities import prefect_test_harness

from conftest import query
from flows.nightly import nightly_registry_scan
from screening.settings import REPO_ROOT
from screening.store import commit
from screening.errors import RunInProgress
from screening.store.lock import run_lock

SAMPLE = REPO_ROOT / "data" / "sample" / "registrations_sample.csv"


@pytest.fixture(scope="session", autouse=True)
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "extract_1.csv")
    return folder


def run_flow(drop: Path, db: Path, **options) -> list[dict]:
    flow = nightly_registry_scan.with_options(task_runner=ThreadPoolTaskRunner(max_workers=2))
    options.setdefault("export_dir", db.parent / "handoff")
    return flow(drop_dir=drop, db=db, as_of=date(2026, 11, 22), chunk_rows=5, **options)


def store_tables(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                           "where table_type = 'BASE TABLE' order by 1").fetchall()]
        return {name: sorted(map(repr, con.execute(f'select * from "{name}"').fetchall())) for name in names}
    finally:
        con.close()


def test_flow_processes_each_extract_once(drop, tmp_path):
    db = tmp_path / "store.duckdb"
    runs = run_flow(drop, db)
    assert [(r["run_id"], r["status"], r["rows_in"], r["rows_loaded"] + r["rows_rejected"]) for r in runs] == [
        (1, "complete", 24, 24)]
    assert run_flow(drop, db) == []  # nothing new in the drop folder
    shutil.copy(SAMPLE, drop / "same_bytes_again.csv")
    assert run_flow(drop, db) == []  # processed once, by sha256
    assert query(db, "select count(*) from v_watchlist_current") == [(13,)]


def test_several_extracts_in_a_night_are_processed_in_order(drop, tmp_path):
    second = (drop / "extract_1.csv").read_text(encoding="utf-8").replace("投资管理；资产管理；", "技术开发；", 1)
    (drop / "extract_2.csv").write_text(second, encoding="utf-8")
    runs = run_flow(drop, tmp_path / "store.duckdb")
    assert [(r["run_id"], Path(r["extract_file"]).name, r["firms_changed"]) for r in runs] == [
        (1, "extract_1.csv", 0), (2, "extract_2.csv", 1)]


def test_a_failed_run_leaves_the_store_as_it_was_and_a_rerun_processes_it(drop, tmp_path, monkeypatch):
    db = tmp_path / "store.duckdb"
    run_flow(drop, db)
    before = store_tables(db)
    second = (drop / "extract_1.csv").read_text(encoding="utf-8").replace("投资管理；资产管理；", "技术开发；", 1)
    (drop / "extract_2.csv").write_text(second, encoding="utf-8")

    real = commit.run_step

    def broken(con, name, params=None):
        if name == "watch_list":
            raise OSError("disk full (injected)")
        return real(con, name, params)

    monkeypatch.setattr(commit, "run_step", broken)
    with pytest.raises(OSError, match="injected"):
        run_flow(drop, db)
    assert store_tables(db) == before
    monkeypatch.undo()
    runs = run_flow(drop, db)
    assert [(r["run_id"], Path(r["extract_file"]).name) for r in runs] == [(2, "extract_2.csv")]


def test_two_runs_at_once_do_not_both_write(drop, tmp_path):
    db = tmp_path / "store.duckdb"
    with run_lock(db):
        with pytest.raises(RunInProgress, match="another run holds the store"):
            run_flow(drop, db)
    assert not db.exists()
    assert run_flow(drop, db)[0]["status"] == "complete"


def test_flow_on_a_dask_local_cluster(drop, tmp_path):
    from flows.runners import dask_runner

    flow = nightly_registry_scan.with_options(task_runner=dask_runner(workers=2))
    runs = flow(drop_dir=drop, db=tmp_path / "store.duckdb", as_of=date(2026, 11, 22), chunk_rows=5, export_dir=None)
    assert runs[0]["rows_loaded"] == 22 and runs[0]["firms_screened"] == 22


def test_deployment_schedule_is_nightly_in_beijing_time():
    spec = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    deployment = spec["deployments"][0]
    assert deployment["name"] == "nightly-registry-scan"
    assert deployment["entrypoint"] == "flows/nightly.py:nightly_registry_scan"
    assert deployment["schedules"] == [{"cron": "0 2 * * *", "timezone": "Asia/Shanghai", "active": True}]
    assert deployment["concurrency_limit"] == 1


def test_flow_hands_off_files_and_pushes_the_outbox(drop, tmp_path):
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    received: list[str] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.extend(entry["idempotency_key"] for entry in body["entries"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        db = tmp_path / "store.duckdb"
        run_flow(drop, db, push_endpoint=f"http://127.0.0.1:{server.server_address[1]}/entries")
    finally:
        server.shutdown()
    files = sorted(p.name.split("_")[0] for p in (tmp_path / "handoff").iterdir() if p.suffix == ".xlsx")
    assert files == ["cbrc", "circ", "csrc", "jrb", "pbc"]
    con = duckdb.connect(str(db), read_only=True)
    outbox = con.execute("select idempotency_key, delivered_at is not null from outbox").fetchall()
    con.close()
    assert sorted(received) == sorted(key for key, _ in outbox) and all(done for _, done in outbox)
