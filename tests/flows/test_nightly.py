"""The nightly flow, run in-process against Prefect's test harness (one per session)."""

from datetime import date
import os
from pathlib import Path
import shutil
import time

import duckdb
import pytest
import yaml
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.testing.utilities import prefect_test_harness

from conftest import query
from flows.nightly import nightly_registry_scan
from screening.settings import REPO_ROOT
from screening.store import commit, scan
from screening.errors import ConfigError, ExtractError, RunInProgress
from screening.store.lock import run_lock
from sample_watchlist import SAMPLE_WATCHLIST, current_watchlist

SAMPLE = REPO_ROOT / "data" / "sample" / "registrations_sample.csv"


@pytest.fixture(scope="session", autouse=True)
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    """Extracts copied in by a test are complete at once (the settle time is tested on its own)."""
    from screening.settings import get_settings

    monkeypatch.setenv("REGSCREEN_DROP_SETTLE_SECONDS", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


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
    assert current_watchlist(db) == SAMPLE_WATCHLIST


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
    db = tmp_path / "store.duckdb"
    runs = flow(drop_dir=drop, db=db, as_of=date(2026, 11, 22), chunk_rows=5, export_dir=None)
    assert [(r["rows_in"], r["rows_loaded"], r["rows_rejected"], r["firms_screened"]) for r in runs] == [(24, 22, 2, 22)]
    assert current_watchlist(db) == SAMPLE_WATCHLIST  # the same watch list as on threads


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


def test_the_flow_hands_off_to_the_regulators_it_is_given_by_any_of_their_names(drop, tmp_path):
    db = tmp_path / "store.duckdb"
    run_flow(drop, db, regulators=["jrb", "证监局"])
    assert {p.name.split("_")[0] for p in (tmp_path / "handoff").iterdir()} == {"jrb", "csrc"}


def test_an_unknown_regulator_stops_the_flow_before_any_run(drop, tmp_path):
    db = tmp_path / "store.duckdb"
    with pytest.raises(ConfigError, match="unknown regulator '发改委'; one of 银监局, 证监局, 保监局, 人民银行, 金融办"):
        run_flow(drop, db, regulators=["发改委"])
    assert not db.exists() and not (tmp_path / "handoff").exists()


def test_the_flow_logs_mask_id_numbers(caplog):
    import logging

    import flows.nightly  # noqa: F401  (installs the filter)

    with caplog.at_level(logging.INFO):
        logging.getLogger("prefect.flow_runs").info("rejected %s: 法定代表人 张三 %s", 3, "11010519491231002X")
        logging.getLogger("prefect.task_runs").error("task failed: 李四110105 19491231 0021")
    assert "11010519491231002X" not in caplog.text and "19491231" not in caplog.text
    assert "张三 110105********002X" in caplog.text and "李四110105 ******** 0021" in caplog.text
# ---------------------------------------------------------------- the drop folder's contract in the flow

SECRET = "root:x:0:0:secret-line-of-a-file"


def aged(path: Path, seconds: float = 3600) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def test_bad_files_are_refused_and_never_block_a_good_extract(drop, tmp_path, caplog):
    import polars as pl

    aged(drop / "extract_1.csv", 60)
    (drop / "0_empty.csv").write_bytes(b"")
    aged(drop / "0_empty.csv")  # older than the good extract
    book = tmp_path / "book.xlsx"
    pl.read_csv(SAMPLE, infer_schema=False).write_excel(book)
    (drop / "1_xlsx_saved_as.csv").write_bytes(book.read_bytes())
    (drop / "2_passwd.csv").symlink_to("/etc/passwd")
    (drop / "3_copy_of_a_system_file.csv").write_text(f"{SECRET}\nbin:x:1:1\n")
    (drop / "4_csv_named.parquet").write_bytes(SAMPLE.read_bytes())
    db = tmp_path / "store.duckdb"
    runs = run_flow(drop, db)
    assert [(Path(r["extract_file"]).name, r["rows_in"]) for r in runs] == [("extract_1.csv", 24)]
    rejected = drop / "rejected"
    names = sorted(p.name for p in rejected.iterdir())
    refused = ["0_empty.csv", "1_xlsx_saved_as.csv", "2_passwd.csv", "3_copy_of_a_system_file.csv", "4_csv_named.parquet"]
    assert names == sorted(refused + [name + ".reason.txt" for name in refused])
    assert (rejected / "2_passwd.csv").is_symlink() and Path("/etc/passwd").exists()
    reasons = {name: (rejected / f"{name}.reason.txt").read_text(encoding="utf-8") for name in refused}
    assert "empty file (0 bytes)" in reasons["0_empty.csv"]
    assert "named .csv but its content is a zip archive or an .xlsx workbook" in reasons["1_xlsx_saved_as.csv"]
    assert "a symbolic link" in reasons["2_passwd.csv"]
    assert "no column for 'name'" in reasons["3_copy_of_a_system_file.csv"]
    assert "named .parquet but its content is text" in reasons["4_csv_named.parquet"]
    printed = caplog.text
    assert SECRET not in printed and "root:x" not in printed and "RecursionError" not in printed
    assert printed.count("refused ") == 5 and "Traceback" not in printed
    assert run_flow(drop, db) == []  # the next night: nothing new, nothing failing


def test_a_file_still_being_copied_is_never_read_half_and_is_loaded_once_complete(drop, tmp_path, monkeypatch):
    import threading

    from screening.settings import get_settings

    monkeypatch.setenv("REGSCREEN_DROP_SETTLE_SECONDS", "1")
    get_settings.cache_clear()
    (drop / "extract_1.csv").unlink()
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    copying, finished = drop / "copying.csv", threading.Event()
    copying.write_bytes(b"".join(lines[:11]))

    def sender():  # keeps writing (blank lines the reader skips) until told to finish
        while not finished.is_set():
            with open(copying, "ab") as handle:
                handle.write(b"\n")
            time.sleep(0.2)
        with open(copying, "ab") as handle:
            handle.write(b"".join(lines[11:]))

    writer = threading.Thread(target=sender)
    writer.start()
    db = tmp_path / "store.duckdb"
    try:
        assert run_flow(drop, db) == []  # still changing over the settle time: not read
    finally:
        finished.set()
        writer.join()
        get_settings.cache_clear()
    time.sleep(1.5)
    monkeypatch.setenv("REGSCREEN_DROP_SETTLE_SECONDS", "1")
    try:
        runs = run_flow(drop, db)
    finally:
        get_settings.cache_clear()
    assert [(r["run_id"], r["rows_in"], r["rows_loaded"] + r["rows_rejected"], r["firms_missing"]) for r in runs] == [
        (1, 24, 24, 0)]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from runs").fetchall() == [(1,)]
    con.close()


def test_a_missing_drop_folder_is_created_and_a_file_in_its_place_fails_at_once(tmp_path, monkeypatch):
    from screening.store import drop as store_drop

    assert run_flow(tmp_path / "new_drop", tmp_path / "store.duckdb") == []
    assert (tmp_path / "new_drop").is_dir()
    calls = []
    monkeypatch.setattr(store_drop, "take_pending", lambda *args, **kwargs: calls.append(args))
    (tmp_path / "not_a_folder").write_text("x")
    with pytest.raises(ConfigError, match="not_a_folder: the drop folder is not a folder"):
        run_flow(tmp_path / "not_a_folder", tmp_path / "store.duckdb")
    assert calls == []  # failed before any task: nothing retried


@pytest.mark.parametrize(("error", "retried"), [
    (OSError("stale NFS handle"), True), (PermissionError("denied"), True), (TimeoutError(), True),
    (ConfigError("no drop folder"), False), (ExtractError("bad file"), False),
    (ValueError("bug"), False),
])
def test_only_io_errors_are_retried(error, retried):
    from prefect.states import Failed

    from flows.failures import io_errors_only

    assert io_errors_only(None, None, Failed(data=error)) is retried


def test_nightly_takes_regscreen_chunk_rows(drop, tmp_path, monkeypatch):
    from click.testing import CliRunner

    import screening.cli as cli
    from screening.settings import get_settings

    import pyarrow.parquet as pq

    sizes = []
    parts_of = scan.parts_to_screen
    monkeypatch.setattr(scan, "parts_to_screen", lambda plan: sizes.append(
        (plan.options.chunk_rows, [pq.read_metadata(p).num_rows for p in parts_of(plan)])) or parts_of(plan))
    monkeypatch.setenv("REGSCREEN_CHUNK_ROWS", "7")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.main, ["nightly", str(drop), "--db", str(tmp_path / "store.duckdb"),
                                               "--runner", "threads"], catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    chunk_rows, parts = sizes[0]  # the parts to screen (the commit asks again: none left)
    assert chunk_rows == 7 and len(parts) >= 4 and max(parts) <= 7 and sum(parts) == 22  # 22 firms loaded
    assert all(rows == 7 and later == [] for rows, later in sizes[1:])
    assert "1 extract loaded" in result.output
    assert (tmp_path / "handoff").is_dir()  # beside the store, not in the current folder


def test_the_auto_runner_screens_a_large_drop_on_dask_and_closes_it_cleanly(drop, tmp_path, caplog, capfd):
    from flows.runners import task_runner

    flow = nightly_registry_scan.with_options(task_runner=task_runner("auto", workers=2, dask_min_rows=10))
    runs = flow(drop_dir=drop, db=tmp_path / "store.duckdb", as_of=date(2026, 11, 22), chunk_rows=5, hand_off=False)
    assert runs[0]["firms_screened"] == 22
    printed = caplog.text + "".join(capfd.readouterr())  # the flow's log, and what the worker processes wrote
    assert "screening on dask" in printed and "Creating a new Dask cluster" in printed
    assert "still alive after" not in printed and "killing" not in printed
    assert "Starting temporary server" not in printed  # the workers report to the flow's API
