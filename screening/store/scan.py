"""One nightly run: stage an extract, screen what changed in parts, commit in one transaction.

The design (issue 14: national scale), by stage:

1. **Plan** (:func:`plan_run`, the flow's or the scan's process, holding the store's run lock): a
   repeat is recognised from the file's sha256 and the lists' versions; otherwise the extract is
   streamed into the run's own DuckDB file in the parts folder (:mod:`screening.store.staging`: one
   chunk in Python at a time, validated, hashed and de-duplicated in SQL), compared with the store's
   latest versions (:mod:`screening.store.delta`), and the firms to screen are written as Parquet parts.
   DuckDB runs under a memory limit and spills to disk beyond it, so memory does not grow with the
   extract. The plan writes nothing to the store.
2. **Screen** (:func:`screening.store.parts.screen_part`, once per part: the scan's own loop, or one
   Dask task each): a worker reads its part, screens it and writes its results as Parquet parts. Only
   paths and small summaries travel.
3. **Commit** (:func:`commit_run`): one transaction loads every result part and writes firms, rejects,
   screenings, hits, person links, the watch list (lifecycle and order in SQL), its audit and outbox,
   and the run's row (:mod:`screening.store.commit`); then the store's snapshot is published and the
   run's folder removed.

A run killed at any point leaves the store as it was: the plan and the workers write only the run's
folder; the next run resumes that folder or removes it and says which (:mod:`screening.store.runfolder`).

A **repeat** is a repeat of the store's current state: the same file (sha256) with the same lists as
the latest complete run. The same file after a later run changed the store is processed again, as any
extract: its firms are compared with what the store holds now. A file that changes while it is read
(still being copied) is refused and nothing is recorded, so a half-read file never stands for its
complete version.
"""

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from screening.errors import ExtractError
from screening.extract.files import file_sha256
from screening.store import delta, runfolder, runlog
from screening.store.database import Limits, connect
from screening.store.lock import run_lock
from screening.store.publish import ensure_current
from screening.store.runfolder import Manifest, RunFolder, result_paths
from screening.store.sqlfiles import statement

if TYPE_CHECKING:
    from screening.rules.screener import Screener

# A repeat must cost next to nothing (issue 14: ≤ 1 s with the process start), so the screening stack
# (polars, the rules, jieba) is imported only by the steps that stage, screen or commit.
DEFAULT_CHUNK_ROWS = 50_000  # as screening.extract.readers.CHUNK_ROWS (REGSCREEN_CHUNK_ROWS overrides both)


@dataclass
class RunOptions:
    """How a run works, from the settings and options (passed down by the interfaces)."""

    chunk_rows: int = DEFAULT_CHUNK_ROWS
    limits: Limits = field(default_factory=Limits)
    parts_dir: Path | None = None  # None: <store>.parts beside the store
    missing_limit: float = 0.2
    allow_mass_missing: bool = False
    min_confirmed: int = 2  # REGSCREEN_INTEREST_MIN_CONFIRMED: persons of interest (screening.store.interest)


@dataclass
class RunReport:
    """What a run did, as recorded in ``runs``, and what it did with an interrupted run's folder."""

    run: dict
    notes: list[str] = field(default_factory=list)

    def __getattr__(self, name):
        return self.run[name]


@dataclass
class RunPlan:
    """Everything a run decided before screening: small (paths and counts), so it travels anywhere."""

    extract: Path
    db: Path
    sha256: str
    fingerprint: list
    as_of: date
    full: bool
    started: datetime
    run_id: int
    base_run: int
    versions: dict
    options: RunOptions
    repeat_of: int | None = None
    rescreen: bool = False
    counts: dict = field(default_factory=dict)
    folder: Path | None = None
    parts: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def run_folder(self) -> RunFolder:
        return RunFolder(self.folder.parent, self.run_id)

    @property
    def results_dir(self) -> Path:
        return self.run_folder.results_dir


def file_fingerprint(path: Path) -> list:
    """(size, modification time, inode) of a file: what changes when it is written to."""
    found = path.stat()
    return [found.st_size, found.st_mtime_ns, found.st_ino]


def hashed(extract: Path) -> tuple[str, list]:
    """(sha256, fingerprint) of an extract that did not change while it was hashed."""
    before = file_fingerprint(extract)
    sha256 = file_sha256(extract)
    unchanged_while_read(extract, before)
    return sha256, before


