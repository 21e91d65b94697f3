"""All-or-nothing hand-off files.

Every file of an export is first written into a hidden temporary folder inside the output folder
(``.regscreen-export-<pid>-…``, so the renames stay on one file system) and fsynced. Only then are
they renamed to their final names, each hand-off's manifest last: a set of files without its manifest
is not complete. A journal in the temporary folder lists the sets before the first rename.

On an error, or a SIGTERM that the command turns into one, nothing is left: the temporary folder goes,
and so do the renamed files of any set whose manifest is not in place. A process killed outright
(SIGKILL, power loss) cannot clean up; the next export into the folder does, from the journal:
incomplete sets are removed, complete ones kept, the temporary folder deleted.
"""

import os
from pathlib import Path
import shutil
import tempfile

import orjson

from screening.store.publish import fsync_path

TEMP_PREFIX = ".regscreen-export-"
JOURNAL = "journal.json"


def owner_alive(folder: Path) -> bool:
    """Whether the process that made a temporary folder (its pid is in the name) still runs."""
    try:
        pid = int(folder.name[len(TEMP_PREFIX):].split("-", 1)[0])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_incomplete(out_dir: Path, sets: list[list[str]]) -> None:
    """Delete the files of every set whose manifest (its last file) is not in ``out_dir``."""
    for names in sets:
        if not (out_dir / names[-1]).exists():
            for name in names:
                (out_dir / name).unlink(missing_ok=True)


def recover(out_dir: Path) -> None:
    """Clean up after exports into ``out_dir`` that were killed: incomplete sets and temporary folders."""
    for folder in out_dir.glob(f"{TEMP_PREFIX}*"):
        if not folder.is_dir() or folder.is_symlink() or owner_alive(folder):
            continue
        journal = folder / JOURNAL
        if journal.is_file():
            try:
                remove_incomplete(out_dir, orjson.loads(journal.read_bytes()))
            except (orjson.JSONDecodeError, TypeError):
                pass  # a journal cut short: written before any rename, so nothing was renamed
        shutil.rmtree(folder, ignore_errors=True)


class FileSets:
    """Files written under temporary names, then placed set by set (manifest last), all or nothing.

    ``with FileSets(out_dir) as files:`` write each file at ``files.path(name)``, declare each set
    with ``files.add(names)`` (its manifest last), then ``files.place()``. Leaving the block by an
    exception removes everything that is not a complete set."""

    def __init__(self, out_dir: Path):
        self.out_dir, self.sets = out_dir, []
        recover(out_dir)
        self.temp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=out_dir))

    def __enter__(self) -> "FileSets":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            remove_incomplete(self.out_dir, self.sets)
        shutil.rmtree(self.temp, ignore_errors=True)

    def path(self, name: str) -> Path:
        """Where to write the file that will be called ``name``."""
        return self.temp / name

    def add(self, names: list[str]) -> None:
        """A set of files, its manifest last; refused if a final name is taken."""
        taken = [name for name in names if (self.out_dir / name).exists()]
        if taken:
            raise FileExistsError(f"{self.out_dir / taken[0]} already exists")
        self.sets.append(list(names))

    def place(self) -> None:
        """Flush every file, journal the sets, then rename them into place, each set's manifest last."""
        for names in self.sets:
            for name in names:
                fsync_path(self.path(name))
        (self.temp / JOURNAL).write_bytes(orjson.dumps(self.sets))
        fsync_path(self.temp / JOURNAL)
        for names in self.sets:
            for name in names:
                os.rename(self.path(name), self.out_dir / name)
        fsync_path(self.out_dir)
