"""Benchmark: the workspace's pages on the whole real corpus (1.1M firms), server time per request.

The store is the one ``regscreen scan`` makes of ../shared/data/registry/erd_1978_2004_all.parquet
(``--store`` reuses one; without it the scan runs first into a temporary folder, about two minutes).
The app (``create_app``, as ``regscreen serve`` builds it) runs under uvicorn in this process on a
free loopback port, with an accounts file in a temporary folder (the store is only read). A logged-in
client requests each page ``--repeats`` times; the script prints, per page, the median and maximum
of the server's own time (its Server-Timing header: routing, session, the snapshot query, rendering)
and of the wall time seen by the client. The goal (issue 16): the queue in ≤ 300 ms server time.

With ``--decision`` it also copies the store and times a decision: the POST (the write transaction
under the run lock, then publishing the snapshot), and until the queue no longer lists the firm.

    .venv/bin/python bench/web_queue.py [--store registry.duckdb] [--repeats 20] [--decision]
"""

import argparse
from http.cookiejar import CookieJar
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
import urllib.parse
import urllib.request

import uvicorn

from screening.settings import get_settings
from screening.store.database import reading
from screening.web.accounts import add_user
from screening.web.app import create_app
from screening.web.config import WebConfig

CORPUS = get_settings().registry_dir / "erd_1978_2004_all.parquet"
GOAL_MS = 300
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def store_of_corpus(folder: Path) -> Path:
    db = folder / "registry.duckdb"
    print(f"scanning {CORPUS} into {db} …", file=sys.stderr)
    subprocess.run([str(Path(sys.executable).with_name("regscreen")), "scan", str(CORPUS), "--db", str(db)], check=True)
    return db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """A browser-like client: cookies kept, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, float, float]:
        """(status, body, server ms, wall ms)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            answer = self.opener.open(self.base + path, body, timeout=120)
        except urllib.error.HTTPError as error:
            answer = error
        text = answer.read().decode()
        wall = (time.perf_counter() - started) * 1000
        server = float(answer.headers.get("Server-Timing", "dur=nan").split("dur=")[1])
        return answer.status, text, server, wall

    def log_in(self, name: str, password: str) -> str:
        token = TOKEN.search(self.request("/login")[1])[1]
        status = self.request("/login", {"username": name, "password": password, "csrf_token": token})[0]
        assert status == 303, status
        return TOKEN.search(self.request("/")[1])[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def serve(config: WebConfig) -> tuple[uvicorn.Server, str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def pages(db: Path) -> list[tuple[str, str]]:
    """(what, path) of every page measured, with values that exist in this store."""
    with reading(db) as con:
        top, region = con.execute("select credit_code, region from v_watchlist_current order by priority limit 1").fetchone()
        busiest = con.execute("select region from v_watchlist_current group by region order by count(*) desc limit 1").fetchone()[0]
        category = con.execute("select lead_category from v_watchlist_current group by all order by count(*) desc limit 1").fetchone()[0]
        total = con.execute("select count(*) from v_review_queue").fetchone()[0]
    quoted = urllib.parse.quote
    return [
        ("queue, page 1 (no filter)", "/"),
        (f"queue, last page ({total:,} firms)", f"/?page={max(1, -(-total // 50))}"),
        ("queue, lead regulator 金融办", "/?regulator=" + quoted("金融办")),
        (f"queue, province {busiest[:2]}", f"/?province={busiest[:2]}"),
        (f"queue, province and region {busiest}", f"/?province={busiest[:2]}&region={busiest}"),
        (f"queue, category {category}", "/?category=" + quoted(category)),
        ("queue, use claim", "/?use=claim"),
        ("queue, abnormal", "/?abnormal=1"),
        ("queue, hold", "/?hold=1"),
        ("queue, status new + abnormal no", "/?status=new&abnormal=0"),
        ("queue, decided (all)", "/?decided=all"),
        ("queue, search name 投资管理", "/?q=" + quoted("投资管理")),
        ("queue, search code prefix 9131", "/?q=9131"),
        ("queue, search that finds nothing", "/?q=" + quoted("不存在的企业名称")),
        (f"firm page {top}", f"/firms/{top}"),
        ("runs", "/runs"),
        ("hand-offs", "/handoffs"),
    ]


def measure(client: Client, path: str, repeats: int) -> tuple[list[float], list[float]]:
    client.request(path)  # warm
    servers, walls = [], []
    for _ in range(repeats):
        status, _, server, wall = client.request(path)
        assert status == 200, (path, status)
        servers.append(server)
        walls.append(wall)
    return servers, walls


def time_decision(db: Path, accounts: Path, folder: Path) -> None:
    copy = folder / "decision" / "registry.duckdb"
    copy.parent.mkdir()
    shutil.copy2(db, copy)
    server, base = serve(WebConfig(db=copy, accounts=accounts))
    try:
        client = Client(base)
        token = client.log_in("bench", "bench-password")
        with reading(copy) as con:
            code = con.execute("select credit_code from v_review_queue order by priority limit 1").fetchone()[0]
        started = time.perf_counter()
        status, _, server_ms, wall = client.request(f"/firms/{code}/decision",
                                                    {"decision": "confirm", "reason": "bench", "csrf_token": token})
        assert status == 303, status
        while code in client.request("/")[1]:
            time.sleep(0.01)
        seen = (time.perf_counter() - started) * 1000
        print(f"\ndecision on {code}: POST {wall:.0f} ms (server {server_ms:.0f} ms); "
              f"gone from the queue {seen:.0f} ms after the POST began")
    finally:
        server.should_exit = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="A store of the whole corpus (default: scan it into a temporary folder).")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--decision", action="store_true", help="Also time a decision (on a copy of the store).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="web-bench-") as temp:
        folder = Path(temp)
        db = args.store.absolute() if args.store else store_of_corpus(folder)
        accounts = folder / "accounts.sqlite"
        add_user(accounts, "bench", "analyst", "bench-password")
        server, base = serve(WebConfig(db=db, accounts=accounts))
        client = Client(base)
        client.log_in("bench", "bench-password")
        print(f"store {db}; {args.repeats} requests per page, after one warm-up; times in ms\n")
        print(f"{'page':<48} {'server median':>13} {'server max':>10} {'wall median':>11} {'wall max':>9}")
        worst = 0.0
        for what, path in pages(db):
            servers, walls = measure(client, path, args.repeats)
            median = statistics.median(servers)
            if what.startswith("queue"):
                worst = max(worst, median)
            print(f"{what:<48} {median:>13.1f} {max(servers):>10.1f} {statistics.median(walls):>11.1f} {max(walls):>9.1f}")
        server.should_exit = True
        print(f"\nslowest queue median {worst:.1f} ms: goal ≤ {GOAL_MS} ms {'met' if worst <= GOAL_MS else 'NOT met'}")
        if args.decision:
            time_decision(db, accounts, folder)


if __name__ == "__main__":
    main()
