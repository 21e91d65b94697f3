"""The counter's commands (screening.cli.intake_commands): apply, apply --file, apikey, checks flush."""

import json
from pathlib import Path
import subprocess
import sys

import pytest

import screening.cli.intake_commands as intake_commands
from conftest import write_csv
from screening.store.api_keys import KEY_SHAPE
from screening.store.counter_db import counter_db_path
from screening.store.lock import run_lock

REGSCREEN = Path(sys.executable).parent / "regscreen"
HEADER = ["申请编号", "申请类型", "地区代码", "名称", "经营范围", "原名称", "原经营范围", "已批准"]


@pytest.fixture
def cli(run, monkeypatch, screener, tmp_path):
    """The CLI with the session's screener, on a store in tmp_path; returns (invoke, db)."""
    monkeypatch.setattr(intake_commands, "counter_screener", lambda: screener.without_extended())
    db = tmp_path / "store.duckdb"
    return run, db


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_apply_one_application_answers_one_json_line(cli):
    run, db = cli
    result = run("apply", "--kind", "new", "--region", "110105", "--name", "北京某某投资有限公司",
                 "--scope", "技术开发；投资咨询", "--db", db, "--by", "朝阳分局")
    assert result.exit_code == 0, result.output
    [verdict] = lines(result.stdout)
    assert verdict["decision"] == "refuse" and verdict["kind"] == "new" and verdict["region"] == "110105"
    assert {(r["field"], r["term"]) for r in verdict["reasons"] if r["effect"] == "refuse"} == {
        ("name", "投资"), ("scope", "投资咨询")}
    assert set(verdict) == {"check_id", "id", "decision", "summary", "kind", "region", "reasons", "list_versions", "checked_at"}
    assert set(verdict["reasons"][0]) >= {"term", "field", "list", "action", "source", "why"}


