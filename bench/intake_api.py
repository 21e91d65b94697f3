"""Benchmark: one application at a time over HTTP, as a registration counter asks (issue 17: median ≤ 20 ms,
p99 ≤ 100 ms on a warm server).

Starts the counter's app (``screening.web.applications_api:app_from_settings``) in a real uvicorn
process on 127.0.0.1 with a fresh store, makes an API key with ``regscreen apikey add``, warms the
server with 20 requests, then sends 200 sequential requests with one httpx client (keep-alive) and
prints the median, p90, p99 and max latency of the whole round trip (each answer is given only after
its check is fsynced in the journal). Then the same 200 again while a "nightly run" holds the store
(its run lock and DuckDB's write lock): answers must not wait for it. Applications: bench/intake_applications.py.
At the end the server is stopped (SIGTERM: its last flush) and the store must hold every check.

    .venv/bin/python bench/intake_api.py [--requests 200] [--keep DIR]
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from intake_applications import api_body, applications  # noqa: E402

from screening.store.lock import lock_path  # noqa: E402

BIN = Path(sys.executable).parent
APP = "screening.web.applications_api:app_from_settings"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_key(db: Path) -> str:
    result = subprocess.run([str(BIN / "regscreen"), "apikey", "add", "基准测试", "--db", str(db)],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "REGSCREEN_DB_PATH": str(db)}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", APP, "--factory", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning"], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/api/applications/check", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 120 s")


def timed(client: httpx.Client, url: str, bodies: list[dict]) -> tuple[list[float], Counter]:
    latencies, decisions = [], Counter()
    for body in bodies:
        started = time.perf_counter()
        response = client.post(url, json=body)
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        decisions[response.json()["decision"]] += 1
    return latencies, decisions


def describe(label: str, latencies: list[float], decisions: Counter) -> None:
    ordered = sorted(latencies)
    p = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    print(f"{label}: n={len(ordered)} median {statistics.median(ordered):.1f} ms, p90 {p(0.90):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, max {ordered[-1]:.1f} ms; {dict(decisions)}")


def held_store(db: Path):
    """A stand-in for a nightly run: the run lock and DuckDB's write lock on the store, in another process."""
    return subprocess.Popen(
        [sys.executable, "-c", "import duckdb, fcntl, sys\n"
         f"lock = open({str(lock_path(db))!r}, 'a+'); fcntl.flock(lock, fcntl.LOCK_EX)\n"
         f"con = duckdb.connect({str(db)!r}); con.execute('begin transaction')\n"
         "print('holding', flush=True); sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="intake_api_"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "registry.duckdb"
    key, port = make_key(db), free_port()
    bodies = [api_body(row) for row in applications(20 + 2 * args.requests)]
    server = start_server(db, port)
    url = f"http://127.0.0.1:{port}/api/applications/check"
    try:
        with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            timed(client, url, bodies[:20])  # warm-up
            describe("sequential requests", *timed(client, url, bodies[20:20 + args.requests]))
            holder = held_store(db)
            assert holder.stdout.readline().strip() == "holding"
            try:
                describe("… while a run holds the store", *timed(client, url, bodies[20 + args.requests:]))
            finally:
                holder.communicate("")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("select count(*) from application_checks").fetchone()[0]
    print(f"checks recorded in the store after the server stopped: {stored} of {20 + 2 * args.requests}")


if __name__ == "__main__":
    main()
