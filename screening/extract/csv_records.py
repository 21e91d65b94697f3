"""CSV records with their raw source text, in UTF-8 or GB18030, one bad record at a time.

Python's csv module reads a badly quoted record as the wrong number of fields; such a record
is kept as a problem with its raw lines and line number, and reading goes on. A record of the
right width with a lone quote inside a quoted field ("投资"管理") is a problem too: the csv
module would keep the quote in the value; its strict mode says where it went wrong.

A stray quote (an unescaped " opening a field) makes the csv module read on through the next
lines to the next quote, swallowing whole records into one field, silently when the widths
happen to add up. So a record over several lines is read again line by line when one of its
later lines, read alone, is a record of its own: as many fields as the header and, when the
extract has a credit code column, a code-shaped value there (no real extract has a record over
several lines). Each line is then a record, and the line with the odd quote is the problem.
"""

import csv
from collections.abc import Iterator
import io
from pathlib import Path
import re

from screening.extract.encoding import ESCAPED, detect_encoding
from screening.errors import ExtractError
from screening.extract.headers import resolve_headers


def visible(text: str | None) -> str | None:
    """Undecodable bytes shown as \\xNN escapes, so the raw record is kept and nothing is garbled."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class RawLines:
    """A line iterator that remembers the raw text and line numbers the csv reader consumed."""

    def __init__(self, handle):
        self.handle = handle
        self.buffer: list[str] = []
        self.line = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text = next(self.handle)
        self.buffer.append(text)
        self.line += 1
        return text

    def take(self) -> tuple[list[str], int]:
        """The physical lines (with their line ends) consumed since the last take, and the number of the first."""
        taken, first = self.buffer, self.line - len(self.buffer) + 1
        self.buffer = []
        return taken, first


CODE_SHAPE = re.compile(r"[0-9A-Za-z]{15,18}")


def _problem(fields: list[str], width: int, raw: str, line: int, encoding: str) -> str | None:
    """Why a parsed record cannot be used, or None."""
    if ESCAPED.search(raw):
        return f"undecodable bytes at line {line} (file read as {encoding}); re-export the file in UTF-8"
    if "\x00" in raw:
        return f"NUL byte in the record at line {line}; the file is damaged there"
    if len(fields) != width:
        return (f"malformed record at line {line}: {len(fields)} fields, the header has {width};"
                " check the quotes in this line")
    if '"' in raw and not strictly_quoted(raw):
        return (f"badly quoted field at line {line}: a quote inside a quoted field must be doubled (\"\");"
                " check the quotes in this line")
    return None


def strictly_quoted(raw: str) -> bool:
    """True when the record's quotes are well formed (the csv module's strict mode reads it)."""
    try:
        list(csv.reader(io.StringIO(raw, newline=""), strict=True))
    except csv.Error:
        return False
    return True


def read_alone(line: str) -> list[str]:
    """The fields of one physical line read on its own ([] when the csv module gives up)."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


def looks_like_record(line: str, width: int, code_at: int | None) -> bool:
    """A line that, read alone, is a whole record: the header's width and, when the extract has a
    credit code column, a code-shaped value in it."""
    fields = read_alone(line.rstrip("\r\n"))
    return len(fields) == width and (code_at is None or bool(CODE_SHAPE.fullmatch(fields[code_at].strip())))


def swallowed(physical: list[str], width: int, code_at: int | None) -> bool:
    """A record over several lines that holds whole records in its later lines: a stray quote ran on."""
    return len(physical) > 1 and any(looks_like_record(line, width, code_at) for line in physical[1:])


def line_by_line(physical: list[str], first: int, width: int, encoding: str) -> Iterator[tuple]:
    """(fields, raw, line, problem) of each non-blank line of a swallowing record, read alone."""
    for number, text in enumerate(physical, start=first):
        raw = text.rstrip("\r\n")
        if not raw.strip():
            continue
        fields = read_alone(raw)
        yield fields, raw, number, line_problem(fields, width, raw, number, encoding)


def line_problem(fields: list[str], width: int, raw: str, line: int, encoding: str) -> str | None:
    """Why a line of a swallowing record cannot be used: its odd quote, else the usual checks."""
    if raw.count('"') % 2:
        return (f"unbalanced quote at line {line}: a quoted field ran across lines into other records;"
                " check the quotes in this line")
    return _problem(fields, width, raw, line, encoding)


def records(reader, lines: RawLines, width: int, code_at: int | None, encoding: str) -> Iterator[tuple]:
    """(fields, raw, first line, problem) of each non-blank record after the header."""
    while True:
        try:
            fields, problem = next(reader), None
        except StopIteration:
            return
        except csv.Error as error:
            fields, problem = None, f"unreadable CSV ({error})"
        physical, first = lines.take()
        raw = "".join(physical).rstrip("\r\n")
        if fields == [] and not raw.strip():
            continue
        if swallowed(physical, width, code_at):
            yield from line_by_line(physical, first, width, encoding)
            continue
        yield fields, raw, first, problem or _problem(fields, width, raw, first, encoding)


def row_dict(record: int, fields: list[str] | None, raw: str, problem: str | None, columns: dict[int, str]) -> dict:
    """The reader's row: record number, the mapped columns, raw text and problem (undecodable bytes escaped)."""
    values = {name: fields[i] if fields and i < len(fields) else None for i, name in columns.items()}
    if ESCAPED.search(raw):
        raw, values = visible(raw), {k: visible(v) for k, v in values.items()}
    return {"record": record, **values, "raw": raw, "problem": problem}


def csv_rows(path: Path) -> Iterator[dict]:
    """Row dicts of a CSV extract (see ``readers`` for the keys)."""
    encoding = detect_encoding(path)
    with open(path, encoding=encoding.name, errors="surrogateescape", newline="") as handle:
        lines = RawLines(handle)
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None:
            raise ExtractError(f"{path}: empty file (no header row)")
        columns = resolve_headers(header, path)
        code_at = next((i for i, name in columns.items() if name == "credit_code"), None)
        lines.take()
        found = records(reader, lines, len(header), code_at, encoding.name)
        for record, (fields, raw, _, problem) in enumerate(found, start=1):
            yield row_dict(record, fields, raw, problem, columns)
