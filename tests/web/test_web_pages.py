"""The workspace's pages through the app itself (FastAPI's test client): login, CSRF, roles, decisions
under the run lock, hand-off downloads, and errors. The same behaviour in a real browser against a
real server is tests/web/test_web_browser.py."""

from contextlib import closing
from datetime import datetime
import hashlib
import html
import re
import sqlite3
import threading
import time

from fastapi import APIRouter
from fastapi.testclient import TestClient
import orjson
import pytest

from screening.rules.regulators import load_regulators
from screening.settings import get_settings

from conftest import query
from screening.handoff.export import export
from screening.store.lock import run_lock
from screening.web.accounts import accounts_path
from screening.web.app import create_app
from screening.web.config import WebConfig
from web_scenario import EVIL, MASKED, PLAIN, SIBLING, TARGET, USERS, built, cheap_hashing, copied

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module", autouse=True)
def cheap_argon2():
    with cheap_hashing():
        yield


@pytest.fixture
def store(built, tmp_path):
    return copied(built, tmp_path)


def client(db, lock_wait: float = 0.5, routers=(), scheme: str = "http") -> TestClient:
    config = WebConfig(db=db, accounts=accounts_path(db), lock_wait_seconds=lock_wait)
    return TestClient(create_app(config, routers), base_url=f"{scheme}://127.0.0.1", follow_redirects=False)


def login(web: TestClient, role: str) -> str:
    """Log in as the scenario's user of ``role``; the session's CSRF token."""
    token = TOKEN.search(web.get("/login").text)[1]
    name, password = USERS[role]
    answer = web.post("/login", data={"username": name, "password": password, "csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
    return TOKEN.search(web.get("/").text)[1]


def error_of(answer) -> str:
    found = re.search(r'class="error"[^>]*>([^<]+)', answer.text)
    return html.unescape(found[1]) if found else ""


def decisions(db) -> list[tuple]:
    return query(db, "select credit_code, decision, decided_by from decisions order by decision_id")


# ---------------------------------------------------------------- login and the session

@pytest.mark.parametrize("path", ["/", "/firms/" + TARGET, "/handoffs", "/runs", "/handoffs/1/files/0", "/?page=2"])
def test_anonymous_requests_go_to_login(store, path):
    answer = client(store).get(path)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_anonymous_post_goes_to_login_and_writes_nothing(store):
    answer = client(store).post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "x"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert decisions(store) == []


def test_login_sets_a_strict_httponly_session_cookie(store):
    web = client(store)
    login(web, "analyst")
    cookie = [h for h in web.cookies.jar if h.name == "regscreen_session"][0]
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite").lower() == "strict"
    assert not cookie.secure  # plain HTTP on loopback; behind the TLS proxy it is Secure (next test)


def test_the_cookie_is_secure_behind_https(store):
    web = client(store, scheme="https")  # as uvicorn sees a request the TLS proxy forwarded (X-Forwarded-Proto)
    token = TOKEN.search(web.get("/login").text)[1]
    answer = web.post("/login", data={"username": USERS["analyst"][0], "password": USERS["analyst"][1], "csrf_token": token})
    header = answer.headers["set-cookie"]
    assert "regscreen_session=" in header and "Secure" in header and "HttpOnly" in header and "SameSite=strict" in header


@pytest.mark.parametrize("username, password, message", [
    ("analyst1", "wrong-password", "用户名或密码错误"),
    ("nobody", "analyst-password", "用户名或密码错误"),  # an unknown user is told the same
    ("analyst1", "", "用户名或密码错误"),
    ("ANALYST1", "analyst-password", "用户名或密码错误"),
])
def test_a_wrong_login_fails_without_a_session(store, username, password, message):
    web = client(store)
    token = TOKEN.search(web.get("/login").text)[1]
    answer = web.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 401 and error_of(answer) == message
    assert "regscreen_session" not in web.cookies
    assert web.get("/").status_code == 303


@pytest.mark.parametrize("token", [None, "", "forged-token-0123456789", "x" * 5000])
def test_a_login_without_its_csrf_token_gets_403(store, token):
    web = client(store)
    web.get("/login")
    data = {"username": USERS["analyst"][0], "password": USERS["analyst"][1]} | ({"csrf_token": token} if token is not None else {})
    answer = web.post("/login", data=data)
    assert answer.status_code == 403 and "csrf_token" in error_of(answer)
    assert "regscreen_session" not in web.cookies


def test_five_failed_logins_lock_the_account_for_15_minutes(store):
    web = client(store)
    token = TOKEN.search(web.get("/login").text)[1]
    name, password = USERS["analyst"]
    outcomes = [error_of(web.post("/login", data={"username": name, "password": "wrong", "csrf_token": token}))
                for _ in range(5)]
    assert outcomes[:4] == ["用户名或密码错误"] * 4 and "锁定15分钟" in outcomes[4]
    locked = web.post("/login", data={"username": name, "password": password, "csrf_token": token})
    assert locked.status_code == 401 and "锁定" in error_of(locked)  # the right password does not open it now
    with closing(sqlite3.connect(accounts_path(store))) as con:
        until = con.execute("select locked_until from users where username = ?", [name]).fetchone()[0]
        outcomes = [row[0] for row in con.execute("select outcome from logins where username = ? order by rowid", [name])]
    assert 14 * 60 < (datetime.fromisoformat(until) - datetime.now()).total_seconds() <= 15 * 60
    assert outcomes == ["wrong password"] * 4 + ["locked", "locked"]


def test_logout_ends_the_session_and_needs_its_token(store):
    web = client(store)
    csrf = login(web, "analyst")
    assert web.post("/logout", data={}).status_code == 403
    assert web.get("/").status_code == 200
    assert web.post("/logout", data={"csrf_token": csrf}).headers["location"] == "/login"
    assert web.get("/").status_code == 303


def test_a_stolen_cookie_is_useless_after_logout(store):
    web = client(store)
    csrf = login(web, "analyst")
    stolen = web.cookies["regscreen_session"]
    web.post("/logout", data={"csrf_token": csrf})
    other = client(store)
    other.cookies.set("regscreen_session", stolen)
    assert other.get("/").status_code == 303


# ---------------------------------------------------------------- decisions, roles and CSRF

def test_an_analyst_confirms_and_the_firm_leaves_the_queue(store):
    web = client(store)
    csrf = login(web, "analyst")
    assert TARGET in web.get("/").text
    answer = web.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "经核实从事投资管理", "csrf_token": csrf})
    assert answer.status_code == 303 and answer.headers["location"] == f"/firms/{TARGET}?saved=confirm"
    assert decisions(store) == [(TARGET, "confirm", "analyst1")]  # the signed-in user, not a typed name
    assert TARGET not in web.get("/").text  # the page reads the snapshot the decision published
    assert TARGET in web.get("/?decided=1").text
    page = web.get(f"/firms/{TARGET}").text
    assert "确认（analyst1，" in page and "经核实从事投资管理" in page


