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


def number_parts(con, rescreen: bool, has_store: bool, part_rows: int) -> int:
    """Number the firms to screen into parts of ``part_rows`` (table ``to_screen``); with ``rescreen``, every
    loaded firm and every stored firm the extract lacks. The number of parts."""
    con.execute(statement("delta_to_screen"), {"rescreen": rescreen, "part_rows": part_rows})
    if rescreen and has_store:
        first_part = con.execute("select coalesce(max(part) + 1, 0) from to_screen").fetchall()[0][0]
        con.execute(statement("delta_rescreen_stored"), {"first_part": first_part, "part_rows": part_rows})
    return con.execute("select coalesce(max(part) + 1, 0) from to_screen").fetchall()[0][0]


def write_parts(con, parts: int, path_of, on_part=lambda rows: None) -> list[Path]:
    """Write each part of the firms to screen as a Parquet file (``path_of(part)``); their paths."""
    paths = []
    for part in range(parts):
        path = path_of(part)
        rows = con.execute(statement("delta_part"), {"part": part, "path": str(path)}).fetchall()[0][0]
        paths.append(path)
        on_part(rows)
    return paths
