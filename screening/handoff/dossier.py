"""一户一档: one firm's file — every registration version, its screening hits, watch-list history,
decisions and related firms — as plain text or a self-contained HTML page.

Everything shown passes through :func:`mask_ids` (personal ID numbers masked); in HTML every value
is escaped, so firm data can never inject markup. The page has inline CSS and no external resource.
"""

from html import escape
from pathlib import Path

from screening.errors import NotFound as UnknownFirm
from screening.handoff.related import latest_decision, related
from screening.handoff.safe_cells import cell_text, mask_ids
from screening.store.database import fetch_dicts, reading

VERSION_FIELDS = ("version", "first_run", "last_run", "seen_on", "name", "scope", "address", "status", "legal_rep",
                  "shareholders", "registered_on", "capital", "abnormal", "content_hash")
HIT_FIELDS = ("term", "field", "start", "end", "counts", "why", "list", "source", "category", "regulator", "tier")
HIGHLIGHTED = ("name", "scope")


def gather(con, credit_code: str) -> dict:
    """Everything the store knows about one firm."""
    code = credit_code.strip().upper()
    versions = fetch_dicts(con, f"select {', '.join('f.' + c for c in VERSION_FIELDS)}, r.as_of as run_date from firms f "
                         "left join runs r on r.run_id = f.first_run where f.credit_code = ? order by f.version", [code])
    if not versions:
        raise UnknownFirm(f"{code}: no such firm in the store (check the credit code, or pass --db)")
    for version in versions:
        screening = fetch_dicts(con, "select run_id, flagged, counting_hits, lead_regulator, lead_category, exempt_reason, hold "
                              "from screenings where credit_code = ? and version = ? order by run_id desc limit 1",
                         [code, version["version"]])
        version["screening"] = screening[0] if screening else None
        version["hits"] = fetch_dicts(con, "select term, field, span_start as start, span_end as \"end\", counts, why, list, "
                                    "source, category, regulator, tier from hits where credit_code = ? and version = ? "
                                    "and run_id = ? order by field, span_start",
                               [code, version["version"], screening[0]["run_id"]]) if screening else []
    watch = fetch_dicts(con, "select * from watchlist where credit_code = ?", [code])
    return {
        "credit_code": code, "versions": versions, "watch": watch[0] if watch else None,
        "audit": fetch_dicts(con, "select run_id, changed_at, old_status, new_status, reason from audit "
                           "where credit_code = ? order by changed_at, run_id", [code]),
        "decisions": fetch_dicts(con, "select decision_id, decision, reason, decided_by, decided_at, content_hash "
                               "from decisions where credit_code = ? order by decided_at, decision_id", [code]),
        "latest_decision": latest_decision(con, code), "related": related(con, code),
    }


def load(db: Path, credit_code: str) -> dict:
    """The dossier of ``credit_code`` from the store file (read-only)."""
    with reading(db) as con:
        return gather(con, credit_code)


def segments(text: str | None, hits: list[dict]) -> list[tuple[str, dict | None]]:
    """The text cut into (piece, hit covering it or None); overlapping hits: the first (counting) wins."""
    text = text or ""
    ordered = sorted(hits, key=lambda h: (h["start"], not h["counts"], -h["end"]))
    pieces, cursor = [], 0
    for hit in ordered:
        if hit["start"] < cursor or hit["end"] > len(text) or hit["start"] >= hit["end"]:
            continue
        pieces.append((text[cursor:hit["start"]], None))
        pieces.append((text[hit["start"]:hit["end"]], hit))
        cursor = hit["end"]
    pieces.append((text[cursor:], None))
    return [(piece, hit) for piece, hit in pieces if piece]


def shown(value) -> str:
    """A value as displayed: text with ID numbers masked."""
    return mask_ids(cell_text(value))


def field_hits(version: dict, field: str) -> list[dict]:
    return [h for h in version["hits"] if h["field"] == field]


def marked_text(version: dict, field: str) -> str:
    """Plain text of a field with counting hits in 【】."""
    return "".join(f"【{shown(p)}】" if hit and hit["counts"] else shown(p)
                   for p, hit in segments(version[field], field_hits(version, field)))


def marked_html(version: dict, field: str) -> str:
    """Escaped HTML of a field: counting hits in <mark>, other hits dimmed with their reason as title."""
    out = []
    for piece, hit in segments(version[field], field_hits(version, field)):
        text = escape(shown(piece))
        if hit is None:
            out.append(text)
        elif hit["counts"]:
            out.append(f"<mark>{text}</mark>")
        else:
            out.append(f'<span class="nc" title="{escape(shown(hit["why"]))}">{text}</span>')
    return "".join(out)


def hit_line(hit: dict) -> str:
    verdict = "counts" if hit["counts"] else f"does not count: {hit['why']}"
    return shown(f"{hit['term']} ({hit['field']} {hit['start']}–{hit['end']}, {hit['tier']}) {verdict}; "
                 f"{hit['list']} {hit['source']}; {hit['category']} → {hit['regulator']}")


