"""Spreadsheets are bounded before they are read.

An .xlsx file is a zip of XML. Its reader (fastexcel, calamine) holds the first sheet's whole used
range in memory: a 2 KB file whose used range reaches XFD1048576 asks for 512 GB and aborts the
process, a 1.2 MB file that expands to 5 million rows takes 6.6 GB, a 286 MB cell ends in a
MemoryError. So before the reader sees it, the workbook is checked from the zip without extracting
it, against documented limits (:class:`WorkbookLimits`, settings ``REGSCREEN_XLSX_*``):

- the zip's directory: number of members, uncompressed size of all members, and each large
  member's compression ratio (a zip bomb);
- the first sheet's XML, streamed through expat in 1 MiB pieces (no DTD allowed): the declared
  ``<dimension ref=…>``, then the rows and columns actually used (``r`` attributes, or counted), the
  cells of the used range (rows × columns, what the reader allocates) and the longest cell;
- the shared strings: the longest string.

Over a limit the file is refused (ExtractError, exit 2) with its name, what was found, the limit and
the fix: export the sheet as CSV, which is read in bounded chunks. The checking itself holds one
piece of XML at a time. A legacy .xls (BIFF, not a zip) is bounded by its format (65,536 rows × 256
columns) and checked for its file size only.
"""

from dataclasses import dataclass
from pathlib import Path
import re
import xml.parsers.expat
import zipfile

from screening.errors import ExtractError

SPREADSHEETS = (".xlsx", ".xlsm", ".xls")
PIECE = 1 << 20
FIX = "Export the sheet as CSV (UTF-8) and run that file instead"
CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


@dataclass(frozen=True, slots=True)
class WorkbookLimits:
    """What a spreadsheet extract may hold (defaults: settings ``REGSCREEN_XLSX_*``)."""

    max_rows: int = 1_048_576          # Excel's own row limit
    max_columns: int = 256
    max_cells: int = 20_000_000        # rows × columns of the used range: what the reader allocates
    max_bytes: int = 512 * 1024 * 1024  # uncompressed size of all members of the zip
    max_ratio: float = 100.0           # uncompressed / compressed size of a member over 1 MiB
    max_cell_chars: int = 32_767       # Excel's own cell limit
    max_members: int = 10_000

    @classmethod
    def configured(cls, settings) -> "WorkbookLimits":
        """The limits from the settings an interface read (``xlsx_max_rows`` … ``xlsx_max_cell_chars``)."""
        return cls(settings.xlsx_max_rows, settings.xlsx_max_columns, settings.xlsx_max_cells, settings.xlsx_max_bytes,
                   settings.xlsx_max_ratio, settings.xlsx_max_cell_chars)


class TooLarge(Exception):
    """A limit was passed; the message says what was found and which limit."""


def column_number(letters: str) -> int:
    """A, B … Z, AA … XFD as 1, 2 …"""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def parse_ref(ref: str) -> tuple[int, int] | None:
    """(row, column) of a cell reference like ``XFD1048576``; None when it is not one."""
    found = CELL_REF.match(ref.strip())
    return (int(found[2]), column_number(found[1])) if found else None


class SheetScan:
    """The used range and longest cell of a worksheet's XML, checked against the limits as it streams.

    Called for every element of a sheet that may hold millions: the handlers keep to dictionary
    look-ups and comparisons, and check the limits only when a new maximum is reached."""

    KINDS = {"dimension": "dimension", "row": "row", "c": "c", "v": "text", "t": "text"}

    def __init__(self, limits: WorkbookLimits):
        self.limits, self.rows, self.max_row, self.max_col = limits, 0, 0, 0
        self.row, self.col, self.cell_chars, self.in_text = 0, 0, 0, False
        self.kinds: dict[str, str | None] = {}
        self.columns: dict[str, int] = {}

    def kind(self, name: str) -> str | None:
        """What an element is, by its local name (a prefix such as x: ignored), cached per name."""
        found = self.kinds.get(name, "")
        if found == "":
            found = self.kinds[name] = self.KINDS.get(name.rpartition(":")[2])
        return found

    def start(self, name: str, attrs: dict) -> None:
        kind = self.kinds.get(name) or self.kind(name)
        self.in_text = kind == "text"
        if kind == "c":
            self.cell_chars = 0
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = self.columns.get(letters) or self.columns.setdefault(letters, column_number(letters.lstrip("$")))
                row = int(ref[len(letters):]) if len(ref) > len(letters) else self.row
            else:
                col, row = self.col + 1, self.row
            self.col = col
            if col > self.max_col or row > self.max_row:
                self.used(row, col)
        elif kind == "row":
            ref = attrs.get("r")
            self.row = int(ref) if ref and ref.isdigit() else self.row + 1
            self.rows, self.col = self.rows + 1, 0
            if self.row > self.max_row or self.rows > self.limits.max_rows:
                self.used(self.row, 0)
        elif kind == "dimension":
            self.dimension(attrs.get("ref", ""))

    def text(self, data: str) -> None:
        if self.in_text:
            self.cell_chars += len(data)
            if self.cell_chars > self.limits.max_cell_chars:
                raise TooLarge(f"a cell in row {self.row:,} holds more than {self.limits.max_cell_chars:,} characters "
                               "(REGSCREEN_XLSX_MAX_CELL_CHARS)")

    def dimension(self, ref: str) -> None:
        """The declared used range: refused at once when it is over a limit."""
        corners = [parse_ref(part) for part in ref.split(":")]
        if corners and all(corners):
            rows, cols = max(c[0] for c in corners), max(c[1] for c in corners)
            self.check(rows, cols, f"its declared range {ref} goes to")

    def used(self, row: int, col: int) -> None:
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
        self.check(self.max_row, self.max_col, "its cells go to")
        if self.rows > self.limits.max_rows:
            raise TooLarge(f"more than {self.limits.max_rows:,} rows (REGSCREEN_XLSX_MAX_ROWS)")

    def check(self, rows: int, cols: int, what: str) -> None:
        limits = self.limits
        if rows > limits.max_rows:
            raise TooLarge(f"{what} row {rows:,}; the limit is {limits.max_rows:,} rows (REGSCREEN_XLSX_MAX_ROWS)")
        if cols > limits.max_columns:
            raise TooLarge(f"{what} column {cols:,}; the limit is {limits.max_columns:,} columns "
                           "(REGSCREEN_XLSX_MAX_COLUMNS)")
        if rows * cols > limits.max_cells:
            raise TooLarge(f"{what} row {rows:,} and column {cols:,}: {rows * cols:,} cells; the limit is "
                           f"{limits.max_cells:,} cells (REGSCREEN_XLSX_MAX_CELLS)")


