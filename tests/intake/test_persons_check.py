"""At the counter (screening.intake.persons_check): an application naming a restricted legal representative
or a person of interest is reported, never refused for it; the ID never comes back; masked names are
said to be unchecked. Through the library, the HTTP API and the CLI (沪府办〔2016〕46号 附件8 四(二)3–4)."""

import json
import warnings

import pytest

with warnings.catch_warnings():  # starlette's TestClient warns that it uses httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import screening.cli.intake_commands as intake_commands
from conftest import query, write_csv
from interest_scenario import B, ID, MASKED_ID, SUN, SUN_SHOWN, registry, second_run  # noqa: F401 (fixtures)
from screening.intake.application import parse_application
from screening.intake.service import Asker, Counter
from screening.store.api_keys import add_key
from screening.web.applications_api import PATH, counter_app

SHANGHAI = {"kind": "new", "region": "310115", "name": "上海某某科技有限公司", "scope": "技术开发"}
ASKER = Asker("浦东分局", None, "cli")


@pytest.fixture
def counter(registry, screener):
    desk = Counter(screener.without_extended(), registry.db, flush_seconds=3600)
    yield desk
    desk.close()


def ask(counter, **people) -> dict:
    return counter.ask(parse_application(SHANGHAI | people), ASKER)


def person_reasons(verdict: dict) -> list[dict]:
    return [r for r in verdict["reasons"] if r["list"] == "persons_of_interest"]


@pytest.mark.parametrize("people, decision, reported", [
    ({"legal_reps": ["赵一"]}, "report", [("legal_reps", "赵一")]),                  # restricted: A revoked after confirmation
    ({"shareholders": [SUN]}, "report", [("shareholders", SUN_SHOWN)]),             # shareholder of 2 confirmed firms
    ({"shareholders": [f"孙二（{ID.lower()}）"]}, "report", [("shareholders", SUN_SHOWN)]),  # same person, other form
    ({"legal_reps": ["钱三"], "shareholders": ["沈二"]}, "report", [("legal_reps", "钱三")]),  # a shareholder as legal rep
    ({"shareholders": ["孙二"]}, "pass", []),                                       # without the ID: another person
    ({"shareholders": ["孙二(110105194912310011)"]}, "pass", []),                   # another ID: another person
    ({"shareholders": ["吴五"]}, "pass", []),                                       # one confirmed firm only (threshold 2)
    ({"legal_reps": ["周四"]}, "pass", []),                                         # legal rep of a confirmed firm never revoked
    ({"legal_reps": ["郑六"]}, "pass", []),                                         # legal rep of an unconfirmed firm
    ({"legal_reps": ["王*"], "shareholders": ["孙*"]}, "pass", []),                 # masked: not compared
    ({}, "pass", []),
])
def test_named_persons_decide_report_or_pass(counter, people, decision, reported):
    verdict = ask(counter, **people)
    assert verdict["decision"] == decision, verdict
    assert [(r["field"], r["term"]) for r in person_reasons(verdict) if r["effect"] == "report"] == reported
    if reported:
        assert "须报告" in verdict["summary"] and "由登记机关决定" in verdict["summary"]
        assert all("沪府办〔2016〕46号 附件8 四(二)" in r["source"] for r in person_reasons(verdict))
    assert ID not in json.dumps(verdict, ensure_ascii=False)


def test_the_reason_names_the_basis_in_chinese(counter):
    [restricted] = person_reasons(ask(counter, legal_reps=["赵一"]))
    assert "被吊销营业执照企业的法定代表人" in restricted["why"] and "任职资格限制" in restricted["why"]
    assert "四(二)3" in restricted["source"] and "不据此不予登记" in restricted["why"]
    [shareholder] = person_reasons(ask(counter, shareholders=[SUN]))
    assert "2 家经认定未经许可从事金融活动企业的股东" in shareholder["why"] and MASKED_ID in shareholder["why"]


