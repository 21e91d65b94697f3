"""`push` against a real HTTP receiver on 127.0.0.1 that fails on purpose: nothing lost, nothing twice.

No timing luck: a receiver that must be slow blocks on an event until the test releases it, so the client
always times out; every other request gets a client timeout scaled from the receiver's start-up time
measured in the fixture (at least a second), so a loaded machine does not turn an answer into a timeout."""

from datetime import datetime, timedelta
import hashlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import shutil
import socket
import threading
import time

import httpx
import pytest

from conftest import query
from screening.store import outbox
from screening.handoff.push import batch_key, push
from screening.rules.regulators import load_regulators
from screening.settings import get_settings
from store_scenario import FIRST, P2P, SECOND, Store

NOW = datetime(2026, 1, 5, 9, 0)
REGULATORS = load_regulators(get_settings().keywords_dir)
STARTUPS_PER_TIMEOUT = 20  # the client's timeout: this many times the receiver's measured start-up
LONGEST_BLOCK = 120  # seconds a slow handler waits for its release at most (a test that forgets it ends anyway)


class Receiver:
    """The regulators' side: a de-duplicating store of entries by idempotency key, with scripted failures.

    ``store`` maps key → entry; ``rows`` is what a real receiver would have written (one row per key
    it had not seen); ``answers`` is (Idempotency-Key header, status the receiver answered or None)."""

    def __init__(self, script: list[str]):
        self.script, self.store, self.rows, self.duplicates, self.requests = list(script), {}, [], 0, []
        self.answers: list[tuple[str, int | None]] = []
        self.lock = threading.Lock()
        self.release = threading.Event()  # set: a slow handler may answer (the client has given up by then)
        self.timeout = 1.0  # the client's, set from the measured start-up by the fixture

    def receive(self, body: bytes, header: str) -> str:
        """Keep the batch's new entries; count the keys seen before; return the scripted behaviour."""
        entries = json.loads(body)["entries"]
        keys = [e["idempotency_key"] for e in entries]
        with self.lock:
            behaviour = self.script.pop(0) if self.script else "ok"
            self.requests.append((behaviour, header == hashlib.sha256("\n".join(keys).encode()).hexdigest()))
            self.answers.append((header, {"500": 500, "drop": None}.get(behaviour, 200)))
            if behaviour == "500":
                return behaviour
            for entry in entries:
                if entry["idempotency_key"] in self.store:
                    self.duplicates += 1
                else:
                    self.rows.append(entry)
                self.store.setdefault(entry["idempotency_key"], entry)
        return behaviour

    def twice_200(self) -> set[str]:
        """Idempotency-Keys of batches the receiver answered 200 more than once."""
        keys = [key for key, status in self.answers if status == 200]
        return {key for key in keys if keys.count(key) > 1}


def handler_for(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            behaviour = receiver.receive(body, self.headers.get("Idempotency-Key"))
            if behaviour == "drop":  # a partial answer, then the connection is gone
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"o")
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if behaviour == "slow":  # answers only once released: the client times out whatever the load
                receiver.release.wait(LONGEST_BLOCK)
            status = 500 if behaviour == "500" else 200
            answer = b'{"ok": true}' if status == 200 else b'{"error": "down"}'
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:
                self.close_connection = True

        def do_GET(self):  # the fixture's start-up probe, not a delivery
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    """Start a receiver on 127.0.0.1 (port 0), measure how long it takes to answer a first request, and set
    the client's timeout from that; the test sets its script."""
    made = Receiver([])
    started = time.monotonic()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(made))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    made.url = f"http://127.0.0.1:{server.server_address[1]}/entries"
    assert httpx.get(made.url, timeout=LONGEST_BLOCK).status_code == 204
    made.timeout = max(1.0, STARTUPS_PER_TIMEOUT * (time.monotonic() - started))
    yield made
    made.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, screener) -> Store:
    """A store after two runs: about a dozen outbox entries (made once; each test pushes from a copy)."""
    made = Store(tmp_path_factory.mktemp("two_runs"), screener)
    made.scan(FIRST, day=1)
    made.scan(SECOND, day=2, full=True)
    return made


@pytest.fixture
def store(two_runs, tmp_path, screener) -> Store:
    """A copy of the two-run store of its own (store file, snapshot, lock and secret alike) in tmp_path."""
    folder = tmp_path / "store"
    shutil.copytree(two_runs.dir, folder)
    return Store(folder, screener)


def outbox_keys(db) -> set[str]:
    return {r[0] for r in query(db, "select idempotency_key from outbox")}


def pending(db) -> int:
    """Outbox entries not delivered yet."""
    return query(db, "select count(*) from outbox where delivered_at is null")[0][0]


def send(store, receiver, now=NOW, batch=4):
    return push(store.db, receiver.url, batch, clock=lambda: now, timeout=receiver.timeout, regulators=REGULATORS)


