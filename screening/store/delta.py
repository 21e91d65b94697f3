"""Delta: what changed since the store last saw each firm, by credit code and content hash, in SQL.

new        the credit code is not in the store
changed    name or scope changed (变更登记): screened again
updated    another stored field changed (status, address, abnormal…): screened again (cheap)
unchanged  same content hash: not screened again (unless a term list changed)
missing    in the store, absent from a full extract

Everything runs in the run's staging database (``sql/run/delta_*.sql``) against the stored latest
versions (:func:`screening.store.staging.load_stored`); the firms to screen are numbered into parts
and written as Parquet files (one per worker task).
"""

from pathlib import Path

from screening.errors import UsageError
from screening.store.sqlfiles import statement

KINDS = ("new", "changed", "updated", "unchanged")
ABNORMAL_YES = ("是", "Y", "YES", "TRUE", "1", "经营异常", "列入", "异常")
BLANK = " \t\n\r\v\f\u3000\u00a0"  # stripped around an abnormal-operations value


def classify(con, full: bool) -> dict[str, int]:
    """The loaded firms with their change and version (table ``firms``), the missing ones (``missing``,
    empty unless ``full``), and the run's counts."""
    con.execute(statement("delta_firms"), {"blank": BLANK, "abnormal_yes": list(ABNORMAL_YES)})
    if full:
        con.execute(statement("delta_missing"))
    else:
        con.execute("create table missing as select credit_code, version from stored where false")
    cursor = con.execute(statement("delta_counts"))
    columns = [c[0] for c in cursor.description]
    return dict(zip(columns, cursor.fetchall()[0]))


def refuse_mass_missing(counts: dict[str, int], limit: float, extract: Path) -> None:
    """A full extract that would mark more than ``limit`` of the stored firms missing is refused: it is
    most likely a partial extract (a district's file) sent as the whole registry."""
    stored, missing = counts["firms_stored"], counts["firms_missing"]
    if stored and missing / stored > limit:
        raise UsageError(
            f"{extract}: as a full extract it would mark {missing:,} of the {stored:,} stored firms missing "
            f"({missing / stored:.0%}, more than the limit of {limit:.0%}) while loading {counts['rows_loaded']:,}; "
            "nothing was written. If the registry really lost them, run again with --allow-mass-missing; "
            "if this is a partial extract, scan it without --full")


def write_parts(con, folder, rescreen: bool, has_store: bool, part_rows: int, on_part=lambda rows: None) -> list[Path]:
    """Write the firms to screen as Parquet files of ``part_rows`` each (``folder.part_path(n)``): new, changed
    and updated firms, or with ``rescreen`` every loaded firm and then every stored firm the extract lacks.
    Their paths, in order."""
    con.execute(statement("delta_to_screen"), {"rescreen": rescreen, "part_rows": part_rows})
    paths = []
    for part, first, last, firms in con.execute("select part, first_record, last_record, firms from parts "
                                                "order by part").fetchall():
        path = folder.part_path(part)
        con.execute(statement("delta_part"), {"first_record": first, "last_record": last, "rescreen": rescreen,
                                              "path": str(path)})
        paths.append(path)
        on_part(firms)
    if rescreen and has_store:
        paths += write_stored_parts(con, folder, part_rows, on_part)
    return paths


def write_stored_parts(con, folder, part_rows: int, on_part) -> list[Path]:
    """The stored firms the extract lacks, to screen again after a list changed, in parts."""
    stored = folder.screen_dir / "stored"
    con.execute(statement("delta_rescreen_stored"), {"path": str(stored), "part_rows": part_rows})
    paths = []
    for number, written in enumerate(sorted(stored.glob("*.parquet"))):
        path = written.rename(folder.screen_dir / f"part-stored-{number:05d}.parquet")
        paths.append(path)
        on_part(0)
    stored.rmdir()
    return paths
