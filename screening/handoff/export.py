"""Hand-off files per lead regulator: an .xlsx (one sheet per category, counting terms in red), the
same rows as CSV in GB18030 and in UTF-8 with BOM, and a manifest.json with sha256 and row counts.
The extended tier (关注) comes apart from the watch list of record: its own last sheet and its own
``_attention_`` CSV files (:mod:`screening.handoff.attention`).

By default a regulator gets only the watch-list rows new or changed since its last hand-off
(``updated_run`` greater than the run that hand-off covered); each hand-off is recorded in
``exports`` in one transaction, after its files are written. Every cell goes through
:mod:`screening.handoff.safe_cells`; file names come from the regulator's slug, run id and time.
"""

import csv
from datetime import datetime
from pathlib import Path

import orjson
import xlsxwriter

from screening.handoff.attention import ATTENTION_COLUMNS, ATTENTION_SHEET, read_attention_rows
from screening.handoff.safe_cells import REGULATOR_SLUGS, file_stem, safe_offset, safe_text, sheet_name
from screening.errors import StoreError, StoreMissing
from screening.extract.files import file_sha256
from screening.store.database import apply_schema, fetch_dicts, open_writer
from screening.store.lock import run_lock
from screening.store.publish import publish_after_write

COLUMNS = [("统一社会信用代码", "credit_code"), ("企业名称", "name"), ("经营范围", "scope"), ("状态", "watch_status"),
           ("牵头部门", "lead_regulator"), ("类别", "lead_category"), ("命中词", "terms"), ("优先级", "priority"),
           ("经营异常", "abnormal"), ("暂停(迁入)", "hold"), ("首次列入日期", "first_flagged_on"),
           ("最近所见日期", "last_seen_on"), ("登记状态", "reg_status"), ("法定代表人", "legal_rep"), ("地区", "region")]
STATUS_LABELS = {"new": "新列入", "continuing": "继续监管", "changed": "登记变更", "cleared": "移出",
                 "exempt": "豁免(持牌)", "missing": "本期未见"}
ROWS_SQL = """
select w.credit_code, f.name, f.scope, w.status, w.lead_regulator, w.lead_category, w.priority, w.abnormal,
       w.hold, w.first_flagged_on, w.last_seen_on, f.status as reg_status, f.legal_rep, w.region, w.version
from watchlist w join firms f on f.credit_code = w.credit_code and f.version = w.version
where w.lead_regulator = ? and coalesce(w.updated_run, 0) > ?
order by w.priority, w.credit_code"""
HITS_SQL = """
with latest as (select credit_code, version, max(run_id) as run_id from screenings group by credit_code, version)
select h.credit_code, h.field, h.span_start, h.span_end, h.term
from hits h join latest l on l.credit_code = h.credit_code and l.version = h.version and l.run_id = h.run_id
join watchlist w on w.credit_code = h.credit_code and w.version = h.version
where h.counts and h.tier = '重点监管' and w.lead_regulator = ? and coalesce(w.updated_run, 0) > ?
order by h.credit_code, h.span_start"""  # the plans' tier only: the extended tier (关注) is not the list of record


def read_rows(con, regulator: str, since: int) -> list[dict]:
    """Watch-list rows of a regulator updated after run ``since``, with counting-hit spans and terms."""
    rows = [r | {"spans": {"name": [], "scope": []}, "terms": []} for r in fetch_dicts(con, ROWS_SQL, [regulator, since])]
    by_code = {row["credit_code"]: row for row in rows}
    for code, field, start, end, term in con.execute(HITS_SQL, [regulator, since]).fetchall():
        row = by_code[code]
        if field in row["spans"] and start is not None and end is not None:
            row["spans"][field].append((start, end))
        if term not in row["terms"]:
            row["terms"].append(term)
    for row in rows:
        row["watch_status"] = STATUS_LABELS.get(row["status"], row["status"])
        row["terms"] = "、".join(row["terms"])
    return rows