def render_text(d: dict) -> str:
    """The dossier as plain text; counting terms in 【】."""
    name = d["versions"][-1]["name"]
    out = [f"一户一档 {d['credit_code']} {shown(name)}", "=" * 40, ""]
    for v in d["versions"]:
        out.append(f"Version {v['version']} — first seen run {v['first_run']} ({shown(v['run_date'])}), "
                   f"last seen run {v['last_run']} ({shown(v['seen_on'])})")
        out.append(f"  名称: {marked_text(v, 'name')}")
        out.append(f"  经营范围: {marked_text(v, 'scope')}")
        for label, field in (("住所", "address"), ("登记状态", "status"), ("法定代表人", "legal_rep"),
                             ("股东", "shareholders"), ("经营异常", "abnormal")):
            if v[field] is not None:
                out.append(f"  {label}: {shown(v[field])}")
        s = v["screening"]
        if s:
            out.append(f"  screening (run {s['run_id']}): flagged {shown(s['flagged'])}, {s['counting_hits']} counting "
                       f"hit(s), lead {shown(s['lead_category'])} → {shown(s['lead_regulator'])}"
                       + (f", exempt: {shown(s['exempt_reason'])}" if s["exempt_reason"] else ""))
        out.extend(f"    - {hit_line(h)}" for h in v["hits"])
        out.append("")
    w = d["watch"]
    out.append("Watch list: " + (f"{w['status']}, priority {shown(w['priority'])}, {shown(w['priority_reason'])}"
                                 if w else "not on the watch list"))
    out.append("History (audit):")
    out.extend([f"  {shown(a['changed_at'])} run {shown(a['run_id'])}: {shown(a['old_status'])} → {shown(a['new_status'])}"
               f" ({shown(a['reason'])})" for a in d["audit"]] or ["  none"])
    out.append("Decisions:")
    out.extend([f"  {shown(x['decided_at'])} {x['decision']} by {shown(x['decided_by'])}: {shown(x['reason'])}"
               for x in d["decisions"]] or ["  none"])
    out.append("Related firms (same legal representative or shareholder):")
    out.extend([f"  {shown(r['person'])} ({r['role_here']} here, {r['role_there']} there): {r['credit_code']} "
               f"{shown(r['name'])} — {r['watch_status']}" + (f", decision {r['decision']}" if r["decision"] else "")
               for r in d["related"]] or ["  none"])
    return "\n".join(out) + "\n"


CSS = """body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
mark{background:#ffd54f;color:#b00020;font-weight:bold}.nc{color:#888;text-decoration:underline dotted}
.why{color:#888;font-size:.9em}h2{border-bottom:1px solid #ddd}"""


def table(headers: list[str], body: list[list]) -> str:
    """An HTML table; every cell escaped unless already marked up (tuple ('html', text))."""
    def cell(value) -> str:
        return value[1] if isinstance(value, tuple) else escape(shown(value))
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    rows_html = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in body)
    return f"<table><tr>{head}</tr>{rows_html}</table>" if body else "<p>none</p>"


def render_html(d: dict) -> str:
    """The dossier as one self-contained HTML page (inline CSS, no scripts, no external resources)."""
    code, name = escape(d["credit_code"]), escape(shown(d["versions"][-1]["name"]))
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>一户一档 {code}</title>"
             f"<style>{CSS}</style></head><body><h1>一户一档 {code} {name}</h1>", "<h2>Registration versions</h2>"]
    for v in d["versions"]:
        s = v["screening"]
        parts.append(f"<h3>Version {escape(shown(v['version']))} — run {escape(shown(v['first_run']))} "
                     f"({escape(shown(v['run_date']))}) to run {escape(shown(v['last_run']))} ({escape(shown(v['seen_on']))})</h3>")
        parts.append(table(["field", "value"], [["名称", ("html", marked_html(v, "name"))],
                                                 ["经营范围", ("html", marked_html(v, "scope"))]] +
                           [[label, v[f]] for label, f in (("住所", "address"), ("登记状态", "status"),
                                                           ("法定代表人", "legal_rep"), ("股东", "shareholders"),
                                                           ("经营异常", "abnormal")) if v[f] is not None]))
        if s:
            parts.append(f"<p>Screening of run {escape(shown(s['run_id']))}: flagged {escape(shown(s['flagged']))}, "
                         f"{escape(shown(s['counting_hits']))} counting hit(s), lead {escape(shown(s['lead_category']))} → "
                         f"{escape(shown(s['lead_regulator']))}</p>")
        parts.append(table(["term", "field", "span", "counts", "why", "list", "source", "category", "regulator", "tier"],
                           [[h["term"], h["field"], f"{h['start']}–{h['end']}", h["counts"],
                             ("html", f'<span class="why">{escape(shown(h["why"]))}</span>'), h["list"], h["source"],
                             h["category"], h["regulator"], h["tier"]] for h in v["hits"]]))
    w = d["watch"]
    parts.append("<h2>Watch list</h2>" + (table(["status", "priority", "reason", "first flagged", "last seen"],
                                                [[w["status"], w["priority"], w["priority_reason"], w["first_flagged_on"],
                                                  w["last_seen_on"]]]) if w else "<p>not on the watch list</p>"))
    parts.append("<h2>History (audit)</h2>" + table(["changed at", "run", "from", "to", "reason"], [
        [a["changed_at"], a["run_id"], a["old_status"], a["new_status"], a["reason"]] for a in d["audit"]]))
    parts.append("<h2>Decisions</h2>" + table(["decided at", "decision", "by", "reason"], [
        [x["decided_at"], x["decision"], x["decided_by"], x["reason"]] for x in d["decisions"]]))
    parts.append("<h2>Related firms (延伸监管)</h2>" + table(
        ["person", "role here", "role there", "credit code", "name", "watch status", "decision"],
        [[r["person"], r["role_here"], r["role_there"], r["credit_code"], r["name"], r["watch_status"], r["decision"]]
         for r in d["related"]]))
    return "".join(parts) + "</body></html>\n"
