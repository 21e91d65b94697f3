"""What a file is, by its first and last bytes (its magic numbers), against what its name says.

An .xlsx workbook saved under a .csv name, a CSV named .parquet, a zip archive or a PDF named as an
extract are refused before any reader touches them, with a message that names the file, what its
bytes are and the fix; nothing of the file's content is shown. Text has no magic number: a file whose
first bytes match none below is text, and the CSV and JSONL readers judge its encoding.
"""

from pathlib import Path

from screening.errors import ExtractError

# (kind, what it is for a user, magic bytes at offset 0)
SIGNATURES = (
    ("zip", "a zip archive or an .xlsx workbook", b"PK\x03\x04"),
    ("zip", "an empty zip archive", b"PK\x05\x06"),
    ("ole", "an old-format .xls workbook or a password-protected Office file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("parquet", "a Parquet file", b"PAR1"),
    ("gzip", "a gzip archive", b"\x1f\x8b"),
    ("bzip2", "a bzip2 archive", b"BZh"),
    ("xz", "an xz archive", b"\xfd7zXZ\x00"),
    ("7z", "a 7-Zip archive", b"7z\xbc\xaf\x27\x1c"),
    ("rar", "a RAR archive", b"Rar!\x1a\x07"),
    ("pdf", "a PDF document", b"%PDF-"),
    ("png", "a PNG image", b"\x89PNG\r\n\x1a\n"),
    ("jpeg", "a JPEG image", b"\xff\xd8\xff"),
    ("sqlite", "an SQLite database", b"SQLite format 3\x00"),
    ("elf", "a program (ELF executable)", b"\x7fELF"),
)
# What each extract name must hold: the kinds its bytes may be.
EXPECTED = {
    ".csv": {"text"}, ".txt": {"text"}, ".tsv": {"text"}, ".jsonl": {"text"}, ".ndjson": {"text"},
    ".parquet": {"parquet"}, ".xlsx": {"zip"}, ".xlsm": {"zip"}, ".xls": {"ole", "zip"},
}
SAVE_AS = {".csv": "save it as CSV (UTF-8) or name it .xlsx", ".parquet": "export it as Parquet again",
           ".xlsx": "save it as an .xlsx workbook without a password", ".jsonl": "export it as JSON Lines again"}


def sniff(head: bytes) -> tuple[str, str]:
    """(kind, description) of a file that starts with ``head``: a known binary format, else text."""
    for kind, description, magic in SIGNATURES:
        if head.startswith(magic):
            return kind, description
    return "text", "text"


def read_ends(path: Path, size: int = 16) -> tuple[bytes, bytes]:
    """The first and last ``size`` bytes of a file."""
    with open(path, "rb") as handle:
        head = handle.read(size)
        handle.seek(max(0, handle.seek(0, 2) - size))
        return head, handle.read(size)


def content_problem(name: str, head: bytes, tail: bytes) -> str | None:
    """Why bytes starting with ``head`` and ending with ``tail`` cannot be the extract ``name`` says
    (one line naming what they are and the fix), or None when they match."""
    suffix = Path(name).suffix.lower()
    if not head:
        return "empty file (0 bytes); send the extract again"
    expected = EXPECTED.get(suffix)
    if expected is None:
        return None  # not an extract name: the reader refuses it by name
    kind, description = sniff(head)
    fix = SAVE_AS.get(suffix, f"give it the name of its type, or export it as {suffix} again")
    if kind not in expected:
        what = "text (a CSV or JSON file?)" if kind == "text" else description
        return f"named {suffix} but its content is {what}; {fix}"
    if kind == "parquet" and not tail.endswith(b"PAR1"):
        return "a Parquet file cut short (no footer): truncated, or still being copied; send it again"
    return None


def check_content(path: Path) -> None:
    """Raise ExtractError when the file's bytes are not of the type its name says."""
    problem = content_problem(path.name, *read_ends(path))
    if problem:
        raise ExtractError(f"{path}: {problem}")
