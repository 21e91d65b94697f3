"""POST /api/applications/check (screening.web.applications_api): keys, 401, 413, 422, the answer, the record."""

import time
import warnings

import pytest

with warnings.catch_warnings():  # starlette's TestClient warns that it uses httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from screening.intake.service import Counter
from screening.store.api_keys import add_key, revoke
from screening.store.database import read_query
from screening.store.lock import run_lock
from screening.web.applications_api import PATH, counter_app

LIMIT = 4_096
APPLICATION = {"kind": "new", "region": "110105", "name": "北京某某投资有限公司", "scope": "技术开发；投资咨询（不含金融业务）"}


@pytest.fixture
def counter(tmp_path, screener):
    desk = Counter(screener.without_extended(), tmp_path / "store.duckdb", flush_seconds=0.05)
    yield desk
    desk.close()


@pytest.fixture
def client(counter):
    with TestClient(counter_app(counter, LIMIT)) as client:
        yield client


@pytest.fixture
def key(counter) -> str:
    return add_key(counter.journal, "朝阳分局")[1]


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_an_application_is_answered_with_its_decision_and_reasons(client, key):
    response = client.post(PATH, json=APPLICATION, headers=bearer(key))
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["decision"] == "refuse" and verdict["summary"].startswith("暂停")
    assert {(r["field"], r["term"], r["effect"]) for r in verdict["reasons"]} >= {
        ("name", "投资", "refuse"), ("scope", "投资咨询", "refuse"), ("scope", "金融", "none")}
    assert all({"term", "field", "list", "action", "source", "why"} <= set(r) for r in verdict["reasons"])
    assert verdict["list_versions"]["beijing_name_suspension"] and verdict["checked_at"]


def test_the_same_application_in_shanghai_passes(client, key):
    response = client.post(PATH, json={**APPLICATION, "region": "310115", "name": "上海某某科技有限公司"},
                           headers=bearer(key))
    assert response.json()["decision"] == "pass"


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}, {"Authorization": "Bearer"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer not-a-key"},
                                     {"Authorization": "Bearer rsk_00000000_" + "A" * 43}],
                         ids=["none", "empty", "no key", "basic", "malformed", "unknown"])
