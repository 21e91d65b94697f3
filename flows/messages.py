"""What the nightly flow tells its operator, in English, one line per event, counts with their
plurals right; warnings only for what needs a look (a refused or changing file)."""

from collections.abc import Sequence
from pathlib import Path
import time

from prefect import get_run_logger

from screening.extract.drop import DropScan, Extract
from screening.handoff.messages import handoff_line, nothing_line

PROGRESS_STEPS = 10  # log a long run's progress at every tenth of its rows
PROGRESS_ROWS = 100_000  # an extract of fewer rows is not long


def step(done: int, total: int) -> int:
    """How many tenths of ``total`` are ``done`` (0 to 10)."""
    return min(PROGRESS_STEPS, done * PROGRESS_STEPS // total) if total else PROGRESS_STEPS


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 firm``, ``2 firms``, ``1,204 entries``."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def waiting_for_files(seconds: float, paths: list[Path]) -> None:
    """Say why the run pauses, then wait for files that changed within the settle time."""
    names = ", ".join(path.name for path in paths)
    get_run_logger().info(f"waiting {seconds:.0f} s: {names} changed within the settle time "
                          "(REGSCREEN_DROP_SETTLE_SECONDS); a file still being copied is never read")
    time.sleep(seconds)


def drop_report(found: DropScan) -> None:
    """Files not taken this run, and files refused (moved to rejected/ with their reason file)."""
    logger = get_run_logger()
    for path, why in found.waiting:
        logger.info(f"not taken yet: {path.name}: {why}; a later run takes it when it is complete")
    for refusal in found.refused:
        refused(refusal.moved_to, refusal.path, refusal.reason)


def refused(moved_to: Path | None, path: Path, reason: str) -> None:
    """A refused file: its name, the kind of problem (never its content) and where it went."""
    where = f"moved to {moved_to}, reason in {moved_to.name}.reason.txt beside it" if moved_to else "left in place"
    get_run_logger().warning(f"refused {path.name}: {reason}; {where}")


def runner_choice(extracts: list[Extract], runner: str) -> None:
    """What the run is about to load, and where it screens."""
    if not extracts:
        print("nothing new to load in the drop folder")
        return
    rows = sum(e.rows or 0 for e in extracts)
    print(f"{counted(len(extracts), 'extract')} to load ({counted(rows, 'row')}), screening on {runner}")


def extract_started(number: int, total: int, extract: Extract) -> None:
    """One extract begins: reading, validating and comparing it with the store."""
    print(f"extract {number} of {total}: {extract.path.name} ({counted(extract.rows or 0, 'row')}): "
          "reading and comparing with the store")


def reading_progress(extract: Extract):
    """A ``progress(phase, rows)`` callback for planning a run: logs the reading of a long extract at
    every tenth of its rows (a short one says nothing more)."""
    total, counts = extract.rows or 0, {"done": 0, "shown": 0}

    def progress(phase: str, rows: int) -> None:
        if phase != "reading" or total < PROGRESS_ROWS:
            return
        counts["done"] += rows
        if step(counts["done"], total) > counts["shown"]:
            counts["shown"] = step(counts["done"], total)
            print(f"read and checked {counts['done']:,} of {counted(total, 'row')} "
                  f"({min(counts['done'], total) / total:.0%})")

    return progress


def changed_while_read(extract: Extract) -> None:
    """The file changed after it was judged complete: not loaded this run."""
    get_run_logger().warning(f"not loaded: {extract.path.name} changed while it was being read "
                             "(still being copied?); a later run takes it when it is complete")


def screened(futures: Sequence, sizes: Sequence[int]) -> list[dict]:
    """The summaries of the screening futures (one per part of ``sizes`` firms), in order, logging progress
    at every tenth of the firms."""
    total, done, shown, summaries = sum(sizes), 0, 0, []
    for future, size in zip(futures, sizes):
        summaries.append(future.result())
        done += size
        if step(done, total) > shown:
            shown = step(done, total)
            print(f"screened {done:,} of {counted(total, 'firm')} ({done / total:.0%})")
    return summaries


def run_done(run: dict) -> None:
    """A run committed: its rows in = loaded + rejected."""
    print(f"run {run['run_id']} {run['status']}: {Path(run['extract_file']).name}, "
          f"{counted(run['rows_in'], 'row')} in = {run['rows_loaded']:,} loaded + {run['rows_rejected']:,} rejected")


def handed_off(records: list[dict]) -> None:
    """The hand-off files written, per regulator (one line each, in Chinese, as `regscreen export` says it)."""
    if not records:
        print(nothing_line(since_last=True))
    for record in records:
        print(handoff_line(record))


def pushed(report: dict) -> None:
    """The outbox pushed: delivered, failed, still pending."""
    print(f"push: {counted(report['delivered'], 'entry', 'entries')} delivered, {report['failed']:,} failed, "
          f"{report['pending']:,} pending")