class SharedStringScan(SheetScan):
    """The longest shared string (``<si>``, with all its rich-text runs)."""

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        self.in_text = local == "t"
        if local == "si":
            self.cell_chars, self.row = 0, self.row + 1


def streamed(book: zipfile.ZipFile, member: str, scan: SheetScan, limits: WorkbookLimits) -> None:
    """Feed one member's XML to ``scan`` piece by piece; a DTD or entity declaration is refused."""
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.CharacterDataHandler = scan.start, scan.text  # text counts until the next element
    parser.ordered_attributes = False

    def no_dtd(*_):
        raise TooLarge("an XML document type declaration (not part of a workbook; a possible entity bomb)")
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = no_dtd
    read = 0
    with book.open(member) as stream:
        while piece := stream.read(PIECE):
            read += len(piece)
            if read > limits.max_bytes:
                raise TooLarge(f"{member} expands past {limits.max_bytes:,} bytes (REGSCREEN_XLSX_MAX_BYTES)")
            parser.Parse(piece, False)
    parser.Parse(b"", True)


def first_sheet(book: zipfile.ZipFile, names: set[str]) -> str:
    """The member of the workbook's first sheet (the one the reader loads), from workbook.xml and its rels."""
    try:
        workbook = book.read("xl/workbook.xml")[:PIECE].decode("utf-8", "replace")
        rels = book.read("xl/_rels/workbook.xml.rels")[:PIECE].decode("utf-8", "replace")
        rid = re.search(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)[1]
        target = re.search(rf"<Relationship\b[^>]*?\bId=\"{re.escape(rid)}\"[^>]*>", rels)[0]
        target = re.search(r"\bTarget=\"([^\"]+)\"", target)[1].lstrip("/")
        member = target if target.startswith("xl/") else f"xl/{target}"
    except (KeyError, TypeError, IndexError):
        member = "xl/worksheets/sheet1.xml"
    if member not in names:
        raise TooLarge(f"no first worksheet ({member}) in the workbook")
    return member


def check_zip(path: Path, limits: WorkbookLimits) -> None:
    """The zip directory, the first sheet and the shared strings of an .xlsx/.xlsm against ``limits``."""
    with zipfile.ZipFile(path) as book:
        members = book.infolist()
        if len(members) > limits.max_members:
            raise TooLarge(f"{len(members):,} members in the zip; the limit is {limits.max_members:,}")
        total = sum(member.file_size for member in members)
        if total > limits.max_bytes:
            raise TooLarge(f"its members expand to {total:,} bytes; the limit is {limits.max_bytes:,} bytes "
                           "(REGSCREEN_XLSX_MAX_BYTES)")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > PIECE and ratio > limits.max_ratio:
                raise TooLarge(f"{member.filename} expands {ratio:,.0f} times ({member.compress_size:,} → "
                               f"{member.file_size:,} bytes), a zip bomb; the limit is {limits.max_ratio:g} times "
                               "(REGSCREEN_XLSX_MAX_RATIO)")
        names = {member.filename for member in members}
        streamed(book, first_sheet(book, names), SheetScan(limits), limits)
        if "xl/sharedStrings.xml" in names:
            streamed(book, "xl/sharedStrings.xml", SharedStringScan(limits), limits)


_PASSED: dict[tuple, WorkbookLimits] = {}  # files this process checked, by path, size and mtime


def file_key(path: Path) -> tuple:
    found = path.stat()
    return str(path.resolve()), found.st_size, found.st_mtime_ns


def check_workbook(path: Path, limits: WorkbookLimits | None = None) -> None:
    """Refuse a spreadsheet extract over ``limits`` (ExtractError naming the file, what was found, the
    limit and the fix), or that is not a readable workbook; return when it can be read safely.

    ``limits`` None: the limits this process already checked the same file with (an interface checks
    with the configured limits before the library reads the file), else the defaults."""
    path = Path(path)
    if limits is None and path.exists() and file_key(path) in _PASSED:
        return
    limits = limits or WorkbookLimits()
    try:
        if path.suffix.lower() == ".xls":
            if path.stat().st_size > limits.max_bytes:
                raise TooLarge(f"{path.stat().st_size:,} bytes; the limit is {limits.max_bytes:,} bytes "
                               "(REGSCREEN_XLSX_MAX_BYTES)")
        else:
            check_zip(path, limits)
        _PASSED[file_key(path)] = limits
    except TooLarge as too_large:
        raise ExtractError(f"{path}: the workbook is too large to read safely: {too_large}. {FIX}.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, xml.parsers.expat.ExpatError,
            NotImplementedError, OSError) as error:
        raise ExtractError(f"{path}: not a readable Excel workbook, damaged or not a zip ({error}). "
                           "Save it as .xlsx again, or export it as CSV.") from None