def test_no_key_or_a_wrong_key_gets_401(client, key, headers):
    response = client.post(PATH, json=APPLICATION, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "API 密钥" in response.json()["detail"]


def test_a_wrong_secret_for_a_real_key_id_gets_401(client, key):
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert client.post(PATH, json=APPLICATION, headers=bearer(wrong)).status_code == 401


def test_a_revoked_key_gets_401_at_once(client, counter, key):
    assert client.post(PATH, json=APPLICATION, headers=bearer(key)).status_code == 200
    revoke(counter.journal, "朝阳分局")
    response = client.post(PATH, json=APPLICATION, headers=bearer(key))
    assert response.status_code == 401 and "吊销" in response.json()["detail"]


def test_an_unauthorised_request_is_refused_before_its_body_is_read(client):
    response = client.post(PATH, content=b"x" * (LIMIT * 4))
    assert response.status_code == 401


@pytest.mark.parametrize("body,fields", [
    ({"kind": "new", "region": "110105"}, [["body", "name"]]),
    ({"kind": "nouveau", "region": "110105", "name": "x"}, [["body", "kind"]]),
    ({"kind": "new", "region": "1101", "name": "x"}, [["body", "region"]]),
    ({"region": "110105", "name": "x"}, [["body", "kind"]]),
    ({"kind": "new", "region": 110105, "name": "x"}, [["body", "region"]]),
    ({"kind": "change", "region": "110105", "name": "x"}, [["body", "previous"]]),
    ({"kind": "change", "region": "110105", "name": "x", "previous": "y"}, [["body", "previous"]]),
    ({"kind": "new", "region": "110105", "name": "x", "aproved": True}, [["body", "aproved"]]),
    ({"kind": "new", "region": "110105", "name": "x", "legal_reps": "张三"}, [["body", "legal_reps"]]),
    ([APPLICATION], [["body"]]),
])
def test_a_malformed_body_gets_422_naming_the_field(client, key, body, fields):
    response = client.post(PATH, json=body, headers=bearer(key))
    assert response.status_code == 422, response.text
    assert [d["loc"] for d in response.json()["detail"]] == fields
    assert response.json()["message"].startswith("申请有误：")


@pytest.mark.parametrize("content", [b"", b"{not json", "{\"kind\": \"new\"".encode(), b"\xff\xfe{}"])
def test_a_body_that_is_not_json_gets_422(client, key, content):
    response = client.post(PATH, content=content, headers={**bearer(key), "Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body"]


def test_a_body_over_the_limit_gets_413_from_its_declared_length(client, key):
    body = {**APPLICATION, "scope": "技术开发；" * 1_000}
    response = client.post(PATH, json=body, headers=bearer(key))
    assert response.status_code == 413 and "上限" in response.json()["detail"]


def test_a_streamed_body_over_the_limit_gets_413_without_a_declared_length(client, key):
    def chunks():
        for _ in range(10):
            yield b"{" + b" " * 1_000

    response = client.post(PATH, content=chunks(), headers=bearer(key))
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_parsed(client, key):
    body = {**APPLICATION, "scope": "技术开发；" * 200}
    response = client.post(PATH, json=body, headers=bearer(key))
    assert response.status_code == 200


def test_every_check_is_recorded_with_the_key_that_asked(counter, key):
    with TestClient(counter_app(counter, LIMIT)) as client:
        ids = [client.post(PATH, json=APPLICATION, headers=bearer(key)).json()["check_id"] for _ in range(3)]
        deadline = time.monotonic() + 20
        while counter.journal.rows("select check_id from check_journal") and time.monotonic() < deadline:
            time.sleep(0.1)  # the background flush moves them into the store
        assert counter.journal.rows("select check_id from check_journal") == []
    _, rows = read_query(counter.db, "select check_id, asked_by, key_id, via, decision from application_checks")
    assert sorted(r[0] for r in rows) == sorted(ids)
    assert {r[1:] for r in rows} == {("朝阳分局", key.split("_")[1], "api", "refuse")}


def test_a_run_holding_the_store_does_not_delay_an_answer(client, counter, key):
    with run_lock(counter.db):
        started = time.perf_counter()
        response = client.post(PATH, json=APPLICATION, headers=bearer(key))
        assert response.status_code == 200 and time.perf_counter() - started < 1.0
        time.sleep(0.3)  # the flusher tries and finds the store held: the check waits in the journal
        assert [r["check_id"] for r in counter.journal.rows("select check_id from check_journal")] == [
            response.json()["check_id"]]


def test_the_callers_id_is_echoed_and_people_are_accepted_for_later(client, key):
    body = {**APPLICATION, "id": "BJ-2016-0001", "legal_reps": ["张三"], "shareholders": ["李四", "王五"]}
    response = client.post(PATH, json=body, headers=bearer(key))
    assert response.status_code == 200 and response.json()["id"] == "BJ-2016-0001"
    assert response.json()["decision"] == "refuse"


@pytest.mark.parametrize("content", [b"[" * 2_000 + b"]" * 2_000, b'{"kind": ' + b'{"a":' * 600 + b"1" + b"}" * 601,
                                     '{"kind": "new", "region": "110105", "name": "\\ud800"}'.encode()],
                         ids=["nested arrays", "nested objects", "lone surrogate"])
def test_hostile_bodies_under_the_limit_get_422_not_500(client, key, content):
    response = client.post(PATH, content=content, headers=bearer(key))
    assert response.status_code == 422, response.text


def test_the_workspace_app_serves_the_counter_beside_its_pages(tmp_path, counter, key):
    """`regscreen serve` mounts the counter's router in the workspace app: keys, not sessions or CSRF,
    guard it, and the pages still want a login."""
    from screening.web.app import create_app
    from screening.web.applications_api import applications_router
    from screening.web.config import web_config
    from screening.settings import get_settings

    config = web_config(get_settings(), counter.db)
    with TestClient(create_app(config, [applications_router(counter, LIMIT)]), base_url="http://127.0.0.1",
                    follow_redirects=False) as web:
        assert web.post(PATH, json=APPLICATION).status_code == 401
        answer = web.post(PATH, json=APPLICATION, headers=bearer(key))
        assert answer.status_code == 200 and answer.json()["decision"] == "refuse"
        assert web.get("/").status_code == 303 and web.get("/").headers["location"].endswith("/login")
