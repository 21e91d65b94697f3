"""Hand-off formats, registered: each is one writer. ``regscreen export --format KEY`` picks among them
(repeatable; all by default), and a later format is one more :func:`register` call.

A format writes either one file for the whole hand-off (the workbook, with a sheet per part) or one
file per part (the CSV tables: the watch list, and each other part that has rows). It is given the
parts (:class:`screening.handoff.rows.Part`); each row's cells are already safe text in
``row["cells"][key]`` (IDs masked, formulas neutralised). Its file names come from
:func:`screening.handoff.naming.file_name`.
"""

import csv
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from screening.errors import UsageError
from screening.handoff.naming import file_name
from screening.handoff.workbook import write_workbook


@dataclass(frozen=True, slots=True)
class Format:
    """A registered writer: its key, its file-name suffix, one file per part or one for all, what it is."""

    key: str
    suffix: str
    per_part: bool
    write: Callable[[Path, list], None]
    description: str


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to the registry (its key and suffix must be new)."""
    if fmt.key in FORMATS or any(f.suffix == fmt.suffix for f in FORMATS.values()):
        raise ValueError(f"format {fmt.key!r} ({fmt.suffix}) is already registered")
    FORMATS[fmt.key] = fmt
    return fmt


def write_table(path: Path, parts: list, encoding: str) -> None:
    """One part's rows as CSV in ``encoding``, every cell safe, the text in full."""
    (part,) = parts
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for header, _ in part.spec.columns])
        writer.writerows([row["cells"][key] for _, key in part.spec.columns] for row in part.rows)


register(Format("xlsx", ".xlsx", False, write_workbook,
                "Excel workbook: the watch list one sheet per category, a sheet per other part, terms in red"))
register(Format("csv-gb18030", "_gb18030.csv", True, partial(write_table, encoding="gb18030"),
                "CSV in GB18030, one file per part (what older Excel and WPS open as Chinese)"))
register(Format("csv-utf8bom", "_utf8bom.csv", True, partial(write_table, encoding="utf-8-sig"),
                "CSV in UTF-8 with a byte-order mark, one file per part"))


def chosen(keys: list[str] | None) -> list[Format]:
    """The formats named by ``keys`` in registry order (all when none); an unknown key is a UsageError."""
    unknown = [key for key in keys or [] if key not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format(s) {', '.join(unknown)}; one of {', '.join(FORMATS)}")
    return [fmt for key, fmt in FORMATS.items() if not keys or key in keys]


def planned_files(stem: str, parts: list, formats: list[Format]) -> list[tuple[str, Format, list]]:
    """(file name, format, parts it holds) of a hand-off: the one-file formats first, then each part's
    files (the watch list always, other parts when they have rows)."""
    files = [(file_name(stem, fmt.suffix), fmt, parts) for fmt in formats if not fmt.per_part]
    for part in parts:
        if part.rows or part.spec.tag is None:
            files += [(file_name(stem, fmt.suffix, part.spec.tag), fmt, [part]) for fmt in formats if fmt.per_part]
    return files
