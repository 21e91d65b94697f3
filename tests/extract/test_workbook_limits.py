"""Spreadsheet bombs are refused before the reader sees them (screening/extract/workbook_limits.py): each
class is generated here as a small file, and each must-pass workbook still reads."""

import os
from pathlib import Path
import resource
import subprocess
import sys
import zipfile

import pytest
import xlsxwriter

from screening.errors import ExtractError
from screening.extract.readers import read_extract
from screening.extract.workbook_limits import WorkbookLimits, check_workbook

REGSCREEN = Path(sys.executable).parent / "regscreen"
HEADER = ["企业名称", "统一社会信用代码", "经营范围"]
SMALL = WorkbookLimits(max_rows=1000, max_columns=50, max_cells=10_000, max_bytes=4 << 20, max_members=30)


def workbook(path: Path, rows: int = 3, columns: int = 3, cell: str = "投资管理", far: tuple | None = None,
             inline: bool = False) -> Path:
    with xlsxwriter.Workbook(path, {"strings_to_numbers": False}) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER + [f"列{i}" for i in range(3, columns)])
        for r in range(1, rows + 1):
            sheet.write_row(r, 0, [f"甲{r}公司", "", cell] + ["x"] * (columns - 3))
        if far:
            sheet.write(*far, "x")
    return inline_strings(path) if inline else path


def rewrite(path: Path, member: str, change) -> Path:
    """The workbook with one member's bytes changed by ``change`` (or added when missing)."""
    out = path.with_name("re_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item.filename, change(data) if item.filename == member else data)
        if member not in src.namelist():
            dst.writestr(member, change(b""))
    out.replace(path)
    return path


def inline_strings(path: Path) -> Path:
    """Shared strings moved into the cells (``t="inlineStr"``), as some exporters write them."""
    with zipfile.ZipFile(path) as book:
        shared = book.read("xl/sharedStrings.xml").decode()
    import re
    strings = re.findall(r"<si><t[^>]*>(.*?)</t></si>", shared, re.S)
    return rewrite(path, "xl/worksheets/sheet1.xml", lambda data: re.sub(
        rb'<c r="([A-Z]+\d+)"( s="\d+")? t="s"><v>(\d+)</v></c>',
        lambda m: f'<c r="{m[1].decode()}" t="inlineStr"><is><t>{strings[int(m[3])]}</t></is></c>'.encode(), data))


def dimension_bomb(tmp):  # the 2 KB file whose used range reaches XFD1048576 (calamine: abort)
    return workbook(tmp / "dimension.xlsx", far=(1048575, 16383))


def used_range_bomb(tmp):  # the same without a <dimension>: found from the cells themselves
    import re
    return rewrite(dimension_bomb(tmp), "xl/worksheets/sheet1.xml", lambda d: re.sub(rb"<dimension[^>]*/>", b"", d))


def many_rows(tmp):
    import re
    return rewrite(workbook(tmp / "rows.xlsx", rows=1500), "xl/worksheets/sheet1.xml",
                   lambda d: re.sub(rb"<dimension[^>]*/>", b"", d))


def many_rows_counted(tmp):  # every row claims to be row 2, cells carry no reference: rows are counted
    import re
    path = rewrite(many_rows(tmp), "xl/worksheets/sheet1.xml", lambda d: re.sub(rb' r="[A-Z]+[0-9]+"', b"", d))
    return rewrite(path, "xl/worksheets/sheet1.xml", lambda d: re.sub(rb'<row r="[0-9]+"', b'<row r="2"', d))


def wide(tmp):
    return workbook(tmp / "wide.xlsx", columns=60)


def many_cells(tmp):
    return workbook(tmp / "cells.xlsx", rows=400, columns=40)


LONG = "投资管理" * 9000  # 36,000 characters: more than Excel (and xlsxwriter) puts in a cell, so written into the XML


def long_shared_string(tmp):
    return rewrite(workbook(tmp / "long_shared.xlsx", cell="SCOPE"), "xl/sharedStrings.xml",
                   lambda d: d.replace(b">SCOPE<", f">{LONG}<".encode()))


def long_inline_string(tmp):
    return rewrite(workbook(tmp / "long_inline.xlsx", cell="SCOPE", inline=True), "xl/worksheets/sheet1.xml",
                   lambda d: d.replace(b">SCOPE<", f">{LONG}<".encode()))


def zip_bomb(tmp):
    return rewrite(workbook(tmp / "zipbomb.xlsx"), "xl/media/image1.png", lambda _: b"\0" * (20 << 20))


def too_many_bytes(tmp):
    return rewrite(workbook(tmp / "bytes.xlsx"), "xl/media/image1.png", lambda _: os.urandom(5 << 20))


def entity_bomb(tmp):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
              b"</worksheet>")
    return rewrite(workbook(tmp / "entities.xlsx"), "xl/worksheets/sheet1.xml", lambda _: laughs)


