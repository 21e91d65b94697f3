"""Benchmark: hostile input (issue 12) — what the bounds cost and what they keep.

1. Spreadsheets: ``regscreen check`` on generated bombs (the 5 KB workbook whose used range reaches
   XFD1048576, a workbook of 5 million rows, a 64 MB member that deflates to 64 KB) and on an ordinary
   workbook of ROWS rows: exit status, seconds, peak resident memory of the process; and the seconds
   the bounds check itself takes on the ordinary workbook, against reading it.
2. ``regscreen sql``: ``select * from range(100000000)`` (default: the first 1,000 rows), the same with
   ``--all --csv`` to /dev/null under ``--timeout 10``, and a query over the memory limit.
3. ID masking: the readers' cost of masking ID numbers (``without_personal_ids``) on the real sample,
   as a share of reading it, and ``mask_ids`` per cell.

Each command is its own process (peak memory from ``wait4``). Run from the repository root:

    .venv/bin/python bench/hostile_input.py [--rows 100000]
"""

import argparse
import os
from pathlib import Path
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

from rich.console import Console
from rich.table import Table

REGSCREEN = str(Path(sys.executable).parent / "regscreen")
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "法定代表人"]


def measured(args: list[str], env: dict | None = None) -> tuple[int, float, float, str]:
    """(exit status, seconds, peak MB, last stderr line) of one command."""
    started = time.monotonic()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    error = process.stderr.read().strip().splitlines()
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024, (error[-1] if error else "")[:110]


def dimension_bomb(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "dimension_bomb.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        sheet.write(1048575, 16383, "x")
    return path


def rows_bomb(folder: Path, rows: int = 5_000_000) -> Path:
    """A sheet of ``rows`` one-cell rows written straight into the zip (about 1 MB compressed)."""
    source = dimension_bomb(folder)
    path = folder / "rows_bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item.filename, src.read(item.filename))
                continue
            with dst.open(item.filename, "w") as out:
                out.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                          b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe4\xbc\x81\xe4\xb8\x9a\xe5\x90\x8d\xe7\xa7\xb0</t>'
                          b"</is></c></row>")
                block = row * 10_000
                for _ in range(rows // 10_000):
                    out.write(block)
                out.write(b"</sheetData></worksheet>")
    return path


def zip_bomb(folder: Path) -> Path:
    path = folder / "zip_bomb.xlsx"
    dimension = dimension_bomb(folder)
    with zipfile.ZipFile(dimension) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
        dst.writestr("xl/media/image1.png", b"\0" * (64 << 20))
    return path


def ordinary(folder: Path, rows: int) -> Path:
    import xlsxwriter

    path = folder / f"ordinary_{rows}.xlsx"
    with xlsxwriter.Workbook(path, {"constant_memory": True}) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        for r in range(1, rows + 1):
            scope = "技术开发、技术咨询、技术服务；企业管理咨询" + ("；投资管理" if r % 20 == 0 else "")  # 1 in 20 hits
            sheet.write_row(r, 0, [f"上海某{r}科技有限公司", "", scope, f"上海市浦东新区张江路{r}号", "张三"])
    return path


def spreadsheet_rows(folder: Path, rows: int) -> list[tuple]:
    from screening.extract.readers import read_extract
    from screening.extract.workbook_limits import WorkbookLimits, check_workbook

    cases = [("used range A1:XFD1048576 (5 KB)", dimension_bomb(folder)), ("5,000,000 rows", rows_bomb(folder)),
             ("64 MB member deflated to 64 KB", zip_bomb(folder)), (f"ordinary, {rows:,} rows", ordinary(folder, rows))]
    out = []
    for label, path in cases:
        status, seconds, peak, error = measured([REGSCREEN, "check", str(path)])
        out.append((label, f"{path.stat().st_size:,}", status, f"{seconds:.1f}", f"{peak:,.0f}", error))
    path = cases[-1][1]
    checks = []
    for _ in range(3):
        started = time.monotonic()
        check_workbook(path, WorkbookLimits())  # explicit limits: checked again, not taken from this process's cache
        checks.append(time.monotonic() - started)
    started = time.monotonic()
    read = sum(chunk.height for chunk in read_extract(path, 50_000))
    reading = time.monotonic() - started
    out.append((f"bounds check alone, {read:,} rows (median of 3)", "", "", f"{statistics.median(checks):.2f}", "",
                f"reading it: {reading:.1f} s"))
    return out


def sql_rows(folder: Path) -> list[tuple]:
    db = folder / "store.duckdb"
    extract = folder / "one.csv"
    extract.write_text("企业名称,统一社会信用代码\n上海甲投资管理有限公司,91310115MA0000001Y\n", encoding="utf-8")
    subprocess.run([REGSCREEN, "scan", str(extract), "--db", str(db)], check=True, capture_output=True)
    cases = [("select * from range(100000000)", []),
             ("select * from range(100000000)", ["--all", "--csv", "--timeout", "10"]),
             ("select string_agg(range::varchar, ',') from range(100000000)", [])]
    out = []
    for query, extra in cases:
        status, seconds, peak, error = measured([REGSCREEN, "sql", query, "--db", str(db), *extra])
        out.append((query + (" " + " ".join(extra) if extra else ""), status, f"{seconds:.1f}", f"{peak:,.0f}", error))
    return out


def masking_rows() -> list[tuple]:
    from screening.extract.personal_ids import mask_ids
    from screening.extract.readers import extract_chunks, without_personal_ids
    from screening.settings import get_settings

    sample = get_settings().registry_dir / "erd_1978_2003_sample20k.csv"
    if not sample.exists():
        return [("real sample not found", "", "")]
    chunks = list(extract_chunks(sample, 50_000))
    reading = []
    for _ in range(3):
        started = time.monotonic()
        list(extract_chunks(sample, 50_000))
        reading.append(time.monotonic() - started)
    masking = []
    for _ in range(3):
        started = time.monotonic()
        for chunk in chunks:
            without_personal_ids(chunk)
        masking.append(time.monotonic() - started)
    cells = [v for chunk in chunks for v in chunk["scope"].to_list() if v] * 5
    started = time.monotonic()
    for value in cells:
        mask_ids(value)
    per_cell = (time.monotonic() - started) / len(cells) * 1e6
    rows = sum(chunk.height for chunk in chunks)
    return [(f"reading {rows:,} real records (CSV)", f"{statistics.median(reading):.2f} s", ""),
            ("masking ID numbers in them (name, scope, address, raw)", f"{statistics.median(masking):.3f} s",
             f"{statistics.median(masking) / statistics.median(reading):.1%} of reading"),
            ("mask_ids on one real scope", f"{per_cell:.1f} µs", f"{len(cells):,} cells")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the ordinary workbook")
    options = parser.parse_args()
    console = Console(width=200)
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as folder:
        folder = Path(folder)
        table = Table(title="regscreen check on spreadsheets")
        for column in ("workbook", "bytes", "exit", "seconds", "peak MB", "message"):
            table.add_column(column)
        for row in spreadsheet_rows(folder, options.rows):
            table.add_row(*map(str, row))
        console.print(table)
        table = Table(title="regscreen sql, bounded")
        for column in ("query", "exit", "seconds", "peak MB", "message"):
            table.add_column(column)
        for row in sql_rows(folder):
            table.add_row(*map(str, row))
        console.print(table)
    table = Table(title="ID masking in the readers")
    for column in ("what", "time", "note"):
        table.add_column(column)
    for row in masking_rows():
        table.add_row(*map(str, row))
    console.print(table)


if __name__ == "__main__":
    main()
