"""Hand-off exports: screening.handoff.export on a small store built with scan() in tmp_path."""

import csv
from datetime import date, datetime
import hashlib
import io
from pathlib import Path
import re
import zipfile

import fastexcel
import orjson
import pytest
from stdnum.cn import ric, uscc

from conftest import query, write_csv
from screening.handoff.export import export as export_to
from screening.handoff.rows import COLUMNS
from screening.rules.regulators import load_regulators
from screening.settings import get_settings
from screening.store.scan import scan


def code(base: str) -> str:
    """A credit code with a valid check character."""
    return base + uscc.calc_check_digit(base)


ID = "11010519491231002" + ric.calc_check_digit("110105194912310020")  # stdnum drops the last character
MASKED = ID[:6] + "*" * 8 + ID[-4:]
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人", "登记状态"]
P2P = code("91310115MA0000001")     # 银监局, scope begins with '='
FIN = code("91310115MA0000002")     # 金融办, legal_rep carries a personal ID
CROWD = code("91310115MA0000003")   # 证监局
PLAIN = code("91310115MA0000004")   # never flagged: in no file
FIRST = [
    ["上海丁网络借贷信息中介有限公司", P2P, '=HYPERLINK("http://x")&网络借贷信息中介服务', "张三", "存续"],
    ["上海乙金融信息服务有限公司", FIN, f"金融信息服务；法人身份证{ID}", f"李四 {ID}", "存续"],
    ["上海丙众筹科技有限公司", CROWD, "股权众筹", "@王五", "存续"],
    ["上海己科技有限公司", PLAIN, "技术开发", "赵六", "存续"],
]
SECOND = [FIRST[0], ["上海乙金融信息服务有限公司", FIN, "金融信息服务；投资管理", f"李四 {ID}", "存续"], FIRST[2], FIRST[3]]
THIRD = SECOND[:2] + [["上海丙众筹科技有限公司", CROWD, "股权众筹；技术开发", "@王五", "存续"], FIRST[3]]
SLUGS = {"银监局": "cbrc", "证监局": "csrc", "金融办": "jrb"}
DANGER = ("=", "+", "-", "@", "\t", "\r")
NOW = datetime(2026, 11, 25, 9, 30, 0)
REGULATORS = load_regulators(get_settings().keywords_dir)


def export(db, out, **options):
    """The export over the shipped regulators."""
    return export_to(db, out, REGULATORS, **options)


@pytest.fixture
def store(tmp_path, screener) -> Path:
    """A store with one run over FIRST."""
    db = tmp_path / "store.duckdb"
    scan(write_csv(tmp_path / "first.csv", [HEADER] + FIRST), db, screener, as_of=date(2026, 11, 22))
    return db


@pytest.fixture
def exported(store, tmp_path) -> tuple[Path, dict[str, dict]]:
    """The first hand-off of the store: output folder and the record per regulator."""
    out = tmp_path / "out"
    return out, {r["regulator"]: r for r in export(store, out, now=NOW)}


def file_of(record: dict, suffix: str) -> str:
    """The name of a hand-off's file ending in ``suffix``."""
    return next(f["name"] for f in record["files"] if f["name"].endswith(suffix))


def xlsx_cells(path: Path) -> dict[str, list[list]]:
    """Every sheet of a workbook as rows of cells (header first), read with fastexcel."""
    book = fastexcel.read_excel(str(path))
    sheets = {}
    for name in book.sheet_names:
        frame = book.load_sheet(name, header_row=None).to_polars()
        sheets[name] = [list(row) for row in frame.iter_rows()]
    return sheets


def csv_rows(path: Path, encoding: str) -> list[list[str]]:
    """A CSV file's rows."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def all_cells(out: Path, record: dict) -> list[str]:
    """Every cell of a hand-off's xlsx and CSVs, as text."""
    cells = [c for rows in xlsx_cells(out / file_of(record, ".xlsx")).values() for row in rows for c in row]
    for suffix, encoding in (("_gb18030.csv", "gb18030"), ("_utf8bom.csv", "utf-8-sig")):
        cells += [c for row in csv_rows(out / file_of(record, suffix), encoding) for c in row]
    return [str(c) for c in cells if c is not None]