def merged(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to the text, sorted, overlapping ones merged."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def rich_fragments(value: str | None, spans: list[tuple[int, int]], red) -> list:
    """xlsxwriter rich-string fragments of a safe cell: the counting spans in ``red``."""
    text, shift = safe_text(value), safe_offset(value)
    fragments, at = [], 0
    for start, end in merged([(s + shift, e + shift) for s, e in spans], len(text)):
        fragments += [text[at:start]] if start > at else []
        fragments += [red, text[start:end]]
        at = end
    return fragments + ([text[at:]] if at < len(text) else [])


def write_cell(sheet, row: int, col: int, key: str, record: dict, red) -> None:
    """One data cell: numbers as numbers, name and scope as rich strings, the rest as safe text."""
    value = record[key]
    if key == "priority" and isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
        return
    fragments = rich_fragments(value, record["spans"].get(key, []), red) if key in ("name", "scope") else []
    if len(fragments) > 2:
        sheet.write_rich_string(row, col, *fragments)
    elif len(fragments) == 2:  # the whole cell is one counting term
        sheet.write_string(row, col, fragments[1], fragments[0])
    else:
        sheet.write_string(row, col, safe_text(value))


def write_plain_sheet(book, name: str, columns: list[tuple[str, str]], rows: list[dict], bold) -> None:
    """A sheet of safe text cells under a frozen, filtered header."""
    sheet = book.add_worksheet(name)
    for col, (header, _) in enumerate(columns):
        sheet.write_string(0, col, header, bold)
    for r, record in enumerate(rows, start=1):
        for col, (_, key) in enumerate(columns):
            sheet.write_string(r, col, safe_text(record[key]))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(columns) - 1)
    sheet.set_column(0, len(columns) - 1, 18)


def write_xlsx(path: Path, rows: list[dict], attention: list[dict] = ()) -> None:
    """The clerk's workbook: one sheet per category, header frozen, autofilter, terms in red bold;
    then the extended tier's firms on a sheet of their own."""
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        bold, red = book.add_format({"bold": True}), book.add_format({"bold": True, "font_color": "red"})
        taken: set[str] = set()
        categories = dict.fromkeys(row["lead_category"] for row in rows)
        for category in categories:
            sheet = book.add_worksheet(sheet_name(category, taken))
            members = [row for row in rows if row["lead_category"] == category]
            for col, (header, _) in enumerate(COLUMNS):
                sheet.write_string(0, col, header, bold)
            for r, record in enumerate(members, start=1):
                for col, (_, key) in enumerate(COLUMNS):
                    write_cell(sheet, r, col, key, record, red)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, len(members), len(COLUMNS) - 1)
            sheet.set_column(0, len(COLUMNS) - 1, 18)
        if attention:
            write_plain_sheet(book, ATTENTION_SHEET, ATTENTION_COLUMNS, list(attention), bold)


def write_csv(path: Path, rows: list[dict], encoding: str, columns: list[tuple[str, str]] = COLUMNS) -> None:
    """The rows as CSV in ``encoding`` (gb18030 or utf-8-sig), every cell safe."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for header, _ in columns])
        writer.writerows([safe_text(row[key]) for _, key in columns] for row in rows)


def unused_stem(out_dir: Path, stem: str) -> str:
    """``stem``, or ``stem_2``, ``stem_3`` … when files of that name are already there."""
    candidate, n = stem, 1
    while any(out_dir.glob(f"{candidate}.*")) or any(out_dir.glob(f"{candidate}_*.*")):
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def write_attention_csvs(out_dir: Path, stem: str, attention: list[dict]) -> list[dict]:
    """The extended tier's rows as their own CSV pair (none when it has no rows)."""
    if not attention:
        return []
    paths = [out_dir / f"{stem}_attention_gb18030.csv", out_dir / f"{stem}_attention_utf8bom.csv"]
    for path, encoding in zip(paths, ("gb18030", "utf-8-sig")):
        write_csv(path, attention, encoding, ATTENTION_COLUMNS)
    return [{"name": p.name, "rows": len(attention), "sha256": file_sha256(p)} for p in paths]


