"""The drop folder as the store sees it: the complete extracts it has not loaded yet, each once (by
its sha256), read well enough to be loaded; the rest refused to ``rejected/`` by the folder's
contract (``screening.extract.drop``)."""

from pathlib import Path

import duckdb

from dataclasses import replace

from screening.extract import drop as contract
from screening.extract.files import file_sha256
from screening.rules.validation import has_keys

EXTRACT_SUFFIXES = contract.EXTRACT_SUFFIXES


def processed_sha256s(db: Path) -> set[str]:
    """sha256 of every extract the store has already loaded (complete runs)."""
    if not db.exists():
        return set()
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute("select count(*) from information_schema.tables where table_name = 'runs'").fetchall()
        if not tables[0][0]:
            return set()
        return {row[0] for row in con.execute("select extract_sha256 from runs where status = 'complete'").fetchall()}
    finally:
        con.close()


def pending_extracts(complete: list[contract.Extract], db: Path) -> list[contract.Extract]:
    """The complete extracts the store has not loaded yet, oldest first (so changes apply in the order
    they came); of several identical files, the first."""
    seen, pending = set(processed_sha256s(db)), []
    for extract in complete:
        try:
            sha = file_sha256(extract.path)
        except FileNotFoundError:  # taken away since it was judged: nothing to load
            continue
        if sha not in seen:
            seen.add(sha)
            pending.append(extract)
    return pending


def take_pending(drop_dir: Path, db: Path, settle_seconds: float, require_marker: bool = False,
                 wait=None) -> contract.DropScan:
    """The drop folder judged by its contract: ``complete`` holds the extracts to load now (not loaded
    yet, readable, with their rows), ``waiting`` the files not complete yet; every file in ``refused``
    has been moved to ``rejected/`` with its reason file."""
    found = contract.scan_drop(drop_dir, settle_seconds, require_marker, **({"wait": wait} if wait else {}))
    misnamed = {extract: contract.misnamed(extract) for extract in found.complete}  # every file: a copy of a
    found.refused += [refusal for refusal in misnamed.values() if refusal]          # loaded one under a wrong name too
    pending = []
    for extract in pending_extracts([e for e, refusal in misnamed.items() if not refusal], db):
        judged = contract.probe(extract, storable)
        (pending if isinstance(judged, contract.Extract) else found.refused).append(judged)
    found.complete = pending
    found.refused = [replace(refusal, moved_to=contract.refuse(drop_dir, refusal)) for refusal in found.refused]
    return found


def storable(first_rows) -> str | None:
    """Why an extract cannot go into the store, judged on its first rows (no firm keys), else None."""
    if has_keys(first_rows):
        return None
    return "it has no credit code (统一社会信用代码) or registration number (注册号) column: the store needs one"
