"""Hand-off files per regulator: for every regulator of ``keywords/regulators.toml`` with rows, one file
per registered format (:mod:`screening.handoff.formats`) holding its parts (:mod:`screening.handoff.rows`:
the watch list, mention-only firms, licensed firms, firms that left the list, the extended tier) and
a manifest with each file's sha256 and rows.

By default a regulator gets only the rows updated since its last hand-off (``updated_run`` greater than
the run that hand-off covered); ``since_last=False`` sends everything again. The export is all or
nothing (:mod:`screening.handoff.atomic_files`): the files are written under temporary names, renamed
with each manifest last, and the hand-offs are recorded in ``exports`` in the same store transaction
(:func:`screening.store.database.write_transaction`) that read their rows.
"""

from dataclasses import dataclass
from datetime import datetime
import os
from pathlib import Path

import orjson

from screening.errors import ConfigError, StoreError, StoreMissing
from screening.extract.files import file_sha256
from screening.handoff.atomic_files import FileSets
from screening.handoff.formats import Format, chosen, planned_files
from screening.handoff.naming import file_stem, manifest_name, unused_stem
from screening.handoff.rows import Part, parts_for, read_due, with_cells
from screening.handoff.workbook import CELL_MAX
from screening.rules.regulators import Regulator, Regulators
from screening.store.database import apply_schema, write_transaction
from screening.store.lock import run_lock
from screening.store.publish import publish_after_write

RECORD = ("insert into exports (export_id, regulator, exported_at, run_id, since_run, mode, row_count, out_dir, files)"
          " values ($export_id, $regulator, $exported_at, $run_id, $since_run, $mode, $row_count, $out_dir, $files)")
LAST_COVERED = "select coalesce(max(run_id), 0) from exports where list_contains($names, regulator)"
EXTENDED_VERSIONS = ("select list, arg_max(list_version, run_id) from hits where tier = '关注' and list is not null"
                     " group by list order by list")
LONG_CELLS = f"xlsx cells over {CELL_MAX:,} characters are cut with a marker; the CSV files hold the full text"


@dataclass(slots=True)
class Handoff:
    """One regulator's hand-off: its parts and the names of its files."""

    regulator: Regulator
    since: int
    stem: str
    parts: list[Part]

    def counts(self) -> dict[str, int]:
        """Rows per part: {"rows": watch list, "mention_rows": …, "attention_rows": …}."""
        return {("rows" if p.spec.key == "watchlist" else f"{p.spec.key}_rows"): len(p.rows) for p in self.parts}


def latest_run(con) -> tuple[int, dict]:
    """The store's latest run id and its list versions; refused on a store without runs."""
    row = con.execute("select run_id, list_versions from runs order by run_id desc limit 1").fetchall()
    if not row:
        raise StoreError("the store has no runs yet; run `regscreen scan EXTRACT` first")
    return row[0][0], orjson.loads(row[0][1] or "{}")


def prepared(out_dir: Path) -> Path:
    """The output folder, created when missing; a path that cannot be one is a ConfigError naming it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"{out_dir}: cannot be used as the hand-off folder ({error.strerror});"
                          " give --to a folder you can write") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise ConfigError(f"{out_dir}: the hand-off folder is not writable; give --to a folder you can write")
    return out_dir


def write_handoff(files: FileSets, handoff: Handoff, formats: list[Format], manifest: dict) -> list[dict]:
    """Write one hand-off's files and its manifest under temporary names; their entries, manifest last."""
    entries = []
    for name, fmt, parts in planned_files(handoff.stem, handoff.parts, formats):
        fmt.write(files.path(name), parts)
        rows = len(parts[0].rows) if fmt.per_part else handoff.counts()["rows"]
        part = parts[0].spec.key if fmt.per_part else "all"
        entries.append({"name": name, "format": fmt.key, "part": part, "rows": rows,
                        "sha256": file_sha256(files.path(name))})
    name = manifest_name(handoff.stem)
    document = manifest | {"exported_at": manifest["exported_at"].isoformat(timespec="seconds"), "files": entries}
    files.path(name).write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    files.add([e["name"] for e in entries] + [name])
    return entries + [{"name": name, "format": "manifest", "part": None, "rows": None,
                       "sha256": file_sha256(files.path(name))}]


