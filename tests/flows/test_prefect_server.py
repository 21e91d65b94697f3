"""Integration: a real Prefect server on 127.0.0.1, the deployment from prefect.yaml on a process
work pool, one triggered run of it through `regscreen worker`, and its result checked in DuckDB and
through the Prefect API; the worker stopped by SIGTERM, idle and in the middle of a flow run.

The server, the work pool and the workers are started by these tests with a temporary PREFECT_HOME
and stopped at the end; nothing leaves the loopback interface.
"""

import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from screening.settings import REPO_ROOT
from screening.store.database import open_store

PREFECT = Path(sys.executable).parent / "prefect"
REGSCREEN = Path(sys.executable).parent / "regscreen"
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
        "REGSCREEN_DROP_SETTLE_SECONDS": "1",  # the test's extract is copied in just before the run
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
    prefect(server, "work-pool", "create", "regscreen-process", "--type", "process", "--overwrite")
    prefect(server, "deploy", "--all")
    deployment = api(server, "GET", "/deployments/name/nightly-registry-scan/nightly-registry-scan")
    schedules = [s["schedule"] for s in deployment["schedules"]]
    assert [{key: s.get(key) for key in ("cron", "timezone", "day_or")} for s in schedules] == [
        {"cron": "0 2 * * *", "timezone": "Asia/Shanghai", "day_or": True}]  # one schedule: 02:00 Beijing time
    prefect(server, "deployment", "run", "nightly-registry-scan/nightly-registry-scan",
            "--param", f"drop_dir={drop}", "--param", f"db={db}", "--param", f"export_dir={tmp_path / 'handoff'}")
    done = subprocess.run([str(REGSCREEN), "worker", "--pool", "regscreen-process", "--run-once"], env=server,
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"regscreen worker failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    runs = api(server, "POST", "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment["id"]]}},
                                                      "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})
    assert len(runs) == 1
    con = open_store(db)
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


# ---------------------------------------------------------------- the worker and SIGTERM

SLOW_FLOW = """
import time

from prefect import flow


@flow
def slow_flow() -> None:
    print("slow flow started", flush=True)
    time.sleep(600)
"""
SLOW_DEPLOYMENT = """
name: slow
prefect-version: 3.9.1
pull:
  - prefect.deployments.steps.set_working_directory:
      directory: "{folder}"
deployments:
  - name: slow
    entrypoint: slow_flow.py:slow_flow
    work_pool:
      name: regscreen-process
"""


def start_worker(env: dict, log: Path) -> tuple[subprocess.Popen, float]:
    """A `regscreen worker` process and the seconds it took to say it started (its start-up time)."""
    started = time.monotonic()
    handle = open(log, "w")
    process = subprocess.Popen([str(REGSCREEN), "worker", "--pool", "regscreen-process"], env=env, cwd=REPO_ROOT,
                               stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = started + 300
    while "started!" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"regscreen worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return process, time.monotonic() - started


def stop_with_sigterm(process: subprocess.Popen, bound: float) -> float:
    """Send SIGTERM; the seconds until the process exited (it is killed past twice ``bound``)."""
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=2 * bound)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return time.monotonic() - sent


def stop_bound(startup: float) -> float:
    """10 s, the issue's bound; more only when this machine is so loaded that starting took longer."""
    return max(10.0, startup)


def test_an_idle_worker_stops_within_10_s_of_sigterm(server, tmp_path):
    prefect(server, "work-pool", "create", "regscreen-process", "--type", "process", "--overwrite")
    process, startup = start_worker(server, tmp_path / "worker.log")
    stopped = stop_with_sigterm(process, stop_bound(startup))
    output = (tmp_path / "worker.log").read_text()
    assert stopped <= stop_bound(startup), f"{stopped:.1f} s to stop (start-up {startup:.1f} s):\n{output[-2000:]}"
    assert process.returncode == 0 and "worker stopped" in output and "Traceback" not in output


def test_a_worker_running_a_flow_stops_within_10_s_of_sigterm_and_the_run_does_not_stay_running(server, tmp_path):
    (tmp_path / "slow_flow.py").write_text(SLOW_FLOW, encoding="utf-8")
    (tmp_path / "prefect.yaml").write_text(SLOW_DEPLOYMENT.format(folder=tmp_path), encoding="utf-8")
    prefect(server, "work-pool", "create", "regscreen-process", "--type", "process", "--overwrite")
    deployed = subprocess.run([str(PREFECT), "deploy", "--all"], env=server, cwd=tmp_path, capture_output=True,
                              text=True, timeout=300)
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
    deployment = api(server, "GET", "/deployments/name/slow-flow/slow")
    flow_run = api(server, "POST", f"/deployments/{deployment['id']}/create_flow_run", {})
    log = tmp_path / "worker.log"
    process, startup = start_worker(server, log)
    deadline = time.monotonic() + 600
    while "slow flow started" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"the flow run did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    assert children, "the flow run's process is not found"
    stopped = stop_with_sigterm(process, stop_bound(startup))
    output = log.read_text()
    assert stopped <= stop_bound(startup), f"{stopped:.1f} s to stop (start-up {startup:.1f} s):\n{output[-3000:]}"
    assert "worker stopped" in output
    time.sleep(1)
    alive = [pid for pid in children if subprocess.run(["kill", "-0", pid], capture_output=True).returncode == 0]
    if alive:
        os.killpg(process.pid, signal.SIGKILL)
    assert alive == [], f"the flow run's processes outlived the worker:\n{output[-3000:]}"
    state = api(server, "GET", f"/flow_runs/{flow_run['id']}")["state"]
    assert state["type"] == "CRASHED", state  # said so, not left RUNNING for ever