def test_a_masked_name_is_said_to_be_unchecked_and_its_id_masked(counter):
    verdict = ask(counter, legal_reps=[f"王*({ID})"])
    [reason] = person_reasons(verdict)
    assert verdict["decision"] == "pass" and reason["effect"] == "none"
    assert "已脱敏" in reason["why"] and "不作关联" in reason["why"] and ID not in json.dumps(verdict, ensure_ascii=False)


def test_a_suspended_name_stays_refused_and_the_person_is_reported_too(counter):
    verdict = counter.ask(parse_application({"kind": "new", "region": "110105", "name": "北京某某投资有限公司",
                                             "legal_reps": ["赵一"]}), ASKER)
    assert verdict["decision"] == "refuse" and "另须报告" in verdict["summary"]
    assert [r["effect"] for r in person_reasons(verdict)] == ["report"]


def test_a_reversed_decision_is_seen_by_the_counter(registry, counter):
    assert ask(counter, shareholders=[SUN])["decision"] == "report"
    registry.decide(B, "dismiss")  # publishes a new snapshot: 孙二 has one confirmed firm left
    assert ask(counter, shareholders=[SUN])["decision"] == "pass"
    assert ask(counter, legal_reps=["赵一"])["decision"] == "report"


def test_the_recorded_check_keeps_no_id(counter, registry):
    ask(counter, shareholders=[SUN], legal_reps=["赵一"])
    counter.flush(when_due=False)
    rows = query(registry.db, "select * from application_check_reasons") + query(registry.db, "select * from application_checks")
    assert rows and ID not in repr(rows) and SUN_SHOWN in repr(rows)


def test_over_http(counter):
    key = add_key(counter.journal, "浦东分局")[1]
    with TestClient(counter_app(counter, 65_536)) as client:
        response = client.post(PATH, json=SHANGHAI | {"legal_reps": ["赵一"], "shareholders": [SUN, "王*"]},
                               headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200, response.text
        verdict = response.json()
        assert verdict["decision"] == "report" and ID not in response.text
        assert {(r["term"], r["effect"]) for r in person_reasons(verdict)} == {
            ("赵一", "report"), (SUN_SHOWN, "report"), ("王*", "none")}
        too_long = client.post(PATH, json=SHANGHAI | {"shareholders": ["张" * 201]},
                               headers={"Authorization": f"Bearer {key}"})
        assert too_long.status_code == 422 and "shareholders" in too_long.text


@pytest.fixture
def cli(run, monkeypatch, screener):
    monkeypatch.setattr(intake_commands, "counter_screener", lambda: screener.without_extended())
    return run


def test_on_the_command_line(cli, registry):
    result = cli("apply", "--kind", "new", "--region", "310115", "--name", "上海某某科技有限公司",
                 "--legal-rep", "赵一", "--shareholder", SUN, "--db", registry.db, "--format", "text")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("决定：可以办理，须报告") and "任职资格限制" in result.stdout
    assert "延伸监管关注人员" in result.stdout and ID not in result.stdout


def test_in_a_batch_file(cli, registry, tmp_path):
    batch = write_csv(tmp_path / "batch.csv", [["申请编号", "申请类型", "地区代码", "名称", "法定代表人", "股东"],
                                              ["P1", "设立", "310115", "上海某某科技有限公司", "赵一", ""],
                                              ["P2", "设立", "310115", "上海某某科技有限公司", "蒋九", f"沈二；{SUN}"],
                                              ["P3", "设立", "310115", "上海某某科技有限公司", "蒋九", "孙二、沈二"]])
    result = cli("apply", "--file", batch, "--db", registry.db)
    assert result.exit_code == 0, result.output
    decisions = {line["id"]: line["decision"] for line in map(json.loads, result.stdout.splitlines())}
    assert decisions == {"P1": "report", "P2": "report", "P3": "pass"} and ID not in result.stdout


def test_a_missing_snapshot_is_published_first(counter, registry):
    from screening.store.publish import snapshot_path

    snapshot_path(registry.db).unlink()
    assert ask(counter, legal_reps=["赵一"])["decision"] == "report"