def record_exports(con, records: list[dict]) -> None:
    """Insert the hand-offs (inside the export's transaction, after their files are in place)."""
    first = con.execute("select coalesce(max(export_id), 0) + 1 from exports").fetchall()[0][0]
    for n, rec in enumerate(records):
        con.execute(RECORD, {"export_id": first + n, "regulator": rec["regulator"], "exported_at": rec["exported_at"],
                             "run_id": rec["run_id"], "since_run": rec["since_run"], "mode": rec["mode"],
                             "row_count": rec["row_count"], "out_dir": rec["out_dir"],
                             "files": orjson.dumps(rec["files"]).decode()})


def last_covered(con, regulator: Regulator) -> int:
    """The run up to which the regulator's last hand-off went, under any of its names (0: never)."""
    return con.execute(LAST_COVERED, {"names": list(regulator.all_names)}).fetchall()[0][0]


def planned(con, out_dir: Path, regulators: Regulators, targets: list[Regulator], since_last: bool, run_id: int,
            now: datetime) -> list[Handoff]:
    """The hand-offs to write: each target regulator with rows since its last hand-off (or all)."""
    since = {regulator: last_covered(con, regulator) if since_last else 0 for regulator in targets}
    rows, extras = read_due(con, min(since.values(), default=0), regulators)
    handoffs, taken = [], set()
    for regulator, after in since.items():
        parts = parts_for(regulator, after, rows, extras)
        if any(part.rows for part in parts):
            stem = unused_stem(out_dir, file_stem(regulator, run_id, now), taken)
            taken.add(stem)
            handoffs.append(Handoff(regulator, after, stem, with_cells(parts)))
    return handoffs


def written(files: FileSets, handoff: Handoff, formats: list[Format], header: dict, out_dir: Path) -> dict:
    """Write one hand-off under temporary names; its record for ``exports`` and the caller."""
    regulator, counts = handoff.regulator, handoff.counts()
    manifest = {"regulator": regulator.name, "regulator_slug": regulator.slug, "regulator_title": regulator.title,
                **header, "since_run": handoff.since, **counts}
    entries = write_handoff(files, handoff, formats, manifest)
    return {"regulator": regulator.name, "slug": regulator.slug, "exported_at": header["exported_at"],
            "run_id": header["run_id"], "since_run": handoff.since, "mode": header["mode"], "row_count": counts["rows"],
            **counts, "out_dir": str(out_dir), "files": entries}


def export(db: Path, out_dir: Path, regulators: Regulators, only: list[str] | None = None, since_last: bool = True,
           formats: list[str] | None = None, now: datetime | None = None) -> list[dict]:
    """Write each regulator's hand-off files into ``out_dir`` and record them; one dict per hand-off.
    ``only`` limits it to those regulators (any of their names or slugs), ``formats`` to those formats."""
    if not db.exists():
        raise StoreMissing(f"{db}: no store here yet; run `regscreen scan EXTRACT --db {db}` first")
    targets = [regulators.get(name) for name in only] if only else list(regulators)
    writers, now = chosen(formats), (now or datetime.now()).replace(microsecond=0)
    out_dir = prepared(out_dir)
    with run_lock(db):
        with write_transaction(db) as con:
            apply_schema(con)
            run_id, versions = latest_run(con)
            header = {"exported_at": now, "run_id": run_id, "mode": "since-last" if since_last else "all",
                      "list_versions": versions, "extended_tier_versions": dict(con.execute(EXTENDED_VERSIONS).fetchall()),
                      "formats": [w.key for w in writers], "long_cells": LONG_CELLS}
            handoffs = planned(con, out_dir, regulators, targets, since_last, run_id, now)
            with FileSets(out_dir) as files:
                records = [written(files, handoff, writers, header, out_dir) for handoff in handoffs]
                files.place()
            record_exports(con, records)
        if records:
            publish_after_write(db)  # analysts' read-only snapshot shows the hand-off in `exports`
        return records
