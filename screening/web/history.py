"""移交 ``/handoffs`` (past hand-offs with their manifests and downloads) and 运行 ``/runs`` (the run
history, each with its reconciliation: rows in = loaded + rejected).

A download names an export and the position of a file in it; the file's name and folder come from the
store's ``exports`` table, never from the request. It is served only when it is a regular file (not a
symlink) whose sha256 is the one recorded, so a file replaced or altered since the hand-off is refused.
A relative folder (``regscreen export --to out``) is read from the folder the server was started in.
"""

import hashlib
import os
import re
from pathlib import Path, PurePath

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
import orjson

from screening.errors import NotFound
from screening.store.database import fetch_dicts, reading
from screening.store.status import last_runs
from screening.web.auth import config_of, current_session
from screening.web.sessions import Session
from screening.web.templating import TEMPLATES

EXPORTS_SQL = ("select export_id, regulator, exported_at, run_id, since_run, mode, row_count, out_dir, files "
               "from exports order by export_id desc limit ?")
ONE_EXPORT_SQL = "select out_dir, files from exports where export_id = ?"
MEDIA_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".json": "application/json",
               ".csv": "text/csv"}
MAX_BYTES = 512 << 20
SAFE_NAME = re.compile(r"[A-Za-z0-9._-]{1,200}")
SHOWN_EXPORTS = 200
SHOWN_RUNS = 100

router = APIRouter()


def manifest_of(out_dir: str, files: list[dict]) -> dict | None:
    """The hand-off's manifest as written (None when it is gone or altered)."""
    manifest = next((f for f in files if f["name"].endswith("_manifest.json")), None)
    content = recorded_file(out_dir, manifest) if manifest else None
    return orjson.loads(content) if content else None


def recorded_file(out_dir: str, entry: dict) -> bytes | None:
    """The bytes of a recorded hand-off file, or None unless it is a plain file with the recorded sha256."""
    name = entry.get("name") or ""
    if PurePath(name).name != name or name in ("", ".", ".."):
        return None
    folder = Path(out_dir) if Path(out_dir).is_absolute() else Path.cwd() / out_dir
    try:
        descriptor = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        found = os.fstat(handle.fileno())
        if not (found.st_mode & 0o170000 == 0o100000 and found.st_size <= MAX_BYTES):
            return None
        content = handle.read()
    return content if hashlib.sha256(content).hexdigest() == entry.get("sha256") else None


@router.get("/handoffs")
def handoffs(request: Request, session: Session = Depends(current_session)) -> Response:
    with reading(config_of(request).db) as con:
        exports = fetch_dicts(con, EXPORTS_SQL, [SHOWN_EXPORTS])
    for export in exports:
        export["files"] = orjson.loads(export["files"])
        export["manifest"] = manifest_of(export["out_dir"], export["files"])
        export["manifest_text"] = orjson.dumps(export["manifest"], option=orjson.OPT_INDENT_2).decode() \
            if export["manifest"] else None
    return TEMPLATES.TemplateResponse(request, "handoffs.html", {"session": session, "exports": exports})


@router.get("/handoffs/{export_id}/files/{position}")
def handoff_file(request: Request, export_id: int, position: int, session: Session = Depends(current_session)) -> Response:
    with reading(config_of(request).db) as con:
        found = con.execute(ONE_EXPORT_SQL, [export_id]).fetchall()
    files = orjson.loads(found[0][1]) if found else []
    if not 0 <= position < len(files):
        raise NotFound(f"移交记录 {export_id} 中没有第 {position} 个文件")
    entry = files[position]
    content = recorded_file(found[0][0], entry)
    if content is None:
        raise NotFound(f"文件 {entry.get('name')} 已不在移交时的位置，或内容已被改动（sha256 与记录不符）；请重新导出")
    suffix = PurePath(entry["name"]).suffix
    media = MEDIA_TYPES.get(suffix, "application/octet-stream")
    if suffix == ".csv":
        media += "; charset=gb18030" if "gb18030" in entry["name"] else "; charset=utf-8"
    download = entry["name"] if SAFE_NAME.fullmatch(entry["name"]) else f"handoff_{export_id}_{position}{suffix if suffix in MEDIA_TYPES else ''}"
    return Response(content, media_type=media, headers={"Content-Disposition": f"attachment; filename=\"{download}\""})


@router.get("/runs")
def runs(request: Request, session: Session = Depends(current_session)) -> Response:
    found, watch = last_runs(config_of(request).db, SHOWN_RUNS)
    return TEMPLATES.TemplateResponse(request, "runs.html", {"session": session, "runs": found, "watch": watch})