@pytest.mark.parametrize("data", [{}, {"csrf_token": ""}, {"csrf_token": "not-the-token"}])
def test_a_decision_without_a_valid_csrf_token_gets_403(store, data):
    web = client(store)
    login(web, "analyst")
    answer = web.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "x"} | data)
    assert answer.status_code == 403
    assert decisions(store) == []


def test_another_users_token_is_not_valid(store):
    first, second = client(store), client(store)
    first_token = login(first, "analyst")
    login(second, "supervisor")
    answer = second.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "x", "csrf_token": first_token})
    assert answer.status_code == 403 and decisions(store) == []


def test_a_viewer_reads_but_a_decision_gets_403(store):
    web = client(store)
    csrf = login(web, "viewer")
    page = web.get(f"/firms/{TARGET}")
    assert page.status_code == 200 and 'action="/firms/' not in page.text and "只读账户" in page.text
    answer = web.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "x", "csrf_token": csrf})
    assert answer.status_code == 403 and "分析员" in error_of(answer)
    assert decisions(store) == []


def test_only_a_supervisor_reopens_and_an_analyst_cannot_overwrite(store):
    analyst, boss = client(store), client(store)
    analyst_csrf, boss_csrf = login(analyst, "analyst"), login(boss, "supervisor")
    analyst.post(f"/firms/{TARGET}/decision", data={"decision": "dismiss", "reason": "培训机构", "csrf_token": analyst_csrf})
    again = analyst.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "改主意", "csrf_token": analyst_csrf})
    assert again.status_code == 409 and "请主管先重新打开" in error_of(again)
    reopen = analyst.post(f"/firms/{TARGET}/decision", data={"decision": "reopen", "reason": "x", "csrf_token": analyst_csrf})
    assert reopen.status_code == 403
    assert "重新打开（主管）" in boss.get(f"/firms/{TARGET}").text
    assert boss.post(f"/firms/{TARGET}/decision", data={"decision": "reopen", "reason": "证据不足",
                                                       "csrf_token": boss_csrf}).status_code == 303
    assert TARGET in analyst.get("/").text  # back in the queue
    assert analyst.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "复核确认",
                                                          "csrf_token": analyst_csrf}).status_code == 303
    assert decisions(store) == [(TARGET, "dismiss", "analyst1"), (TARGET, "reopen", "boss1"), (TARGET, "confirm", "analyst1")]


