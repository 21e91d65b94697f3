"""The drop folder contract: which files are extracts ready to load, and where the others go.

The rules (README, "The drop folder"):

- An extract is a regular file directly in the folder named ``*.csv``, ``*.xlsx``, ``*.parquet`` or
  ``*.jsonl``. Names that are hidden (``.name``: rsync's temporary files), still being written
  (``*.part``, ``*.tmp``, ``*.partial``, ``*.filepart``, ``*.crdownload``, ``~$name``), markers
  (``NAME.done``) and sub-folders (``rejected/``) are not extracts.
- It is taken only when complete: a ``NAME.done`` marker beside it, written after it; or, without a
  marker, its size and times unchanged over the settle time. A file renamed from ``NAME.part`` is
  complete, and taken once the settle time has passed since the rename. With ``require_marker``,
  only the marker counts.
- A symbolic link is never followed: it is refused, whatever it points at.
- A file that cannot be an extract (empty; bytes of another type than its name says; unreadable)
  is refused: moved to ``rejected/`` with ``NAME.reason.txt`` beside it, and the others go on. The
  reason printed names the file and the kind of problem only, never its content.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
import os
from pathlib import Path
import stat
import time

import polars as pl

from screening.errors import ConfigError, ExtractError
from screening.extract.file_types import content_problem, read_ends
from screening.extract.readers import read_extract

EXTRACT_SUFFIXES = (".csv", ".xlsx", ".parquet", ".jsonl")
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".partial", ".filepart", ".crdownload")
MARKER_SUFFIX = ".done"
REJECTED = "rejected"
PROBE_ROWS = 100


@dataclass(frozen=True)
class Extract:
    """A complete extract: its path, the file's identity when it was judged complete, and its rows
    (estimated by :func:`probe`)."""

    path: Path
    size: int
    mtime_ns: int
    inode: int
    rows: int | None = None


@dataclass(frozen=True)
class Refusal:
    """A file that cannot be an extract: ``reason`` names the kind of problem and never shows the file's
    content (it is printed); ``detail`` is the reader's whole message (only in the reason file)."""

    path: Path
    reason: str
    detail: str | None = None
    moved_to: Path | None = None