def drain(store, receiver, now=NOW, batch=4) -> datetime:
    """Push every two hours (past any backoff) until nothing is pending; the clock after the last push."""
    for _ in range(20):
        if not pending(store.db):
            return now
        send(store, receiver, now, batch)
        now += timedelta(hours=2)
    raise AssertionError("the outbox never drained")


def assert_each_entry_once(store, receiver) -> None:
    """Zero lost, zero duplicates: the receiver holds every outbox entry exactly once, counted by
    key and by the change it is about (a client that re-keyed a retry would show up here)."""
    received = [row["idempotency_key"] for row in receiver.rows]
    assert set(received) == outbox_keys(store.db)  # zero lost
    assert len(received) == len(set(received)) == len(outbox_keys(store.db))  # zero duplicates
    assert len({(r["credit_code"], r["run_id"], r["status"]) for r in receiver.rows}) == len(received)
    assert pending(store.db) == 0


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: the receiver is down (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/entries"


def test_every_entry_is_received_once_after_failures_and_retries(store, receiver):
    receiver.script = ["500", "ok", "slow", "drop", "ok", "500"]
    keys, now, pushes = outbox_keys(store.db), NOW, 0
    while query(store.db, "select count(*) from outbox where delivered_at is null")[0][0]:
        send(store, receiver, now)
        now, pushes = now + timedelta(hours=2), pushes + 1
        assert pushes < 20
    assert len(keys) >= 10 and set(receiver.store) == keys  # zero lost
    assert_each_entry_once(store, receiver)
    assert receiver.duplicates > 0  # the slow and dropped batches were kept by the receiver, then sent again
    assert len(receiver.twice_200()) == 1  # the slow batch: 200 too late for the client, sent again, 200 again
    assert all(ok for _, ok in receiver.requests)  # every Idempotency-Key header = sha256 of the batch's keys
    log = query(store.db, "select status_code, delivered, error from push_attempts order by attempted_at, delivered")
    failures = [error for _, delivered, error in log if not delivered]
    assert len(failures) == 4 and sum(delivered for _, delivered, _ in log) == len(receiver.requests) - 4
    assert any("HTTP 500" in e for e in failures) and any("Timeout" in e for e in failures)
    assert any("RemoteProtocolError" in e for e in failures)
    assert query(store.db, "select max(attempts) from outbox")[0][0] >= 2
    requests = len(receiver.requests)
    report = send(store, receiver, now + timedelta(days=1))
    assert (report.batches, report.delivered, len(receiver.requests)) == (0, 0, requests)  # never sent again


@pytest.mark.parametrize(
    ("behaviour", "error", "kept_by_receiver"),
    [("500", "HTTP 500", False), ("slow", "ReadTimeout", True), ("drop", "RemoteProtocolError", True)],
    ids=["server-error", "timeout", "dropped-mid-answer"],
)
def test_a_failed_batch_stays_pending_and_is_retried_after_its_backoff(store, receiver, behaviour, error,
                                                                       kept_by_receiver):
    receiver.script = [behaviour]
    report = send(store, receiver, batch=3)
    receiver.release.set()  # the client gave up on the slow answer: let the handler finish
    assert (report.batches, report.delivered, report.failed) == (1, 0, 3) and error in report.errors[0]
    failed = query(store.db, "select attempts, last_error, next_attempt_at from outbox where attempts > 0")
    assert len(failed) == 3 and all(a == 1 and error in e and n == NOW + timedelta(seconds=30) for a, e, n in failed)
    assert len(receiver.store) == (3 if kept_by_receiver else 0)
    waiting = {r[0] for r in query(store.db, "select idempotency_key from outbox where attempts > 0")}
    report = send(store, receiver, NOW + timedelta(seconds=29), batch=3)  # the others go; the failed batch waits
    assert report.delivered == len(outbox_keys(store.db)) - 3 and report.pending == 3
    assert {r[0] for r in query(store.db, "select idempotency_key from outbox where delivered_at is null")} == waiting
    report = send(store, receiver, NOW + timedelta(seconds=30), batch=3)
    assert report.failed == 0 and report.pending == 0 and set(receiver.store) == outbox_keys(store.db)
    assert receiver.duplicates == (3 if kept_by_receiver else 0)
    assert query(store.db, "select count(*) from outbox where delivered_at is null or attempts = 0") == [(0,)]
    assert_each_entry_once(store, receiver)
    assert len(receiver.twice_200()) == (1 if behaviour == "slow" else 0)


class Crash(Exception):
    """The push process dies (killed, power cut) between an answer and writing it to the store."""


def test_a_200_the_client_lost_is_sent_again_answered_200_twice_and_kept_once(store, receiver, monkeypatch):
    real, lost = outbox.record, []

    def crash_after_first_200(db, keys, attempt, backoff):
        if attempt["delivered"] and not lost:
            lost.append(keys)
            raise Crash("killed after the 200, before the store knew")
        return real(db, keys, attempt, backoff)

    monkeypatch.setattr(outbox, "record", crash_after_first_200)
    with pytest.raises(Crash):
        send(store, receiver)
    assert len(receiver.store) == 4 and pending(store.db) == len(outbox_keys(store.db))  # nothing marked
    assert query(store.db, "select count(*) from outbox where attempts > 0") == [(0,)]
    drain(store, receiver)
    assert receiver.twice_200() == {batch_key(lost[0])} and receiver.duplicates == 4
    assert_each_entry_once(store, receiver)


def test_a_receiver_that_is_down_loses_nothing_and_gets_everything_once_when_back(store, receiver, run):
    down, total = refused_url(), len(outbox_keys(store.db))
    report = push(store.db, down, 4, clock=lambda: NOW, timeout=receiver.timeout, regulators=REGULATORS)
    assert (report.batches, report.delivered, report.failed, report.pending) == (1, 0, 4, total)
    assert "ConnectError" in report.errors[0]
    failed = query(store.db, "select attempts, last_error, next_attempt_at from outbox where attempts > 0")
    assert len(failed) == 4 and all(a == 1 and "ConnectError" in e and n == NOW + timedelta(seconds=30)
                                    for a, e, n in failed)
    result = run("push", "--endpoint", down, "--db", store.db, "--now", "2026-01-05T10:00:00",
                 "--timeout", receiver.timeout)
    assert result.exit_code == 1 and "ConnectError" in result.output and f"{total} pending" in result.output
    assert pending(store.db) == total and receiver.requests == []
    drain(store, receiver, NOW + timedelta(hours=2))
    assert_each_entry_once(store, receiver)
    assert receiver.duplicates == 0  # the receiver never had them before
    log = query(store.db, "select count(*) filter (where not delivered and error like 'ConnectError%'),"
                          " count(*) filter (where delivered) from push_attempts")
    assert log == [(2, len(receiver.requests))]


def test_backoff_doubles_and_is_capped(store, receiver):
    receiver.script = ["500"] * 9
    now, delays = NOW, []
    for _ in range(9):
        send(store, receiver, now, batch=1)
        following = query(store.db, "select max(next_attempt_at) from outbox")[0][0]
        delays.append((following - now).total_seconds())
        now = following
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert query(store.db, "select max(attempts), count(*) filter (where attempts > 0) from outbox") == [(9, 1)]


def test_batch_key_is_the_sha256_of_the_entry_keys():
    assert batch_key(["a", "b"]) == hashlib.sha256(b"a\nb").hexdigest() != batch_key(["b", "a"])


def test_cli_push_reports_counts(store, receiver, run):
    total = len(outbox_keys(store.db))
    result = run("push", "--endpoint", receiver.url, "--db", store.db, "--batch", 5)
    assert result.exit_code == 0, result.output
    assert f"{total} delivered" in result.output and "0 pending" in result.output
    assert set(receiver.store) == outbox_keys(store.db)


def test_cli_push_uses_the_configured_endpoint_and_exits_1_on_failure(store, receiver, run, monkeypatch):
    monkeypatch.setattr(get_settings(), "push_endpoint", receiver.url)
    receiver.script = ["500"]
    result = run("push", "--db", store.db, "--now", "2026-01-05T09:00:00")
    assert result.exit_code == 1 and "HTTP 500" in result.output
    result = run("push", "--db", store.db, "--now", "2026-01-05T09:01:00")
    assert result.exit_code == 0 and "0 pending" in result.output


def test_cli_push_without_endpoint_exits_2(store, run, monkeypatch):
    monkeypatch.setattr(get_settings(), "push_endpoint", None)
    result = run("push", "--db", store.db)
    assert result.exit_code == 2 and "no push endpoint configured" in result.output


def test_cli_push_without_store_exits_2(tmp_path, run):
    result = run("push", "--endpoint", "http://127.0.0.1:9/", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 2 and "no store here yet" in result.output


def test_every_received_entry_carries_its_evidence(store, receiver):
    drain(store, receiver)
    evidence = {"kind", "terms", "scope", "region", "region_name", "lead_regulator", "lead_regulator_slug",
                "regulators_copied", "list_versions", "exemption", "use", "version"}
    assert receiver.rows and all(evidence <= set(row) for row in receiver.rows)
    p2p = next(r for r in receiver.rows if r["credit_code"] == P2P and r["status"] == "new")
    assert (p2p["kind"], p2p["lead_regulator"], p2p["region_name"]) == ("watchlist", "银监局", "上海市浦东新区")
    assert {t["term"] for t in p2p["terms"]} == {"网络借贷"} and all(t["use"] == "claim" for t in p2p["terms"])
    assert {r["kind"] for r in receiver.rows if r["status"] in ("cleared", "missing")} == {"removed"}