@pytest.mark.parametrize("data, status, message", [
    ({"decision": "approve", "reason": "x"}, 409, "decision 只能是"),
    ({"decision": "confirm", "reason": "   "}, 409, "请填写决定理由"),
    ({"decision": "confirm", "reason": "x" * 2001}, 400, "reason"),
    ({"decision": "reopen", "reason": "x"}, 409, "没有可重新打开的决定"),
])
def test_a_bad_decision_is_refused_with_its_reason(store, data, status, message):
    web = client(store)
    csrf = login(web, "supervisor")
    answer = web.post(f"/firms/{TARGET}/decision", data=data | {"csrf_token": csrf})
    assert answer.status_code == status and message in error_of(answer)
    assert decisions(store) == []


def test_a_firm_off_the_watch_list_cannot_be_decided(store):
    web = client(store)
    csrf = login(web, "analyst")
    assert 'action="/firms/' not in web.get(f"/firms/{PLAIN}").text
    answer = web.post(f"/firms/{PLAIN}/decision", data={"decision": "confirm", "reason": "x", "csrf_token": csrf})
    assert answer.status_code == 409 and decisions(store) == []


def test_a_decision_made_during_a_run_waits_then_succeeds_when_the_run_ends(store):
    web = client(store, lock_wait=5)
    csrf = login(web, "analyst")
    released = threading.Event()

    def run_for(seconds: float):
        with run_lock(store):
            ready.set()
            time.sleep(seconds)
        released.set()
    ready = threading.Event()
    run = threading.Thread(target=run_for, args=(1.0,))
    run.start()
    ready.wait()
    started = time.monotonic()
    answer = web.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "核实", "csrf_token": csrf})
    run.join()
    assert answer.status_code == 303 and released.is_set()
    assert 0.5 < time.monotonic() - started < 5  # it waited for the run, then wrote
    assert decisions(store) == [(TARGET, "confirm", "analyst1")]


def test_a_decision_during_a_long_run_answers_busy_and_writes_nothing(store):
    web = client(store, lock_wait=0.6)
    csrf = login(web, "analyst")
    before = query(store, "select count(*) from audit")
    with run_lock(store):
        started = time.monotonic()
        answer = web.post(f"/firms/{TARGET}/decision", data={"decision": "confirm", "reason": "核实", "csrf_token": csrf})
        waited = time.monotonic() - started
        assert web.get("/").status_code == 200  # pages go on reading the snapshot meanwhile
    assert answer.status_code == 503 and "运行中，请稍后重试" in error_of(answer)
    assert 0.6 <= waited < 5
    assert "核实" in answer.text  # the reason typed is kept in the form for the retry
    assert decisions(store) == [] and query(store, "select count(*) from audit") == before


def test_logins_work_while_a_run_holds_the_store(store):
    web = client(store)
    with run_lock(store):
        login(web, "viewer")
        assert web.get(f"/firms/{TARGET}").status_code == 200


# ---------------------------------------------------------------- what the pages show

def test_a_firm_named_with_markup_is_shown_escaped(store):
    web = client(store)
    login(web, "viewer")
    for page in (web.get("/").text, web.get(f"/firms/{EVIL}").text):
        assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page
    assert "<b>投资咨询</b>" not in web.get(f"/firms/{EVIL}").text


def test_the_firm_page_shows_the_dossier_in_chinese(store):
    web = client(store)
    login(web, "analyst")
    page = web.get(f"/firms/{TARGET}").text
    for expected in ("注册日期", "2013-03-15", "注册资本", "2000(万元人民币)", "上海市浦东新区（310115，据信用代码）",
                     "登记状态", "存续", '<mark class="plan" title="方案名单计数命中">投资管理</mark>', "名单状态", "新列入",
                     "优先原因", "当前决定", "尚无决定（待审）", "(未列入) → 新列入", f'<a href="/firms/{SIBLING}">'):
        assert expected in page, expected