def unchanged_while_read(extract: Path, before: list) -> None:
    """Refuse an extract that changed since ``before`` (a file still being copied): nothing is recorded."""
    if file_fingerprint(extract) != before:
        raise ExtractError(f"{extract}: the file changed while it was read (is it still being copied?); nothing "
                           "was recorded. Run again once it is complete")


def plan_run(extract: Path, db: Path, versions: dict, as_of: date | None = None, full: bool = False,
             options: RunOptions | None = None, progress=lambda phase, rows: None) -> RunPlan:
    """Decide what this run loads and screens, staging the extract and writing its parts (call with the
    run lock held). Writes nothing to the store but a missing or stale read-only snapshot."""
    options = options or RunOptions()
    ensure_current(db)
    runs = runlog.earlier_runs(db)
    sha256, fingerprint = hashed(extract)
    base = runs[-1]["run_id"] if runs else 0
    plan = RunPlan(extract, db, sha256, fingerprint, as_of or date.today(), full, datetime.now(), base + 1, base,
                   versions, options)
    parts_dir = options.parts_dir or runfolder.default_parts_dir(db)
    manifest = Manifest(plan.run_id, base, str(extract), sha256, fingerprint, versions, full)
    plan.notes = tidy_orphans(parts_dir, manifest)
    earlier = runlog.repeat_of(runs, sha256, versions)
    if earlier:
        plan.repeat_of = earlier["run_id"]
        return plan
    complete = [r for r in runs if r["status"] == "complete"]
    plan.rescreen = bool(complete) and complete[-1]["list_versions"] != versions
    folder = RunFolder(parts_dir, plan.run_id)
    plan.folder = folder.path
    try:
        if folder.planned and resumable(folder.manifest(), manifest):
            plan.parts, plan.counts = folder.parts(), staged_counts(folder, options)
        else:
            folder.remove()
            folder.create(manifest)
            stage(plan, folder, progress)
        if full and not options.allow_mass_missing:
            delta.refuse_mass_missing(plan.counts, options.missing_limit, extract)
    except BaseException:
        folder.remove()  # a refused or failed plan leaves nothing behind
        raise
    return plan


def resumable(found: Manifest | None, wanted: Manifest) -> bool:
    """Whether an interrupted run's folder was planned for this very run: same run number on the same store
    state, same file (sha256, size, time, inode), same lists, same full flag."""
    if found is None:
        return False
    same = ("run_id", "base_run", "sha256", "fingerprint", "versions", "full")
    return all(getattr(found, name) == getattr(wanted, name) for name in same)


def tidy_orphans(parts_dir: Path, wanted: Manifest) -> list[str]:
    """Remove the folders of interrupted runs that this run cannot resume; say what was done."""
    notes = []
    for orphan in runfolder.orphans(parts_dir):
        found = orphan.manifest()
        if orphan.planned and resumable(found, wanted):
            done = sum(runfolder.screened(orphan.results_dir, p) for p in orphan.parts())
            notes.append(f"resumed interrupted run {found.run_id} (planned {found.created_at}): its staged extract "
                         f"and {done} of {len(orphan.parts())} screened parts kept")
            continue
        what = f"run {found.run_id} of {Path(found.extract).name}, planned {found.created_at}" if found else orphan.path.name
        orphan.remove()
        if found and found.run_id <= wanted.base_run:  # stopped between its commit and the removal of its folder
            notes.append(f"removed the parts left by run {found.run_id}, which had committed")
        else:
            notes.append(f"removed the parts of an interrupted run ({what}); it left the store as it was")
    return notes


def stage(plan: RunPlan, folder: RunFolder, progress) -> None:
    """Stage the extract in the run's folder, compare it with the store, write the parts to screen."""
    from screening.store import staging

    options = plan.options
    con = connect(folder.staging, options.limits, folder.spill)
    try:
        has_store = staging.stage_run(con, plan.extract, plan.db, options.chunk_rows, progress,
                                      lambda: unchanged_while_read(plan.extract, plan.fingerprint))
        plan.counts = delta.classify(con, plan.full)
        plan.parts = delta.write_parts(con, folder, plan.rescreen, has_store, options.chunk_rows,
                                       lambda rows: progress("writing parts", rows))
    finally:
        con.close()
    folder.mark_planned()


