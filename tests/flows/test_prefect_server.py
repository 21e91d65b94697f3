"""Integration: a real Prefect server on 127.0.0.1, the deployment from prefect.yaml on a process
work pool, one triggered run of it, and its result checked in DuckDB and through the Prefect API.

The server, the work pool and the worker are started by this test with a temporary PREFECT_HOME
and stopped at the end; nothing leaves the loopback interface.
"""

import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import time

import duckdb
import httpx
import pytest

from screening.settings import REPO_ROOT

PREFECT = Path(sys.executable).parent / "prefect"
SAMPLE = REPO_ROOT / "data" / "sample" / "registrations_sample.csv"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect_home")
    port = free_port()
    env = os.environ | {
        "PREFECT_HOME": str(home), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_CLI_PROMPT": "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1", "REGSCREEN_HOME": str(REPO_ROOT),
    }
    log = open(home / "server.log", "w")
    process = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_health(env["PREFECT_API_URL"], process, home / "server.log")
        yield env
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for_health(api: str, process: subprocess.Popen, log: Path, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"prefect server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"prefect server not healthy after {seconds} s: {log.read_text()[-2000:]}")


def prefect(env: dict, *args: str, timeout: int = 300) -> str:
    done = subprocess.run([str(PREFECT), *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def api(env: dict, method: str, path: str, body: dict | None = None):
    response = httpx.request(method, env["PREFECT_API_URL"] + path, json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def test_deployment_runs_on_a_real_server(server, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(SAMPLE, drop / "extract.csv")
    db = tmp_path / "store.duckdb"
    prefect(server, "work-pool", "create", "regscreen-process", "--type", "process")
    prefect(server, "deploy", "--all")
    deployment = api(server, "GET", "/deployments/name/nightly-registry-scan/nightly-registry-scan")
    schedules = [s["schedule"] for s in deployment["schedules"]]
    assert schedules == [{"cron": "0 2 * * *", "timezone": "Asia/Shanghai", "day_or": True}] or (
        schedules[0]["cron"] == "0 2 * * *" and schedules[0]["timezone"] == "Asia/Shanghai")
    prefect(server, "deployment", "run", "nightly-registry-scan/nightly-registry-scan",
            "--param", f"drop_dir={drop}", "--param", f"db={db}", "--param", f"export_dir={tmp_path / 'handoff'}")
    prefect(server, "worker", "start", "--pool", "regscreen-process", "--run-once", timeout=600)
    runs = api(server, "POST", "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment["id"]]}},
                                                      "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})
    assert len(runs) == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select status, rows_in, rows_loaded, rows_rejected from runs").fetchall() == [
        ("complete", 24, 22, 2)]
    assert con.execute("select count(*) from v_watchlist_current").fetchall()[0][0] == 13
    con.close()
    artifacts = api(server, "POST", "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [runs[0]["id"]]}}})
    kinds = {a["key"]: a for a in artifacts}
    assert set(kinds) == {"nightly-registry-scan", "nightly-new-firms"}
    assert "rows in = 22 loaded + 2 rejected" in kinds["nightly-registry-scan"]["data"].replace("24 rows in", "rows in")
    assert kinds["nightly-new-firms"]["type"] == "table"
    assert sorted(p.name.split("_")[0] for p in (tmp_path / "handoff").glob("*.xlsx")) == [
        "cbrc", "circ", "csrc", "jrb", "pbc"]