def test_masked_names_say_why_there_are_no_related_firms(store):
    web = client(store)
    login(web, "viewer")
    page = web.get(f"/firms/{MASKED}").text
    assert "已脱敏（如 王*）" in page
    assert '<mark class="extended" title="扩展层关注（非方案名单）">贷</mark>' in page  # the extended tier, marked apart
    assert '<mark class="plan" title="方案名单计数命中">金融</mark>' in page


@pytest.mark.parametrize("path, status", [("/firms/91310115MA0000399X", 404), ("/firms/not-a-code", 404),
                                          ("/firms/" + "9" * 40, 404), ("/nowhere", 404), ("/?page=0", 400),
                                          ("/?regulator=<x>", 400), ("/?province=1", 400), ("/?use=both", 400)])
def test_bad_requests_get_a_chinese_page_and_no_traceback(store, path, status):
    web = client(store)
    login(web, "viewer")
    answer = web.get(path)
    assert answer.status_code == status and "出错了" in answer.text and "Traceback" not in answer.text


def test_pages_forbid_scripts_and_framing(store):
    web = client(store)
    login(web, "viewer")
    answer = web.get("/")
    assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY" and answer.headers["cache-control"] == "no-store"
    assert float(answer.headers["server-timing"].split("dur=")[1]) > 0
    assert "<script" not in answer.text


def test_the_runs_page_shows_the_reconciliation(store):
    web = client(store)
    login(web, "viewer")
    page = web.get("/runs").text
    rows = len(query(store, "select * from firms"))
    assert f"{rows} = {rows} + 0 ✓ 相符" in page


# ---------------------------------------------------------------- hand-offs

@pytest.fixture
def handed_off(store, tmp_path):
    out = tmp_path / "out"
    records = export(store, out, load_regulators(get_settings().keywords_dir))
    return store, out, records


def test_handoffs_list_their_files_and_serve_the_recorded_bytes(handed_off):
    store, out, records = handed_off
    web = client(store)
    login(web, "viewer")
    page = web.get("/handoffs").text
    first = query(store, "select export_id, files from exports order by export_id limit 1")[0]
    assert "清单（manifest）" in page and "金融办" in page and len(records) == page.count('<section class="export">')
    files = orjson.loads(first[1])
    for position, entry in enumerate(files):
        answer = web.get(f"/handoffs/{first[0]}/files/{position}")
        assert answer.status_code == 200, entry["name"]
        assert hashlib.sha256(answer.content).hexdigest() == entry["sha256"]
        assert f'filename="{entry["name"]}"' in answer.headers["content-disposition"]


def test_a_file_altered_or_swapped_since_the_hand_off_is_refused(handed_off):
    store, out, records = handed_off
    web = client(store)
    login(web, "viewer")
    export_id, name = query(store, "select export_id, json_extract_string(files, '$[0].name') from exports "
                                   "order by export_id limit 1")[0]
    target = out / name
    assert web.get(f"/handoffs/{export_id}/files/0").status_code == 200
    target.write_bytes(target.read_bytes() + b"tampered")
    answer = web.get(f"/handoffs/{export_id}/files/0")
    assert answer.status_code == 404 and "sha256" in error_of(answer)
    target.unlink()
    target.symlink_to("/etc/passwd")
    answer = web.get(f"/handoffs/{export_id}/files/0")
    assert answer.status_code == 404 and b"root:" not in answer.content


def test_a_download_names_only_recorded_files(handed_off):
    store, out, records = handed_off
    web = client(store)
    login(web, "viewer")
    for path in ("/handoffs/999/files/0", "/handoffs/1/files/99", "/handoffs/1/files/-1", "/handoffs/1/files/x",
                 "/handoffs/1/files/..%2F..%2Fetc%2Fpasswd", "/handoffs/1/files/%2Fetc%2Fpasswd",
                 "/handoffs/1/files/0/../../../../etc/passwd"):
        answer = web.get(path)
        assert answer.status_code in (404, 400), path
        assert b"root:" not in answer.content


# ---------------------------------------------------------------- routers beside the pages

def test_an_added_router_is_not_subject_to_the_pages_session_or_csrf(store):
    api = APIRouter()

    @api.post("/api/echo")
    def echo(body: dict) -> dict:
        return body
    web = client(store, routers=[api])
    answer = web.post("/api/echo", json={"x": 1})
    assert answer.status_code == 200 and answer.json() == {"x": 1}
    assert web.post("/api/echo", content=b"not json", headers={"content-type": "application/json"}).status_code == 422
    assert web.get("/api/missing").json() == {"detail": "Not Found"}
