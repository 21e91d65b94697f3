"""CSV records with their raw source text, in UTF-8 or GB18030, one bad record at a time.

Python's csv module reads a badly quoted record as the wrong number of fields; such a record
is kept as a problem with its raw lines and line number, and reading goes on.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from screening.extract.encoding import ESCAPED, detect_encoding
from screening.extract.headers import ExtractError, resolve_headers


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

    def take(self) -> tuple[str, int]:
        """The raw text consumed since the last take, and the line it started on."""
        text, first = "".join(self.buffer), self.line - len(self.buffer) + 1
        self.buffer = []
        return text.rstrip("\r\n"), first


def _problem(fields: list[str], width: int, raw: str, line: int, encoding: str) -> str | None:
    """Why a parsed record cannot be used, or None."""
    if ESCAPED.search(raw):
        return f"undecodable bytes at line {line} (file read as {encoding}); re-export the file in UTF-8"
    if "\x00" in raw:
        return f"NUL byte in the record at line {line}; the file is damaged there"
    if len(fields) != width:
        return (f"malformed record at line {line}: {len(fields)} fields, the header has {width};"
                " check the quotes in this line")
    return None


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
        lines.take()
        record = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                fields = None
                problem = f"unreadable CSV ({error})"
            raw, line = lines.take()
            if fields == [] and not raw.strip():
                continue
            record += 1
            if fields is not None:
                problem = _problem(fields, len(header), raw, line, encoding.name)
            values = {name: fields[i] if fields and i < len(fields) else None for i, name in columns.items()}
            if ESCAPED.search(raw):
                raw, values = visible(raw), {k: visible(v) for k, v in values.items()}
            yield {"record": record, **values, "raw": raw, "problem": problem}
