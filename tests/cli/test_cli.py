"""The ``regscreen`` command line: screening.cli."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from stdnum.cn import uscc

import screening.cli as cli
from conftest import write_csv

REGSCREEN = Path(sys.executable).parent / "regscreen"


def code(base: str) -> str:
    """A credit code with a valid check character."""
    return base + uscc.calc_check_digit(base)


BEIJING = code("91110108MA0000000")
BEIJING_2 = code("91110108MA0000001")
SHANGHAI = code("91310115MA0000000")
BAD_CHECKSUM = BEIJING_2[:-1] + ("0" if BEIJING_2[-1] != "0" else "1")

RESULT_KEYS = {"record", "credit_code", "key_kind", "registration_number", "name", "region", "region_source", "flagged", "attention", "use", "exempt", "rejected",
               "name_parts", "hits"}
HIT_KEYS = {"term", "field", "start", "end", "counts", "why", "list", "list_version", "source", "category", "regulator"}
LIST_IDS = {"national", "beijing_watch", "beijing_name_suspension", "beijing_scope_suspension", "jiangsu",
            "shanghai_p2p", "extended"}

HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所"]
ROWS = [
    ["北京Ｐ２Ｐ網貸信息服務有限公司", BEIJING, "網絡借貸信息中介服務", "北京市海淀区中关村大街1号"],
    ["北京示例科技有限公司", BEIJING_2, "技术开发、技术咨询", "北京市海淀区"],
    ["上海某某投資管理有限公司", SHANGHAI, "投資管理；資產管理", "上海市浦东新区"],
    ["北京校验位错误科技有限公司", BAD_CHECKSUM, "技术开发", "北京市海淀区"],
    ["杭州眾籌科技有限公司", "", "網絡借貸", "浙江省杭州市"],
]


@pytest.fixture
def extract(tmp_path) -> Path:
    return write_csv(tmp_path / "extract.csv", [HEADER, *ROWS])


def jsonl(result) -> list[dict]:
    text = result.stdout_bytes.decode("utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_check_prints_one_object_per_record_in_input_order(run, extract):
    result = run("check", extract)
    assert result.exit_code == 0, result.stderr
    objects = jsonl(result)
    assert [obj["record"] for obj in objects] == [1, 2, 3, 4, 5]
    assert [obj["name"] for obj in objects] == [row[0] for row in ROWS]
    assert [obj["credit_code"] for obj in objects][:4] == [row[1] for row in ROWS[:4]]
    for obj in objects:
        assert set(obj) == RESULT_KEYS


def test_check_output_is_utf8_with_chinese_unescaped(run, extract):
    result = run("check", extract)
    stdout = result.stdout_bytes.decode("utf-8")
    for row in ROWS:
        assert f'"name":"{row[0]}"' in stdout
    assert "\\u" not in stdout


@pytest.mark.parametrize(
    ("record", "flagged", "rejected", "region", "source"),
    [
        (1, True, None, "110108", "credit_code"),
        (2, False, None, "110108", "credit_code"),
        (3, True, None, "310115", "credit_code"),
        (4, False, "invalid credit code checksum", "110108", "address"),  # region falls back to the address
        (5, True, "missing credit code (or 15-digit registration number)", "330100", "address"),  # 杭州市
    ],
)
def test_check_verdicts(run, extract, record, flagged, rejected, region, source):
    obj = jsonl(run("check", extract))[record - 1]
    assert obj["record"] == record
    assert obj["flagged"] is flagged
    assert obj["rejected"] == rejected
    assert (obj["region"], obj["region_source"]) == (region, source)


@pytest.mark.parametrize(
    ("record", "term", "field", "matched"),
    [
        (1, "P2P", "name", "Ｐ２Ｐ"),
        (1, "网贷", "name", "網貸"),
        (1, "网络借贷", "scope", "網絡借貸"),
        (3, "投资管理", "name", "投資管理"),
        (3, "投资管理", "scope", "投資管理"),
        (3, "资产管理", "scope", "資產管理"),
        (5, "众筹", "name", "眾籌"),
        (5, "网络借贷", "scope", "網絡借貸"),
    ],
)
def test_hit_spans_slice_the_original_text(run, extract, record, term, field, matched):
    obj = jsonl(run("check", extract))[record - 1]
    original = {"name": ROWS[record - 1][0], "scope": ROWS[record - 1][2]}
    found = [hit for hit in obj["hits"] if hit["term"] == term and hit["field"] == field]
    assert found, obj["hits"]
    for hit in found:
        assert original[field][hit["start"]:hit["end"]] == matched == hit["matched"]


def test_every_hit_explains_itself(run, extract):
    objects = jsonl(run("check", extract))
    hits = [(obj, hit) for obj in objects for hit in obj["hits"]]
    assert hits
    lists = set()
    for obj, hit in hits:
        assert HIT_KEYS <= set(hit)
        text = obj["name"] if hit["field"] == "name" else ROWS[obj["record"] - 1][2]
        assert text[hit["start"]:hit["end"]] == hit["matched"]
        assert hit["list"] in LIST_IDS
        assert hit["list_version"] and hit["source"] and hit["category"] and hit["regulator"]
        assert isinstance(hit["counts"], bool)
        assert (hit["why"] is None) == hit["counts"]  # a hit that does not count says why
        lists.add(hit["list"])
    assert "national" in lists


def test_check_via_installed_command(extract):
    """The real entry point, real stdout bytes."""
    done = subprocess.run([REGSCREEN, "check", extract], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "北京Ｐ２Ｐ網貸信息服務有限公司".encode("utf-8") in done.stdout
    objects = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [obj["record"] for obj in objects] == [1, 2, 3, 4, 5]
    assert objects[3]["rejected"] == "invalid credit code checksum"


@pytest.mark.parametrize(
    ("name", "cell", "printed"),
    [
        ("杭州示例科技有限公司", "", None),
        ("杭州示例科技有限公司", f" {BEIJING} ", BEIJING),
        ("杭州眾籌科技有限公司", "", None),
        ("杭州眾籌科技有限公司", f" {BEIJING} ", BEIJING),
    ],
)
def test_printed_credit_code_is_stripped_or_null_with_or_without_hits(run, tmp_path, name, cell, printed):
    path = write_csv(tmp_path / "extract.csv", [["企业名称", "统一社会信用代码"], [name, cell]])
    (obj,) = jsonl(run("check", path))
    assert obj["credit_code"] == printed
    assert obj["rejected"] == (None if printed else "missing credit code (or 15-digit registration number)")


def test_malformed_record_gets_a_line_with_the_problem(run, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(f"企业名称,统一社会信用代码\n甲公司,{BEIJING}\n乙公司\n丙公司,{BEIJING_2}\n".encode())
    objects = jsonl(run("check", path))
    assert [obj["record"] for obj in objects] == [1, 2, 3]
    assert objects[1]["rejected"].startswith("malformed record at line 3")
    assert objects[1]["hits"] == []
    assert [objects[0]["rejected"], objects[2]["rejected"]] == [None, None]


@pytest.mark.parametrize("flagged_only", [False, True])
def test_check_table(run, extract, flagged_only):
    args = ["check", extract, "--format", "table"] + (["--flagged-only"] if flagged_only else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert "北京Ｐ２Ｐ網貸信息服務有限公司" in result.stdout
    assert "FLAGGED" in result.stdout
    assert ("北京示例科技有限公司" in result.stdout) is not flagged_only
    assert ("invalid credit code checksum" in result.stdout) is not flagged_only


def test_terms_table_lists_terms_and_list_ids(run):
    result = run("terms")
    assert result.exit_code == 0, result.stderr
    assert "投资管理" in result.stdout
    for list_id in LIST_IDS:
        assert f"{list_id}@" in result.stdout


def test_terms_jsonl(run):
    result = run("terms", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result)
    assert rows
    for row in rows:
        assert isinstance(row, dict)
        assert row["term"] and row["regulator"] and row["source"]
    assert {row["list"] for row in rows} == LIST_IDS
    assert "投资管理" in {row["term"] for row in rows}
    assert "投资管理".encode() in result.stdout_bytes  # not \u-escaped


@pytest.mark.parametrize("output", ["jsonl", "table"])
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("noname.csv", "统一社会信用代码,经营范围\n91110108MA0000000A,投资\n", "no column for 'name'"),
        ("empty.csv", "", "empty file"),
        ("extract.doc", "x", "unknown extract type"),
    ],
)
def test_unreadable_extract_exits_2_naming_the_file(run, tmp_path, output, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("check", path, "--format", output)
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("regscreen: error: ")
    assert result.stdout == "" if output == "jsonl" else "Traceback" not in result.stdout


def test_missing_file_via_installed_command(tmp_path):
    path = tmp_path / "nope.csv"
    done = subprocess.run([REGSCREEN, "check", path], capture_output=True, timeout=60)
    assert done.returncode == 2
    assert str(path) in done.stderr.decode("utf-8")
    assert done.stdout == b""


def test_undecodable_record_is_rejected_not_a_crash(run, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes("名称\n甲公司\n".encode("gb18030") + b"\xff\xfe\n" + "丙公司\n".encode("gb18030"))
    result = CliRunner().invoke(cli.main, ["check", str(path)])
    assert result.exit_code == 0
    objects = jsonl(result)
    assert [obj["record"] for obj in objects] == [1, 2, 3]
    assert objects[1]["rejected"].startswith("undecodable bytes at line 3")


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.write_text("x")], ids=["missing", "a-file"])
def test_nightly_wants_an_existing_drop_folder_and_makes_nothing(run, tmp_path, make):
    drop, db = tmp_path / "drpo", tmp_path / "store" / "registry.duckdb"  # a typo is not a new folder
    make(drop)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("nightly", drop, "--db", db)
    assert result.exit_code == 2
    what = "does not exist" if not drop.exists() else "is a file"
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for 'EXTRACT_DIR': Directory '{drop}' {what}."
    assert "Traceback" not in result.output and sorted(p.name for p in tmp_path.iterdir()) == before
