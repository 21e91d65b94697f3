"""The spot-check list (重点抽查) in the hand-off: its own sheet and CSV files, its own push entries, the
chain in the dossier (text, HTML, the workspace's firm page) and the note on masked names."""

import csv
from datetime import datetime
import io

import fastexcel
import orjson
import pytest

from interest_scenario import (A, B, ID, MASKED_ID, N_QIAN_REP, N_SUN, N_ZHAO, SUN_SHOWN, THIRD, registry,
                               second_run)
from screening.handoff.dossier import load
from screening.handoff.dossier_render import render_html, render_text
from screening.handoff.export import export
from screening.handoff.messages import handoff_line
from screening.handoff.push_payload import payload
from screening.handoff.spot_checks import SPOT_COLUMNS, SPOT_SHEET
from screening.rules.regulators import load_regulators
from screening.settings import get_settings
from screening.store import outbox

REGULATORS = load_regulators(get_settings().keywords_dir)
NOW = datetime(2026, 11, 29, 9, 30)


def sheet(path, name: str) -> list[list]:
    book = fastexcel.read_excel(str(path))
    assert name in book.sheet_names, book.sheet_names
    return [list(row) for row in book.load_sheet(name, header_row=None).to_polars().iter_rows()]


def csv_file(out, record, tag: str, suffix: str, encoding: str) -> list[list[str]]:
    name = next(f["name"] for f in record["files"] if f["name"].endswith(f"_{tag}{suffix}"))
    return list(csv.reader(io.StringIO((out / name).read_bytes().decode(encoding), newline="")))


def test_the_spot_check_part_has_its_own_sheet_csv_files_and_count(registry, tmp_path):
    out = tmp_path / "out"
    [record] = [r for r in export(registry.db, out, REGULATORS, now=NOW) if r["regulator"] == "金融办"]
    assert record["spot_check_rows"] == 3 and "重点抽查 3 家" in handoff_line(record)
    xlsx = next(f["name"] for f in record["files"] if f["name"].endswith(".xlsx"))
    rows = sheet(out / xlsx, SPOT_SHEET)
    assert rows[0] == [header for header, _ in SPOT_COLUMNS]
    assert {row[0] for row in rows[1:]} == {N_SUN, N_QIAN_REP, N_ZHAO}
    assert {row[2] for row in rows[1:]} == {"列入抽查"}
    by_code = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert by_code[N_SUN]["关注人员"] == SUN_SHOWN and by_code[N_SUN]["在本企业"] == "股东"
    assert A in by_code[N_SUN]["经认定企业"] and B in by_code[N_SUN]["经认定企业"]
    assert "任职资格限制" in by_code[N_ZHAO]["关注依据"] and "四(二)3" in by_code[N_ZHAO]["理由"]
    assert all("脱敏" in row["说明"] for row in by_code.values())
    for suffix, encoding in (("_gb18030.csv", "gb18030"), ("_utf8bom.csv", "utf-8-sig")):
        table = csv_file(out, record, "spotcheck", suffix, encoding)
        assert table[0] == rows[0] and {r[0] for r in table[1:]} == {N_SUN, N_QIAN_REP, N_ZHAO}
    manifest = orjson.loads((out / record["files"][-1]["name"]).read_bytes())
    assert manifest["spot_check_rows"] == 3
    text = "".join(p.read_bytes().decode("utf-8", "replace") for p in out.glob("*utf8bom.csv"))
    assert ID not in text and MASKED_ID in text


def test_a_withdrawal_is_handed_off_after_the_reversal(registry, tmp_path):
    out = tmp_path / "out"
    export(registry.db, out, REGULATORS, now=NOW)
    registry.decide(B, "dismiss")
    registry.scan(THIRD, 3)  # the next night: its hand-off carries the withdrawals
    [record] = [r for r in export(registry.db, out, REGULATORS, now=datetime(2026, 11, 30, 9, 30))
                if r["regulator"] == "金融办"]
    rows = csv_file(out, record, "spotcheck", "_utf8bom.csv", "utf-8-sig")
    assert {(r[0], r[2]) for r in rows[1:]} == {(N_SUN, "撤销抽查"), (N_QIAN_REP, "撤销抽查")}
    assert all("撤销" in r[13] for r in rows[1:])


def test_push_entries_of_their_own_kind_carry_the_chain(registry):
    entries = payload(registry.db, outbox.due(registry.db, NOW, 1000), REGULATORS)
    spot = {e["credit_code"]: e for e in entries if e["kind"] == "spot_check"}
    assert set(spot) == {N_SUN, N_QIAN_REP, N_ZHAO}
    assert all(e["status"] == "spot_check" and e["lead_regulator"] == "金融办" and e["terms"] == [] for e in spot.values())
    [chain] = spot[N_SUN]["spot_check"]["chains"]
    assert chain["person"] == SUN_SHOWN and chain["roles"] == ["shareholder"] and chain["bases"] == ["shareholder"]
    assert {f["credit_code"] for f in chain["through"]} == {A, B}
    assert spot[N_SUN]["spot_check"]["status"] == "raised" and "脱敏" in spot[N_SUN]["spot_check"]["note"]
    assert ID not in orjson.dumps(entries).decode()
    assert {e["kind"] for e in entries} >= {"watchlist", "spot_check"}


def test_a_withdrawal_is_pushed_as_its_own_entry(registry):
    registry.decide(B, "dismiss")
    entries = payload(registry.db, outbox.due(registry.db, NOW.replace(year=2030), 1000), REGULATORS)
    withdrawn = {e["credit_code"]: e for e in entries if e["status"] == "spot_check_withdrawn"}
    assert set(withdrawn) == {N_SUN, N_QIAN_REP}
    assert all(e["kind"] == "spot_check" and e["spot_check"]["status"] == "withdrawn" for e in withdrawn.values())
    assert all(c["withdrawn_why"] for e in withdrawn.values() for c in e["spot_check"]["chains"])


def test_the_dossier_shows_the_chain_both_ways(registry):
    raised = render_text(load(registry.db, N_SUN))
    assert "重点抽查（延伸监管）:" in raised and f"关注人员 {SUN_SHOWN}" in raised and "列入抽查" in raised
    assert A in raised.split("重点抽查（延伸监管）:")[1] and "脱敏" in raised and ID not in raised
    confirmed = render_text(load(registry.db, A))
    made = confirmed.split("本企业认定后形成的关注人员:")[1]
    assert SUN_SHOWN in made and "钱三" in made and "赵一" in made and "被吊销企业的法定代表人" in made
    page = render_html(load(registry.db, N_ZHAO))
    assert "<h2>重点抽查（延伸监管）</h2>" in page and "任职资格限制" in page and "王*" in page


def test_a_firm_without_spot_checks_says_so(registry):
    text = render_text(load(registry.db, B))
    assert "无：本企业未因关注人员列入重点抽查" in text and "注：源数据中已脱敏的姓名" in text
