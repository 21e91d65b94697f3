"""The drop folder: extracts waiting to be processed, each processed once (by its sha256)."""

from pathlib import Path

import duckdb

from screening.errors import ConfigError

from screening.extract.files import file_sha256

EXTRACT_SUFFIXES = (".csv", ".xlsx", ".parquet", ".jsonl")


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


def pending_extracts(drop_dir: Path, db: Path) -> list[Path]:
    """Unprocessed extracts in ``drop_dir``, oldest first (so changes apply in the order they came)."""
    if not drop_dir.is_dir():
        raise ConfigError(f"{drop_dir}: the drop folder does not exist; create it or pass another")
    done = processed_sha256s(db)
    files = [p for p in drop_dir.iterdir() if p.is_file() and p.suffix.lower() in EXTRACT_SUFFIXES]
    files.sort(key=lambda p: (p.stat().st_mtime, p.name))
    seen, pending = set(done), []
    for path in files:
        sha = file_sha256(path)
        if sha not in seen:
            seen.add(sha)
            pending.append(path)
    return pending