@dataclass
class DropScan:
    """What the drop folder holds: complete extracts (oldest first), files waiting (with why), files refused."""

    complete: list[Extract] = field(default_factory=list)
    waiting: list[tuple[Path, str]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def ensure_drop_folder(drop_dir: Path, create: bool = True) -> Path:
    """The drop folder, created when missing (``create``); a ConfigError naming the fix when it is not a
    folder, cannot be created, or cannot be read and written."""
    drop_dir = Path(drop_dir)
    if drop_dir.exists() and not drop_dir.is_dir():
        raise ConfigError(f"{drop_dir}: the drop folder is not a folder; give the folder the extracts are copied to")
    if not drop_dir.exists():
        if not create:
            raise ConfigError(f"{drop_dir}: no such drop folder; create it or give the folder the extracts arrive in")
        try:
            drop_dir.mkdir(parents=True)
        except OSError as error:
            raise ConfigError(f"{drop_dir}: the drop folder cannot be created ({error.strerror}); create it"
                              " or give another") from None
    if not os.access(drop_dir, os.R_OK | os.W_OK | os.X_OK):
        raise ConfigError(f"{drop_dir}: the drop folder must be readable and writable by this user"
                          " (refused extracts are moved to its rejected/ folder)")
    return drop_dir


def kind_of_name(name: str) -> str:
    """``extract``, ``in-progress`` (still being written), or ``other`` (markers, hidden files, the rest)."""
    lower = name.lower()
    if name.startswith((".", "~$")):  # hidden (rsync's temporary files), Office's lock files
        return "other"
    if lower.endswith(IN_PROGRESS_SUFFIXES):
        return "in-progress"
    return "extract" if lower.endswith(EXTRACT_SUFFIXES) else "other"


def identity(info: os.stat_result) -> tuple:
    """What changes when a file is written, truncated, replaced or renamed onto."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def last_change(info: os.stat_result) -> float:
    """When the file last changed: its data (mtime) or its inode (ctime: a rename, a copy that keeps times)."""
    return max(info.st_mtime, info.st_ctime)


def marker_ready(path: Path, info: os.stat_result) -> bool:
    """A NAME.done marker beside the file, written after the file's last write."""
    try:
        marker = os.stat(path.with_name(path.name + MARKER_SUFFIX), follow_symlinks=False)
    except FileNotFoundError:
        return False
    return stat.S_ISREG(marker.st_mode) and marker.st_mtime_ns >= info.st_mtime_ns


def estimate_rows(path: Path) -> int:
    """The extract's data rows, near enough to choose a task runner: lines (less a CSV's header; a
    record over several lines counts each), the Parquet metadata, or the sheet's height less a header row."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if suffix == ".xlsx":
        import fastexcel

        return max(0, fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, n_rows=1).total_height - 1)
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            lines, last = lines + block.count(b"\n"), block[-1:]
    lines += last != b"\n"
    return max(0, lines - (suffix == ".csv"))


def misnamed(extract: Extract) -> Refusal | None:
    """Why the file cannot be the extract its name says, from its first and last bytes alone (empty,
    another type, a Parquet file cut short), else None: cheap enough for every file, every run."""
    try:
        problem = content_problem(extract.path.name, *read_ends(extract.path))
    except PermissionError:
        return Refusal(extract.path, "it cannot be opened (permission denied): let the service's user read it")
    return Refusal(extract.path, problem) if problem else None


def probe(extract: Extract, check_chunk: Callable[[pl.DataFrame], str | None] = lambda chunk: None) -> Extract | Refusal:
    """The extract with its rows when its bytes are of its name's type, its header reads and its first
    rows pass ``check_chunk`` (which returns why not, or None); else why not."""
    path = extract.path
    refusal = misnamed(extract)
    if refusal:
        return refusal
    try:
        try:
            first = next(iter(read_extract(path, PROBE_ROWS)), None)  # the encoding and the header (the name column)
        except ExtractError as error:
            return Refusal(path, "its encoding or header cannot be read (the reason file says why)", str(error))
        problem = check_chunk(first) if first is not None else None
        if problem:
            return Refusal(path, problem)
        try:
            rows = estimate_rows(path)
        except Exception as error:  # pyarrow and fastexcel raise their own classes
            return Refusal(path, f"it cannot be read to the end ({type(error).__name__})", str(error))
    except PermissionError:
        return Refusal(path, "it cannot be opened (permission denied): let the service's user read it")
    return replace(extract, rows=rows)


def refuse(drop_dir: Path, refusal: Refusal) -> Path:
    """Move a refused file (a symbolic link itself, never its target) and its marker to ``rejected/``,
    with ``NAME.reason.txt`` beside it; returns where it went. An earlier refused file of the same name
    is kept: the new one gets a time prefix."""
    path, reason, detail = refusal.path, refusal.reason, refusal.detail
    folder = Path(drop_dir) / REJECTED
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if os.path.lexists(target):
        target = folder / f"{datetime.now():%Y%m%d-%H%M%S}_{path.name}"
    os.rename(path, target)
    marker = path.with_name(path.name + MARKER_SUFFIX)
    if marker.is_file() and not marker.is_symlink():
        os.rename(marker, target.with_name(target.name + MARKER_SUFFIX))
    lines = [f"file: {path.name}", f"refused: {datetime.now():%Y-%m-%d %H:%M:%S}", f"reason: {reason}"]
    if detail and detail != reason:
        lines.append(f"detail: {detail}")
    lines.append("what to do: fix the file and copy it into the drop folder again (as NAME.part, renamed when"
                 " complete, or with a NAME.done marker written after it)")
    target.with_name(target.name + ".reason.txt").write_text("\n".join(lines) + "\n", encoding="utf-8",
                                                            errors="backslashreplace")
    return target


def scan_drop(drop_dir: Path, settle_seconds: float, require_marker: bool = False,
              wait: Callable[[float, list[Path]], None] = lambda seconds, paths: time.sleep(seconds),
              clock: Callable[[], float] = time.time) -> DropScan:
    """Judge every file in the drop folder by the contract (reads no content, moves nothing). Files that
    changed within the settle time are watched once, for the rest of it (``wait(seconds, paths)``), and
    complete if they did not change meanwhile."""
    found, settled, young = DropScan(), [], []
    for entry in sorted(os.scandir(drop_dir), key=lambda e: e.name):
        path, kind = Path(entry.path), kind_of_name(entry.name)
        if kind == "in-progress":
            found.waiting.append((path, "still being written (its name says so)"))
        if kind != "extract":
            continue
        if entry.is_symlink():
            found.refused.append(Refusal(path, "a symbolic link (never followed): copy the file itself in"))
            continue
        info = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode):
            continue
        if marker_ready(path, info):
            settled.append((path, info))
        elif require_marker:
            found.waiting.append((path, f"no {path.name}{MARKER_SUFFIX} marker yet"))
        elif clock() - last_change(info) >= settle_seconds:
            settled.append((path, info))
        else:
            young.append((path, info))
    if young:
        rest = max(settle_seconds - (clock() - last_change(before)) for _, before in young)
        wait(max(0.0, rest), [path for path, _ in young])
        for path, before in young:
            now = os.stat(path, follow_symlinks=False) if os.path.lexists(path) else None
            if now is not None and identity(now) == identity(before):
                settled.append((path, now))
            else:
                found.waiting.append((path, f"still changing after {settle_seconds:g} s (being copied?)"))
    for path, info in sorted(settled, key=lambda item: (item[1].st_mtime, item[0].name)):
        found.complete.append(Extract(path, info.st_size, info.st_mtime_ns, info.st_ino))
    return found


def unchanged(extract: Extract) -> bool:
    """Whether the file is still the one judged complete (same size, write time and inode)."""
    try:
        info = os.stat(extract.path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return (info.st_size, info.st_mtime_ns, info.st_ino) == (extract.size, extract.mtime_ns, extract.inode)