def many_members(tmp):
    path = workbook(tmp / "members.xlsx")
    for n in range(40):
        rewrite(path, f"xl/media/image{n}.png", lambda _: b"png")
    return path


def not_a_zip(tmp):
    (tmp / "renamed.xlsx").write_text("企业名称,统一社会信用代码\n甲公司,\n", encoding="utf-8")
    return tmp / "renamed.xlsx"


BOMBS = [
    pytest.param(dimension_bomb, WorkbookLimits(), "its declared range A1:XFD1048576 goes to column 16,384; the limit is "
                 "256 columns (REGSCREEN_XLSX_MAX_COLUMNS)", id="dimension-XFD1048576"),
    pytest.param(used_range_bomb, WorkbookLimits(), "its cells go to column 16,384", id="used-range-without-dimension"),
    pytest.param(many_rows, SMALL, "its cells go to row 1,001; the limit is 1,000 rows (REGSCREEN_XLSX_MAX_ROWS)",
                 id="rows"),
    pytest.param(many_rows_counted, SMALL, "more than 1,000 rows (REGSCREEN_XLSX_MAX_ROWS)", id="rows-counted"),
    pytest.param(wide, SMALL, "its declared range A1:BH4 goes to column 60; the limit is 50 columns", id="columns"),
    pytest.param(many_cells, SMALL, "goes to row 401 and column 40: 16,040 cells; the limit is 10,000 cells",
                 id="cells"),
    pytest.param(long_shared_string, WorkbookLimits(), "holds more than 32,767 characters", id="long-shared-string"),
    pytest.param(long_inline_string, WorkbookLimits(), "holds more than 32,767 characters", id="long-inline-string"),
    pytest.param(zip_bomb, WorkbookLimits(), "xl/media/image1.png expands", id="zip-bomb"),
    pytest.param(too_many_bytes, SMALL, "its members expand to", id="uncompressed-bytes"),
    pytest.param(entity_bomb, WorkbookLimits(), "an XML document type declaration", id="entity-bomb"),
    pytest.param(many_members, SMALL, "members in the zip; the limit is 30", id="members"),
    pytest.param(not_a_zip, WorkbookLimits(), "not a readable Excel workbook, damaged or not a zip", id="not-a-zip"),
]


@pytest.mark.parametrize(("build", "limits", "says"), BOMBS)
def test_a_bomb_is_refused_naming_the_file_the_limit_and_the_fix(tmp_path, build, limits, says):
    path = build(tmp_path)
    assert path.stat().st_size < 1 << 20 or build in (too_many_bytes,)  # small files: never committed, made here
    with pytest.raises(ExtractError) as refused:
        check_workbook(path, limits)
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and says in message, message
    if build is not not_a_zip:
        assert "Export the sheet as CSV" in message


MUST_READ = [
    pytest.param(lambda tmp: workbook(tmp / "plain.xlsx"), 3, id="plain"),
    pytest.param(lambda tmp: workbook(tmp / "long_cell.xlsx", cell="技术开发" * 8000), 3, id="cell-of-32000-chars"),
    pytest.param(lambda tmp: workbook(tmp / "inline.xlsx", inline=True), 3, id="inline-strings"),
    pytest.param(lambda tmp: workbook(tmp / "limit.xlsx", rows=999, columns=10), 999, id="just-under-the-limits"),
]


@pytest.mark.parametrize(("build", "rows"), MUST_READ)
def test_an_ordinary_workbook_passes_and_reads(tmp_path, build, rows):
    path = build(tmp_path)
    check_workbook(path, SMALL)
    assert sum(chunk.height for chunk in read_extract(path, 1000, SMALL)) == rows


def test_the_reader_checks_with_the_defaults_unless_already_checked(tmp_path):
    path = many_rows(tmp_path)
    assert sum(chunk.height for chunk in read_extract(path, 1000)) == 1500  # the defaults let it through
    with pytest.raises(ExtractError, match="the limit is 1,000 rows"):
        list(read_extract(path, 1000, SMALL))


@pytest.mark.parametrize("command", ["check", "scan"])
def test_the_dimension_bomb_exits_2_in_bounded_memory(tmp_path, command):
    path = dimension_bomb(tmp_path)
    args = [str(REGSCREEN), command, str(path)] + (["--db", str(tmp_path / "s.duckdb")] if command == "scan" else [])
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])  # not 134 (abort)
    assert result.stderr.startswith(f"regscreen: error: {path}: the workbook is too large to read safely")
    assert result.stderr.count("\n") == 1 and "Export the sheet as CSV" in result.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < 1.5e9
