"""The dossier (一户一档) as plain text or as one self-contained HTML page, with the labels of
:mod:`screening.handoff.dossier` (the workspace's firm page shows the same rows).

Text marks the plans' counting hits 【投资管理】 and the extended tier's 〔金服〕; HTML marks them with
two different <mark> styles and dims hits that do not count, with their reason as a tooltip. The page
has inline CSS and no script or external resource, and every value is escaped.
"""

from html import escape

from screening.handoff.dossier import (AUDIT_HEADERS, DECISION_HEADERS, HIT_HEADERS, MADE_HEADERS, RELATED_HEADERS,
                                       SPOT_HEADERS, audit_rows, decision_rows, hit_cells, hit_kind, made_rows,
                                       marked_html, related_rows, screening_line, segments, shown, spot_rows,
                                       version_heading, version_rows, watch_rows)

TEXT_MARKS = {"plan": ("【", "】"), "extended": ("〔", "〕")}
LEGEND = "【】方案名单计数命中（重点监管）；〔〕扩展层关注（非方案名单）"


def marked_text(version: dict, field: str) -> str:
    """Plain text of a field: the plans' counting hits in 【】, the extended tier's in 〔〕."""
    out = []
    for piece, hit in segments(version[field], [h for h in version["hits"] if h["field"] == field]):
        opening, closing = TEXT_MARKS.get(hit_kind(hit) if hit else "", ("", ""))
        out.append(f"{opening}{shown(piece)}{closing}")
    return "".join(out)


def text_section(title: str, headers: tuple, rows: list[list[str]], empty: str = "无") -> list[str]:
    lines = [f"{title}:"]
    lines.extend(["  " + "；".join(f"{h} {c}" for h, c in zip(headers, row) if c) for row in rows] or [f"  {empty}"])
    return lines


def render_text(d: dict) -> str:
    """The dossier as plain text."""
    out = [f"一户一档 {d['credit_code']} {shown(d['versions'][-1]['name'])}", "=" * 40, LEGEND, ""]
    for v in d["versions"]:
        out.append(version_heading(v))
        out.append(f"  名称: {marked_text(v, 'name')}")
        out.append(f"  经营范围: {marked_text(v, 'scope')}")
        out.extend(f"  {label}: {value or '—'}" for label, value in version_rows(v))
        out.append(f"  {screening_line(v)}")
        out.extend(f"    - {'；'.join(c for c in hit_cells(h) if c)}" for h in v["hits"])
        out.append("")
    out.append("监管名单:")
    out.extend(f"  {label}: {value}" for label, value in watch_rows(d))
    out.extend(text_section("历史（审计）", AUDIT_HEADERS, audit_rows(d)))
    out.extend(text_section("决定", DECISION_HEADERS, decision_rows(d)))
    out.extend(text_section("关联企业（延伸监管）", RELATED_HEADERS, related_rows(d), f"无：{d['related_none'] or ''}"))
    out.extend(text_section("重点抽查（延伸监管）", SPOT_HEADERS, spot_rows(d), "无：本企业未因关注人员列入重点抽查"))
    out.extend(text_section("本企业认定后形成的关注人员", MADE_HEADERS, made_rows(d)))
    out.append(f"注：{d['spot_checks']['note']}")
    return "\n".join(out) + "\n"


CSS = """body{font-family:"Noto Sans CJK SC","Noto Sans SC",system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
mark.plan{background:#ffd54f;color:#b00020;font-weight:bold}
mark.extended{background:none;color:#1565c0;border-bottom:2px dashed #1565c0}
.nc{color:#888;text-decoration:underline dotted}.legend{color:#555}h2{border-bottom:1px solid #ddd}"""


def table(headers, body: list[list], empty: str = "无") -> str:
    """An HTML table; every cell escaped unless already marked up (tuple ('html', text))."""
    def cell(value) -> str:
        return value[1] if isinstance(value, tuple) else escape(shown(value))
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    rows_html = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in body)
    return f"<table><tr>{head}</tr>{rows_html}</table>" if body else f"<p>{escape(empty)}</p>"


def render_html(d: dict) -> str:
    """The dossier as one self-contained HTML page (inline CSS, no scripts, no external resources)."""
    code, name = escape(d["credit_code"]), escape(shown(d["versions"][-1]["name"]))
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>一户一档 {code}</title>"
             f"<style>{CSS}</style></head><body><h1>一户一档 {code} {name}</h1>",
             '<p class="legend"><mark class="plan">方案名单计数命中</mark> <mark class="extended">扩展层关注</mark> '
             '<span class="nc">不计数的命中</span></p>', "<h2>登记版本</h2>"]
    for v in d["versions"]:
        parts.append(f"<h3>{escape(version_heading(v))}</h3>")
        parts.append(table(["项目", "内容"], [["名称", ("html", marked_html(v, "name"))],
                                              ["经营范围", ("html", marked_html(v, "scope"))]] +
                           [[label, value] for label, value in version_rows(v)]))
        parts.append(f"<p>{escape(screening_line(v))}</p>")
        parts.append(table(HIT_HEADERS, [hit_cells(h) for h in v["hits"]], "无命中"))
    parts.append("<h2>监管名单</h2>" + table(["项目", "内容"], [list(row) for row in watch_rows(d)]))
    parts.append("<h2>历史（审计）</h2>" + table(AUDIT_HEADERS, audit_rows(d)))
    parts.append("<h2>决定</h2>" + table(DECISION_HEADERS, decision_rows(d)))
    parts.append("<h2>关联企业（延伸监管）</h2>" + table(RELATED_HEADERS, related_rows(d), f"无：{d['related_none'] or ''}"))
    parts.append("<h2>重点抽查（延伸监管）</h2>" + table(SPOT_HEADERS, spot_rows(d), "无：本企业未因关注人员列入重点抽查"))
    parts.append("<h3>本企业认定后形成的关注人员</h3>" + table(MADE_HEADERS, made_rows(d)))
    parts.append(f"<p class=\"legend\">注：{escape(d['spot_checks']['note'])}</p>")
    return "".join(parts) + "</body></html>\n"