def test_one_set_of_files_per_regulator_with_rows(exported):
    out, records = exported
    assert set(records) == set(SLUGS)
    for regulator, record in records.items():
        names = [f["name"] for f in record["files"]]
        stem = f"{SLUGS[regulator]}_run1_20261125_093000"
        assert names == [f"{stem}.xlsx", f"{stem}_gb18030.csv", f"{stem}_utf8bom.csv", f"{stem}_manifest.json"]
        assert all((out / n).is_file() and re.fullmatch(r"[a-z0-9_.]+", n) for n in names)
    assert sorted(p.name for p in out.iterdir()) == sorted(f["name"] for r in records.values() for f in r["files"])


@pytest.mark.parametrize("regulator, codes, sheets", [
    ("银监局", [P2P], ["P2P网络借贷"]),
    ("证监局", [CROWD], ["股权众筹"]),
    ("金融办", [FIN], ["资产管理及跨界金融"]),
])
def test_xlsx_headers_sheets_and_rows(exported, regulator, codes, sheets):
    out, records = exported
    cells = xlsx_cells(out / file_of(records[regulator], ".xlsx"))
    assert list(cells) == sheets
    for rows in cells.values():
        assert rows[0] == [header for header, _ in COLUMNS]
        assert rows[0][:12] == ["统一社会信用代码", "企业名称", "经营范围", "状态", "牵头部门", "类别", "命中词",
                                "优先级", "经营异常", "暂停(迁入)", "首次列入日期", "最近所见日期"]
    assert [row[0] for rows in cells.values() for row in rows[1:]] == codes


@pytest.mark.parametrize("regulator, red", [("银监局", "网络借贷"), ("金融办", "金融")])  # 证监局: the whole cell is the term
def test_xlsx_header_frozen_filtered_and_terms_red(exported, regulator, red):
    out, records = exported
    with zipfile.ZipFile(out / file_of(records[regulator], ".xlsx")) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        strings = book.read("xl/sharedStrings.xml").decode()
    assert sheets and all('<pane ySplit="1"' in s and "<autoFilter" in s for s in sheets)
    assert "<f>" not in "".join(sheets)  # no formula anywhere
    runs = re.findall(r"<r><rPr>(.*?)</rPr><t[^>]*>(.*?)</t></r>", strings)
    assert any("<b/>" in style and "FFFF0000" in style and text == red for style, text in runs)


def test_csv_files_are_gb18030_and_utf8_with_bom(exported):
    out, records = exported
    for record in records.values():
        gb, bom = out / file_of(record, "_gb18030.csv"), out / file_of(record, "_utf8bom.csv")
        assert bom.read_bytes().startswith(b"\xef\xbb\xbf") and not gb.read_bytes().startswith(b"\xef\xbb\xbf")
        assert csv_rows(gb, "gb18030") == csv_rows(bom, "utf-8-sig")
        assert csv_rows(gb, "gb18030")[0] == [header for header, _ in COLUMNS]
        assert len(csv_rows(gb, "gb18030")) == record["row_count"] + 1


def test_manifest_and_exports_table_match_the_files(exported, store):
    out, records = exported
    for regulator, record in records.items():
        manifest = orjson.loads((out / file_of(record, "_manifest.json")).read_bytes())
        assert (manifest["regulator"], manifest["run_id"], manifest["exported_at"]) == (regulator, 1, NOW.isoformat())
        assert manifest["list_versions"] == orjson.loads(query(store, "select list_versions from runs")[0][0])
        for entry in manifest["files"] + record["files"]:
            assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
        assert [f["rows"] for f in manifest["files"]] == [1, 1, 1]
    rows = query(store, "select regulator, run_id, since_run, mode, row_count, files from exports order by export_id")
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        (reg, 1, 0, "since-last", 1) for reg in ("银监局", "证监局", "金融办")]
    assert [orjson.loads(r[5]) for r in rows] == [records[r[0]]["files"] for r in rows]


@pytest.mark.parametrize("regulator, expected", [
    ("银监局", "'=HYPERLINK(\"http://x\")&网络借贷信息中介服务"),
    ("证监局", "'@王五"),
])
def test_no_cell_starts_like_a_formula(exported, regulator, expected):
    out, records = exported
    cells = all_cells(out, records[regulator])
    assert not [c for c in cells if c.startswith(DANGER)]
    assert cells.count(expected) == 3  # xlsx and both CSVs


def test_the_personal_id_is_masked_everywhere(exported):
    out, records = exported
    cells = all_cells(out, records["金融办"])
    assert not [c for c in cells if ID in c]
    assert f"李四 {MASKED}" in cells and f"金融信息服务；法人身份证{MASKED}" in cells
    for path in out.iterdir():
        data = path.read_bytes()
        texts = [data] if path.suffix != ".xlsx" else [zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist()]
        assert not any(ID.encode() in t for t in texts)