def staged_counts(folder: RunFolder, options: RunOptions) -> dict:
    """The counts of an interrupted run's staged extract (to resume it)."""
    con = connect(folder.staging, options.limits, folder.spill, read_only=True)
    try:
        cursor = con.execute(statement("delta_counts"))
        return dict(zip([c[0] for c in cursor.description], cursor.fetchall()[0]))
    finally:
        con.close()


def parts_to_screen(plan: RunPlan) -> list[Path]:
    """The plan's parts whose results are not written yet (all of them, unless the run resumes)."""
    return [p for p in plan.parts if not runfolder.screened(plan.results_dir, p)]


def run_row(plan: RunPlan, screened: int) -> dict:
    """The ``runs`` row of a complete run."""
    counts = plan.counts
    return {
        "run_id": plan.run_id, "extract_file": str(plan.extract), "extract_sha256": plan.sha256, "as_of": plan.as_of,
        "full_extract": plan.full, "started_at": plan.started, "finished_at": datetime.now(), "status": "complete",
        "repeat_of": None, "rows_in": counts["rows_in"], "rows_loaded": counts["rows_loaded"],
        "rows_rejected": counts["rows_rejected"], "firms_new": counts["firms_new"],
        "firms_changed": counts["firms_changed"], "firms_updated": counts["firms_updated"],
        "firms_unchanged": counts["firms_unchanged"], "firms_missing": counts["firms_missing"],
        "firms_screened": screened, "list_versions": plan.versions, "rescreened_all": plan.rescreen,
    }


def commit_run(plan: RunPlan) -> RunReport:
    """Write the run in one transaction; refuse if another run committed since the plan was made. Then
    publish the store's read-only snapshot and remove the run's folder (call with the run lock held)."""
    if plan.repeat_of:  # the store stays as it was: one row in the run log, published on its own
        row = runlog.repeated(plan.db, plan.repeat_of, plan.run_id, plan.started, plan.as_of)
        runlog.record_repeat(plan.db, row)
        return RunReport(row, plan.notes)
    missing = parts_to_screen(plan)
    if missing:
        raise RuntimeError(f"{plan.db}: run {plan.run_id} has {len(missing)} part(s) not screened; not committing")
    from screening.store import commit

    results = [result_paths(plan.results_dir, p) for p in plan.parts]
    row = run_row(plan, plan_screened(results))
    commit.commit(plan.db, row, plan.run_folder.staging, [r[0] for r in results], [r[1] for r in results],
                  plan.options.limits, plan.run_folder.spill, plan.options.min_confirmed)
    ensure_current(plan.db)  # analysts' read-only snapshots: this run, complete
    plan.run_folder.remove()
    return RunReport(row, plan.notes)


def plan_screened(results: list[tuple[Path, Path]]) -> int:
    """How many firms the result parts hold (some may have been screened by an interrupted run)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(firms).metadata.num_rows for firms, _ in results)


def scan(extract: Path, db: Path, screener: "Screener", as_of: date | None = None, full: bool = False,
         chunk_rows: int = DEFAULT_CHUNK_ROWS, progress=lambda phase, rows: None,
         options: RunOptions | None = None, min_confirmed: int | None = None) -> RunReport:
    """Run one scan of ``extract`` into the store at ``db``: plan, screen the parts here, commit in one
    transaction. ``progress(phase, rows)`` is told what is being done (reading, screening, writing);
    ``min_confirmed`` overrides the options' threshold for persons of interest."""
    options = options or RunOptions(chunk_rows=chunk_rows)
    if min_confirmed is not None:
        options = replace(options, min_confirmed=min_confirmed)
    with run_lock(db):
        plan = plan_run(extract, db, screener.versions, as_of, full, options, progress)
        if plan.parts:
            from screening.store.parts import screen_part
        for part in parts_to_screen(plan):
            summary = screen_part(screener, part, plan.results_dir)
            progress("screening", summary["firms"])
        progress("writing", 0)
        return commit_run(plan)


def plan_summary(plan: RunPlan) -> dict:
    """The plan as plain data (what a flow logs)."""
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(plan).items() if k not in ("parts", "options")}
