"""A run's folder in the parts folder: its staged extract, the parts workers screen, their results.

    <parts folder>/run-000042/           (default parts folder: registry.parts beside the store)
        plan.json                         what the run is: extract, sha256, lists, store it was planned on
        staging.duckdb                    the staged extract (every record, rejects, the delta)
        spill/                            DuckDB's spill folder (unless REGSCREEN_DUCKDB_TEMP_DIR)
        screen/part-00000.parquet …       the firms to screen, one file per task
        results/part-00000.firms.parquet  one file per screened part: the firms' verdicts …
        results/part-00000.hits.parquet   … and their hits (written first; the firms file is the "done" mark)
        planned                           written last by the plan: every part is there

Nothing here is the store: the store changes only in the commit, one transaction that reads these
files. After the commit the folder is removed. A run killed before it leaves its folder behind (an
orphan). The next run of the store, under the same run lock, finds it and either **resumes** it — same
extract (sha256, size and time), same lists, same full flag, and the store unchanged since the plan:
the staged extract and the results already written are kept and only missing parts are screened — or
**removes** it; the run's report says which. Files are written under temporary names and renamed,
so a killed writer never leaves a part that looks complete.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
import os
from pathlib import Path
import shutil

import orjson

PLAN = "plan.json"
PLANNED = "planned"
TEMP_SUFFIX = ".writing"


@dataclass
class Manifest:
    """What a run folder was made for: enough to decide whether a later run may resume it."""

    run_id: int
    base_run: int  # the store's last run when the plan was made
    extract: str
    sha256: str
    fingerprint: list  # size, mtime_ns, inode of the extract when it was hashed
    versions: dict
    full: bool
    created_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))


def default_parts_dir(db: Path) -> Path:
    """The parts folder of a store when none is configured: ``registry.duckdb`` → ``registry.parts``."""
    return db.with_name(f"{db.stem}.parts")


class RunFolder:
    """The folder of one run under a parts folder."""

    def __init__(self, parts_dir: Path, run_id: int):
        self.parts_dir, self.run_id = Path(parts_dir), run_id
        self.path = self.parts_dir / f"run-{run_id:06d}"

    @property
    def staging(self) -> Path:
        return self.path / "staging.duckdb"

    @property
    def spill(self) -> Path:
        return self.path / "spill"

    @property
    def screen_dir(self) -> Path:
        return self.path / "screen"

    @property
    def results_dir(self) -> Path:
        return self.path / "results"

    def create(self, manifest: Manifest) -> None:
        """An empty folder for the run with its manifest."""
        for folder in (self.path, self.screen_dir, self.results_dir):
            folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path / PLAN, orjson.dumps(asdict(manifest)))

    def manifest(self) -> Manifest | None:
        """The manifest, or None when missing or unreadable."""
        try:
            return Manifest(**orjson.loads((self.path / PLAN).read_bytes()))
        except (OSError, orjson.JSONDecodeError, TypeError):
            return None

    def part_path(self, part: int) -> Path:
        return self.screen_dir / f"part-{part:05d}.parquet"

    def parts(self) -> list[Path]:
        """The parts to screen, in order."""
        return sorted(self.screen_dir.glob("part-*.parquet"))

    def mark_planned(self) -> None:
        write_atomically(self.path / PLANNED, b"")

    @property
    def planned(self) -> bool:
        return (self.path / PLANNED).exists()

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        try:
            self.parts_dir.rmdir()  # only when empty
        except OSError:
            pass


def result_paths(results_dir: Path, part: Path) -> tuple[Path, Path]:
    """(firms, hits) result files of a part to screen."""
    stem = Path(part).stem
    return Path(results_dir) / f"{stem}.firms.parquet", Path(results_dir) / f"{stem}.hits.parquet"


def screened(results_dir: Path, part: Path) -> bool:
    """Whether a part's results are complete (its firms file, written last, is there)."""
    return result_paths(results_dir, part)[0].exists()


def orphans(parts_dir: Path) -> list[RunFolder]:
    """Run folders left by runs that never committed."""
    if not Path(parts_dir).is_dir():
        return []
    found = []
    for path in sorted(Path(parts_dir).glob("run-*")):
        if path.is_dir() and path.name[4:].isdigit():
            found.append(RunFolder(parts_dir, int(path.name[4:])))
    return found


def temp_name(path: Path) -> Path:
    """The name a file is written under before it is renamed into place."""
    return path.with_name(path.name + TEMP_SUFFIX)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary name and a rename."""
    temp = temp_name(path)
    temp.write_bytes(data)
    os.replace(temp, path)
