"""The clerk's workbook (.xlsx): the watch list one sheet per category, then a sheet per other part
(仅提及, 豁免(持牌), 移出名单, 关注). Headers bold, frozen and filtered; columns sized to their content,
long text columns wrapped; the counting terms in red bold inside the name and scope, from the spans of
the firm's latest screening. No cell is ever a formula.

A cell over Excel's limit of 32,767 characters is cut, with a visible marker at its end saying how long
the full text is and that the CSV files hold it (``TRUNCATED``); a cell is never left empty.
"""

from pathlib import Path
import unicodedata

import xlsxwriter

from screening.handoff.safe_cells import safe_offset, sheet_name

CELL_MAX = 32_767
TRUNCATED = "…【本格超出 Excel 单元格上限，已截断；全文 {length} 字见同名 CSV 文件】"
WRAPPED = {"scope", "evidence", "reasons", "exempt_evidence_label", "exempt_reason_label", "reason", "through_label"}
WRAPPED_WIDTH = 60
WIDTH_RANGE = (6, 40)
SAMPLE_ROWS = 200  # rows measured to size a column
OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def fitted(text: str) -> tuple[str, int]:
    """(the text as the cell holds it, how many characters were kept): cut with the marker when too long."""
    if len(text) <= CELL_MAX:
        return text, len(text)
    marker = TRUNCATED.format(length=f"{len(text):,}")
    return text[:CELL_MAX - len(marker)] + marker, CELL_MAX - len(marker)


def display_width(text: str) -> int:
    """Columns a text takes on screen: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_width(header: str, key: str, rows: list[dict]) -> int:
    """A column's width: wrapped columns fixed, others fitted to the header and the first rows."""
    if key in WRAPPED:
        return WRAPPED_WIDTH
    widest = max([display_width(header)] + [display_width(row["cells"][key][:100]) for row in rows[:SAMPLE_ROWS]])
    return max(WIDTH_RANGE[0], min(WIDTH_RANGE[1], widest + 2))


def merged(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to the text, sorted, overlapping ones merged."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def rich_fragments(text: str, kept: int, spans: list[tuple[int, int]], shift: int, red) -> list:
    """xlsxwriter rich-string fragments of a fitted cell: the counting spans (within the kept text) in ``red``."""
    fragments, at = [], 0
    for start, end in merged([(s + shift, e + shift) for s, e in spans], kept):
        fragments += [text[at:start]] if start > at else []
        fragments += [red, text[start:end]]
        at = end
    return fragments + ([text[at:]] if at < len(text) else [])


def write_cell(sheet, row: int, col: int, key: str, record: dict, styles: dict) -> None:
    """One data cell: numbers as numbers, name and scope as rich strings, the rest as safe text."""
    value, style = record.get(key), styles["wrap"] if key in WRAPPED else None
    if key == "priority" and isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
        return
    text, kept = fitted(record["cells"][key])
    spans = record.get("spans", {}).get(key, []) if key in ("name", "scope") else []
    fragments = rich_fragments(text, kept, spans, safe_offset(value), styles["red"]) if spans else []
    if len(fragments) > 2:
        sheet.write_rich_string(row, col, *fragments, *([style] if style else []))
    elif len(fragments) == 2:  # the whole cell is one counting term
        sheet.write_string(row, col, fragments[1], fragments[0])
    else:
        sheet.write_string(row, col, text, style)


def write_sheet(book, name: str, columns: list[tuple[str, str]], rows: list[dict], styles: dict) -> None:
    """A sheet of rows under a bold, frozen, filtered header, its columns sized and long ones wrapped."""
    sheet = book.add_worksheet(name)
    for col, (header, key) in enumerate(columns):
        sheet.write_string(0, col, header, styles["bold"])
        sheet.set_column(col, col, column_width(header, key, rows))
    for r, record in enumerate(rows, start=1):
        for col, (_, key) in enumerate(columns):
            write_cell(sheet, r, col, key, record, styles)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(columns) - 1)


def write_workbook(path: Path, parts: list) -> None:
    """The workbook of a hand-off's parts (:class:`screening.handoff.rows.Part`), empty parts left out."""
    with xlsxwriter.Workbook(str(path), OPTIONS) as book:
        styles = {"bold": book.add_format({"bold": True}), "red": book.add_format({"bold": True, "font_color": "red"}),
                  "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
        taken: set[str] = set()
        for part in parts:
            if part.spec.sheet is not None:
                if part.rows:
                    write_sheet(book, sheet_name(part.spec.sheet, taken), part.spec.columns, part.rows, styles)
                continue
            for category in dict.fromkeys(row["lead_category"] for row in part.rows):
                members = [row for row in part.rows if row["lead_category"] == category]
                write_sheet(book, sheet_name(category, taken), part.spec.columns, members, styles)