def write_files(out_dir: Path, stem: str, rows: list[dict], manifest: dict, attention: list[dict] = ()) -> list[dict]:
    """The xlsx, both CSVs (and the extended tier's pair) and the manifest; their names, row
    counts and sha256 (manifest last). A file's ``rows`` counts the watch-list rows, or for the
    attention CSVs the extended tier's rows (the workbook holds both)."""
    paths = [out_dir / f"{stem}.xlsx", out_dir / f"{stem}_gb18030.csv", out_dir / f"{stem}_utf8bom.csv"]
    write_xlsx(paths[0], rows, attention)
    write_csv(paths[1], rows, "gb18030")
    write_csv(paths[2], rows, "utf-8-sig")
    files = [{"name": p.name, "rows": len(rows), "sha256": file_sha256(p)} for p in paths]
    files += write_attention_csvs(out_dir, stem, list(attention))
    manifest_path = out_dir / f"{stem}_manifest.json"
    manifest_path.write_bytes(orjson.dumps(manifest | {"files": files}, option=orjson.OPT_INDENT_2))
    return files + [{"name": manifest_path.name, "rows": None, "sha256": file_sha256(manifest_path)}]


def last_covered(con, regulator: str) -> int:
    """The run up to which the regulator's last hand-off went (0: never handed off)."""
    return con.execute("select coalesce(max(run_id), 0) from exports where regulator = ?", [regulator]).fetchall()[0][0]


def latest_run(con) -> tuple[int, dict]:
    """The store's latest run id and its list versions; refused on a store without runs."""
    row = con.execute("select run_id, list_versions from runs order by run_id desc limit 1").fetchall()
    if not row:
        raise StoreError("the store has no runs yet; run `regscreen scan EXTRACT` first")
    return row[0][0], orjson.loads(row[0][1] or "{}")


def record_exports(con, records: list[dict]) -> None:
    """Insert the hand-offs in one transaction (after their files are written)."""
    con.execute("begin transaction")
    try:
        first = con.execute("select coalesce(max(export_id), 0) + 1 from exports").fetchall()[0][0]
        for n, rec in enumerate(records):
            con.execute("insert into exports values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [first + n, rec["regulator"], rec["exported_at"], rec["run_id"], rec["since_run"],
                         rec["mode"], rec["row_count"], rec["out_dir"], orjson.dumps(rec["files"]).decode()])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def export(db: Path, out_dir: Path, regulators: list[str] | None = None, since_last: bool = True,
           now: datetime | None = None) -> list[dict]:
    """Write each regulator's hand-off files into ``out_dir`` and record them; one dict per hand-off."""
    if not db.exists():
        raise StoreMissing(f"{db}: no store here yet; run `regscreen scan EXTRACT --db {db}` first")
    regulators, now = regulators or list(REGULATOR_SLUGS), (now or datetime.now()).replace(microsecond=0)
    out_dir.mkdir(parents=True, exist_ok=True)
    with run_lock(db):
        con = open_writer(db)
        try:
            con.execute("begin transaction")
            apply_schema(con)
            con.execute("commit")
            run_id, versions = latest_run(con)
            records = []
            for regulator in regulators:
                since = last_covered(con, regulator) if since_last else 0
                rows, attention = read_rows(con, regulator, since), read_attention_rows(con, regulator, since)
                if not rows and not attention:
                    continue
                manifest = {"regulator": regulator, "exported_at": now.isoformat(timespec="seconds"),
                            "run_id": run_id, "since_run": since, "list_versions": versions, "rows": len(rows),
                            "attention_rows": len(attention)}
                stem = unused_stem(out_dir, file_stem(regulator, run_id, now))
                files = write_files(out_dir, stem, rows, manifest, attention)
                records.append({"regulator": regulator, "exported_at": now, "run_id": run_id, "since_run": since,
                                "mode": "since-last" if since_last else "all", "row_count": len(rows),
                                "attention_rows": len(attention),
                                "out_dir": str(out_dir), "files": files})
            if records:
                record_exports(con, records)
        finally:
            con.close()
        if records:
            publish_after_write(db)  # analysts' read-only snapshot shows the hand-off in `exports`
        return records