def test_since_last_exports_only_what_changed_and_all_exports_again(store, exported, tmp_path, screener):
    out, _ = exported
    assert export(store, out, now=NOW) == []  # no new run: nothing for anyone
    again = export(store, out, since_last=False, now=NOW)
    assert sorted(r["regulator"] for r in again) == sorted(SLUGS)
    assert all(r["since_run"] == 0 and r["mode"] == "all" for r in again)
    assert len({f["name"] for r in again for f in r["files"]} & {p.name for p in out.iterdir()}) == 12
    assert len(list(out.iterdir())) == 24  # the earlier hand-off's files are kept, not overwritten
    scan(write_csv(tmp_path / "second.csv", [HEADER] + SECOND), store, screener, as_of=date(2026, 11, 23))
    second = export(store, out, now=NOW)  # only 金融办's firm changed; new → continuing is not news
    assert [(r["regulator"], r["run_id"], r["since_run"]) for r in second] == [("金融办", 2, 1)]
    statuses = csv_rows(out / file_of(second[0], "_utf8bom.csv"), "utf-8-sig")[1][3]
    assert statuses == "登记变更"
    scan(write_csv(tmp_path / "third.csv", [HEADER] + THIRD), store, screener, as_of=date(2026, 11, 24))
    third = export(store, out, now=NOW)  # 证监局's firm changed; 金融办's changed → continuing is not news
    assert [(r["regulator"], r["run_id"], r["since_run"], r["row_count"]) for r in third] == [("证监局", 3, 1, 1)]


def test_one_regulator_only(store, tmp_path):
    records = export(store, tmp_path / "out", only=["金融办"], now=NOW)
    assert [r["regulator"] for r in records] == ["金融办"]
    assert query(store, "select regulator from exports") == [("金融办",)]


def test_cli_export(run, store, tmp_path):
    out = tmp_path / "cli-out"
    result = run("export", "--to", out, "--db", store)
    assert result.exit_code == 0, result.output
    assert sorted({p.name.split("_")[0] for p in out.iterdir()}) == ["cbrc", "csrc", "jrb"]
    assert "金融办" in result.output
    again = run("export", "--to", out, "--db", store, "--regulator", "金融办")
    assert again.exit_code == 0 and again.output.startswith("自上次移交以来没有新的变动（金融办），未写文件") and "--all" in again.output
    everything = run("export", "--to", out, "--db", store, "--regulator", "csrc", "--all")
    assert everything.exit_code == 0 and everything.output.startswith("证监局：观察名单 1 家（截至第 1 次运行的全部） → ")
    assert "--all" not in everything.output and "没有" not in everything.output
    refused = run("export", "--to", out, "--db", store, "--regulator", "发改委")
    assert refused.exit_code == 2
    missing = run("export", "--to", out, "--db", tmp_path / "none.duckdb")
    assert missing.exit_code == 2 and not (tmp_path / "none.duckdb").exists()


def test_a_failure_recording_the_hand_offs_rolls_their_bookkeeping_back(store, tmp_path, monkeypatch):
    from screening.handoff import export as exporting
    from store_scenario import snapshot

    real = exporting.record_exports

    def record_one_then_fail(con, records):
        real(con, records[:1])
        raise OSError(28, "No space left on device (injected)")

    before = snapshot(store)
    out = tmp_path / "out"
    monkeypatch.setattr(exporting, "record_exports", record_one_then_fail)
    with pytest.raises(OSError, match="injected"):
        export(store, out, now=NOW)
    assert snapshot(store) == before  # the hand-off recorded first is rolled back with the rest
    assert query(store, "select count(*) from exports") == [(0,)]
    left = sorted(p.name for p in out.iterdir())  # the files were placed before the bookkeeping: complete sets
    assert sorted(name for name in left if name.endswith("_manifest.json")) == [
        f"{slug}_run1_20261125_093000_manifest.json" for slug in sorted(SLUGS.values())] and len(left) == 12
    monkeypatch.undo()
    records = export(store, out, now=NOW)  # not recorded, so not handed off: the next export sends it all again
    assert sorted(r["regulator"] for r in records) == sorted(SLUGS)
    assert all(r["since_run"] == 0 for r in records)
    assert query(store, "select regulator, since_run from exports order by regulator") == sorted(
        (name, 0) for name in SLUGS)
    assert {f["name"] for r in records for f in r["files"]}.isdisjoint(left)  # new files, the earlier ones kept
