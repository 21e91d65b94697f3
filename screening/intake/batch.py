"""A batch of applications from a file: CSV (UTF-8, UTF-8 with BOM or GB18030) or JSON Lines.

CSV headers are matched by alias, English or Chinese (kind/申请类型, region/地区代码, name/名称,
scope/经营范围, previous_name/原名称, previous_scope/原经营范围, approved/已批准, id/申请编号, legal_reps/法定代表人,
shareholders/股东 — several persons in one cell separated by ；、, — ); kind
may be written new/change/move_in or 设立/变更/迁入, approved true/false, 是/否 or 1/0. A JSON Lines
file has one application per line in the API's form. Each item is the application or the error of
its row, with the row number (1 = the first application) and the row's ``id`` when it has one: a
malformed row never stops the batch.
"""

import csv
from collections.abc import Iterator
import re
from dataclasses import dataclass
from pathlib import Path

import orjson

from screening.errors import ApplicationError, ExtractError
from screening.extract.encoding import detect_encoding
from screening.intake.application import Application, parse_application, parse_application_json, problem, rejected

ALIASES = {
    "kind": ("kind", "申请类型", "登记类型", "业务类型", "类型"),
    "region": ("region", "地区代码", "区划代码", "行政区划代码", "登记机关区划代码"),
    "name": ("name", "名称", "企业名称", "申请名称", "拟用名称"),
    "scope": ("scope", "经营范围"),
    "previous_name": ("previous_name", "原名称", "变更前名称"),
    "previous_scope": ("previous_scope", "原经营范围", "变更前经营范围"),
    "approved": ("approved", "已批准", "迁入已批准", "是否批准"),
    "id": ("id", "application_id", "申请编号", "编号"),
    "legal_reps": ("legal_reps", "legal_rep", "法定代表人", "法人代表"),
    "shareholders": ("shareholders", "股东", "股东名单"),
}
PEOPLE_SEPARATORS = re.compile(r"[；;,，、\n]+")  # persons in one cell (a name and its ID stay together)
REQUIRED = ("kind", "region")
UNDECODED = re.compile("[\udc80-\udcff]")
BY_ALIAS = {alias.lower(): field for field, aliases in ALIASES.items() for alias in aliases}
KINDS = {"new": "new", "设立": "new", "设立登记": "new", "新设": "new", "change": "change", "变更": "change",
         "变更登记": "change", "move_in": "move_in", "迁入": "move_in", "迁入登记": "move_in"}
YES_NO = {"": False, "false": False, "0": False, "否": False, "no": False, "n": False,
          "true": True, "1": True, "是": True, "yes": True, "y": True}


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One row of a batch: its number, its id (if the file has one), the application or the error."""

    row: int
    id: str | None
    application: Application | None
    error: ApplicationError | None = None


def read_batch(path: Path) -> Iterator[BatchItem]:
    """The applications of a batch file, in file order."""
    if not path.is_file():
        raise ExtractError(f"{path}: no such file; pass --file with a CSV or JSON Lines file of applications")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return jsonl_items(path)
    return csv_items(path)


def jsonl_items(path: Path) -> Iterator[BatchItem]:
    """One application per non-empty line."""
    with open(path, "rb") as handle:
        for row, line in enumerate((line for line in handle if line.strip()), start=1):
            try:
                application = parse_application_json(line)
                yield BatchItem(row, application.id, application)
            except ApplicationError as error:
                yield BatchItem(row, json_id(line), None, error)


def json_id(line: bytes) -> str | None:
    """The ``id`` of a JSON line when it has a scalar one (for the error line), else None."""
    try:
        value = orjson.loads(line).get("id")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return str(value) if isinstance(value, (str, int)) else None


def columns_of(header: list[str], path: Path) -> dict[int, str]:
    """Column index → field; fails naming a missing required column with its aliases."""
    columns = {i: BY_ALIAS[h.replace("\ufeff", "").strip().lower()] for i, h in enumerate(header)
               if h.replace("\ufeff", "").strip().lower() in BY_ALIAS}
    for field in REQUIRED:
        if field not in columns.values():
            raise ExtractError(f"{path}: no {field} column; name one of its headers {', '.join(ALIASES[field])}")
    return columns


def redecoded(cells: list[str]) -> list[str] | None:
    """Cells read as UTF-8, those with undecodable bytes read again as GB18030; None when that fails too.
    (GB18030's bytes never include the comma, the quote or a line break, so the row's cells are right.)"""
    try:
        return [cell.encode("utf-8", "surrogateescape").decode("gb18030") if UNDECODED.search(cell) else cell
                for cell in cells]
    except UnicodeError:
        return None


def csv_items(path: Path) -> Iterator[BatchItem]:
    """The rows of a CSV batch (the first row is the header), each in UTF-8 or else GB18030, so a file
    that mixes them (rows pasted from two systems) is read right; a foreign encoding is refused whole."""
    encoding = detect_encoding(path)  # Big5, Shift-JIS, UTF-16… refused naming the encoding
    decode = (lambda cells: cells) if encoding.clean and encoding.name.startswith("utf-8") else redecoded
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle)
        try:
            columns = columns_of(decode(next(reader)) or [], path)
        except StopIteration:
            raise ExtractError(f"{path}: empty file; the first row must name the columns (kind, region, name…)") from None
        yield from csv_rows(reader, decode, columns)


def csv_rows(reader, decode, columns: dict[int, str]) -> Iterator[BatchItem]:
    """The data rows after the header (a blank line is not an application)."""
    row, width = 0, max(columns) + 1
    while True:
        try:
            cells = decode(next(reader))
        except StopIteration:
            return
        except csv.Error as error:
            row += 1
            yield BatchItem(row, None, None, rejected([problem("row", f"第{reader.line_num}行无法读取：{error}")]))
            continue
        if cells is not None and not any(cell.strip() for cell in cells):
            continue
        row += 1
        if cells is None:
            why = f"第{reader.line_num}行含无法解码的字节：文件须为 UTF-8 或 GB18030"
            yield BatchItem(row, None, None, rejected([problem("row", why)]))
        else:
            yield csv_item(row, f"第{reader.line_num}行", cells, columns, width)


def csv_item(row: int, line: str, cells: list[str], columns: dict[int, str], width: int) -> BatchItem:
    """One CSV row as an application, or the error naming the line and the field."""
    fields = {field: cells[i].strip() for i, field in columns.items() if i < len(cells)}
    ident = fields.pop("id", None) or None
    if len(cells) < width:
        return BatchItem(row, ident, None, rejected([problem("row", f"{line}只有{len(cells)}列，少于表头")]))
    data = {"kind": KINDS.get(fields.get("kind", "").lower(), fields.get("kind")), "region": fields.get("region"),
            "id": ident}
    for field in ("name", "scope"):
        if fields.get(field):
            data[field] = fields[field]
    previous = {f: fields[f"previous_{f}"] for f in ("name", "scope") if fields.get(f"previous_{f}")}
    if previous:
        data["previous"] = previous
    for field in ("legal_reps", "shareholders"):
        if people := [p.strip() for p in PEOPLE_SEPARATORS.split(fields.get(field) or "") if p.strip()]:
            data[field] = people
    approved = fields.get("approved", "")
    data["approved"] = YES_NO.get(approved.lower(), approved)
    try:
        return BatchItem(row, ident, parse_application(data))
    except ApplicationError as error:
        error.message = f"{line}{error.message}"
        return BatchItem(row, ident, None, error)