def test_apply_as_text_reads_in_chinese(cli):
    run, db = cli
    result = run("apply", "--kind", "move_in", "--region", "110105", "--name", "北京某某基金有限公司", "--approved",
                 "--format", "text", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("决定：可以办理") and "不暂停：迁入已经批准" in result.stdout


@pytest.mark.parametrize("args,message", [
    ([], "give --kind"),
    (["--kind", "new", "--region", "1101", "--name", "x"], "申请有误：region"),
    (["--kind", "new", "--region", "110105"], "申请有误：name"),
    (["--kind", "change", "--region", "110105", "--name", "x"], "申请有误：previous"),
    (["--kind", "new", "--region", "110105", "--name", "x", "--file", "a.csv"], "either --file"),
])
def test_apply_usage_errors_are_one_line(cli, args, message):
    run, db = cli
    result = run("apply", *args, "--db", db)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_batch_answers_every_row_in_order_and_a_bad_row_does_not_stop_it(cli, tmp_path):
    run, db = cli
    rows = [HEADER,
            ["A1", "设立", "110105", "北京某某投资有限公司", "技术开发", "", "", ""],
            ["A2", "new", "310115", "上海某某投资有限公司", "投资咨询（不含金融业务）", "", "", ""],
            ["A3", "新设立", "110105", "北京某某科技有限公司", "", "", "", ""],             # unknown kind
            ["A4", "变更", "110105", "北京乙投资有限公司", "", "北京甲投资有限公司", "技术开发", ""],
            ["A5", "迁入", "110105", "北京某某资产管理有限公司", "资产管理", "", "", "否"],
            ["A6", "迁入", "110105", "北京某某资产管理有限公司", "资产管理", "", "", "是"],
            ["A7", "new", "11010", "北京某某科技有限公司", "", "", "", ""],                # bad region
            ["A8", "new", "110105"],                                                       # ragged
            ["A9", "new", "110105", "北京某某科技有限公司", "技术开发", "", "", "maybe"]]     # bad approved
    path = write_csv(tmp_path / "applications.csv", rows)
    result = run("apply", "--file", path, "--db", db)
    assert result.exit_code == 0, result.output
    answers = lines(result.stdout)
    assert [a["row"] for a in answers] == list(range(1, 10)) and [a["id"] for a in answers] == [r[0] for r in rows[1:]]
    assert [a.get("decision", "error") for a in answers] == [
        "refuse", "pass", "error", "report", "refuse", "report", "error", "error", "error"]
    assert "kind" in answers[2]["error"] and answers[2]["problems"][0]["field"] == "kind"
    assert "region" in answers[6]["error"] and "第8行" in answers[6]["error"]
    assert "少于表头" in answers[7]["error"]
    assert "approved" in answers[8]["error"]
    assert "共 9 份申请：暂停 2，关注 2，通过 1，有误 4" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_batch_in_each_accepted_encoding(cli, tmp_path, encoding):
    run, db = cli
    path = write_csv(tmp_path / "applications.csv", [["kind", "region", "name", "scope"],
                                                    ["new", "110105", "北京某某控股有限公司", "企业管理"]], encoding=encoding)
    answers = lines(run("apply", "--file", path, "--db", db).stdout)
    assert [a["decision"] for a in answers] == ["refuse"]
    assert answers[0]["reasons"][0]["matched"] == "控股"


def test_a_batch_row_with_undecodable_bytes_or_a_huge_field_gets_its_own_error(cli, tmp_path):
    run, db = cli
    path = tmp_path / "applications.csv"
    path.write_bytes("kind,region,name\nnew,110105,北京某某科技有限公司\n".encode("utf-8") + b"new,110105,\xff\xfe\x80bad\n"
                     + b"new,110105," + b"x" * 200_000 + b"\nnew,110105," + "北京某某基金有限公司\n".encode("utf-8"))
    answers = lines(run("apply", "--file", path, "--db", db).stdout)
    assert [a.get("decision", "error") for a in answers] == ["pass", "error", "error", "refuse"]


def test_a_json_lines_batch(cli, tmp_path):
    run, db = cli
    path = tmp_path / "applications.jsonl"
    path.write_text(json.dumps({"id": "J1", "kind": "new", "region": "110105", "name": "北京某某财富管理有限公司"},
                               ensure_ascii=False)
                    + "\n{not json\n\n" + json.dumps({"kind": "new", "region": "110105", "name": "北京某某科技有限公司"})
                    + "\n", encoding="utf-8")
    answers = lines(run("apply", "--file", path, "--db", db).stdout)
    assert [a.get("decision", "error") for a in answers] == ["refuse", "error", "pass"]
    assert [a["id"] for a in answers] == ["J1", None, None] and [a["row"] for a in answers] == [1, 2, 3]


def test_a_batch_without_a_kind_column_stops_naming_it(cli, tmp_path):
    run, db = cli
    path = write_csv(tmp_path / "applications.csv", [["region", "name"], ["110105", "x"]])
    result = run("apply", "--file", path, "--db", db)
    assert result.exit_code == 2 and "no kind column" in result.stderr and "申请类型" in result.stderr


def test_apikey_add_prints_the_key_alone_on_its_last_line_once(cli):
    run, db = cli
    result = run("apikey", "add", "朝阳分局", "--db", db)
    assert result.exit_code == 0, result.output
    key = result.stdout.rstrip("\n").splitlines()[-1]
    assert KEY_SHAPE.match(key) and result.stdout.count(key) == 1
    assert "只显示这一次" in result.stdout
    listed = run("apikey", "list", "--db", db)
    assert "朝阳分局" in listed.stdout and key not in listed.stdout and key.split("_", 2)[2] not in listed.stdout
    assert key.encode() not in counter_db_path(db).read_bytes()
    revoked = run("apikey", "revoke", key.split("_")[1], "--db", db)
    assert revoked.exit_code == 0 and "已吊销" in revoked.stdout
    assert "已吊销" in run("apikey", "list", "--db", db).stdout
    again = run("apikey", "revoke", "朝阳分局", "--db", db)
    assert again.exit_code == 2 and "no active API key" in again.stderr


def test_checks_reach_the_view_after_a_flush_and_analysts_count_refusals_by_term_and_office(cli, tmp_path):
    run, db = cli
    path = write_csv(tmp_path / "applications.csv", [["kind", "region", "name", "scope"],
                                                    ["new", "110105", "北京某某投资有限公司", "投资咨询"],
                                                    ["new", "110108", "北京某某资本管理有限公司", "资本管理"],
                                                    ["new", "110105", "北京某某科技有限公司", "技术开发"]])
    assert run("apply", "--file", path, "--db", db, "--by", "朝阳分局").exit_code == 0
    flushed = run("checks", "flush", "--db", db)
    assert flushed.exit_code == 0 and "已并入 3 条" in flushed.stdout
    counted = run("sql", "select office, term, count(distinct check_id) as n from v_application_checks"
                         " where effect = 'refuse' group by all order by term", "--db", db, "--csv")
    assert counted.stdout.splitlines()[1:] == ["朝阳分局,投资,1", "朝阳分局,投资咨询,1", "朝阳分局,资本,1",
                                               "朝阳分局,资本管理,1"]


def test_apply_answers_while_a_run_holds_the_store_and_flush_waits(cli):
    run, db = cli
    with run_lock(db):
        result = run("apply", "--kind", "new", "--region", "110105", "--name", "北京某某投资有限公司", "--db", db)
        assert result.exit_code == 0 and lines(result.stdout)[0]["decision"] == "refuse"
        flushed = run("checks", "flush", "--db", db)
        assert flushed.exit_code == 75 and "another run holds the store" in flushed.stderr
    assert "已并入 1 条" in run("checks", "flush", "--db", db).stdout


@pytest.mark.slow
def test_the_installed_command_checks_a_batch(tmp_path):
    path = write_csv(tmp_path / "applications.csv", [["kind", "region", "name"], ["new", "110105", "北京某某投资有限公司"]])
    result = subprocess.run([str(REGSCREEN), "apply", "--file", str(path), "--db", str(tmp_path / "s.duckdb")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [a["decision"] for a in lines(result.stdout)] == ["refuse"]
