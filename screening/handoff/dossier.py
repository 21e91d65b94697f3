"""一户一档: one firm's file — every registration version, its screening hits, the watch-list entry with
the current decision, the history, decisions and related firms — gathered from the store and labelled
in Chinese for readers.

:func:`gather` reads, :func:`present` turns it into labelled rows; the text and HTML dossiers
(:mod:`screening.handoff.dossier_render`) and the workspace's firm page (``screening/web``) show those
rows, so all three use the same labels. Everything shown passes through :func:`shown` (personal ID
numbers masked); HTML escapes every value.
"""

from datetime import datetime
from html import escape
from pathlib import Path

from screening.errors import NotFound as UnknownFirm
from screening.handoff import labels
from screening.handoff.related import no_links_reason, related
from screening.handoff.safe_cells import cell_text, mask_ids
from screening.handoff.spot_checks import dossier_chain
from screening.rules.regions import place_name
from screening.store.database import fetch_dicts, reading

VERSION_FIELDS = ("version", "first_run", "last_run", "seen_on", "name", "scope", "address", "status", "legal_rep",
                  "shareholders", "registered_on", "capital", "abnormal", "content_hash", "region", "region_source")
VERSION_LABELS = (("注册日期", "registered_on"), ("注册资本", "capital"), ("住所", "address"), ("地区", "region"),
                  ("登记状态", "status"), ("法定代表人", "legal_rep"), ("股东", "shareholders"), ("经营异常", "abnormal"))
HIT_HEADERS = ("字样", "字段", "位置", "判定", "层级", "名单", "来源", "类别", "牵头部门")
DECISION_HEADERS = ("决定时间", "决定", "决定人", "理由", "针对的登记")
AUDIT_HEADERS = ("时间", "来源", "变化", "原因")
RELATED_HEADERS = ("人员", "在本企业", "在该企业", "统一社会信用代码", "企业名称", "名单状态", "最近决定")
SPOT_HEADERS = ("抽查状态", "关注人员", "在本企业", "关注依据", "经认定企业", "理由", "列入运行", "撤销说明")
MADE_HEADERS = ("关注人员", "在本企业", "关注依据", "经认定企业数", "列为关注人员时间")
PLANS_TIER, EXTENDED_TIER = "重点监管", "关注"
REGION_SOURCES = {"credit_code": "据信用代码", "address": "据住所"}


def gather(con, credit_code: str) -> dict:
    """Everything the store knows about one firm."""
    code = credit_code.strip().upper()
    versions = fetch_dicts(con, f"select {', '.join('f.' + c for c in VERSION_FIELDS)}, r.as_of as run_date from firms f "
                         "left join runs r on r.run_id = f.first_run where f.credit_code = ? order by f.version", [code])
    if not versions:
        raise UnknownFirm(f"{code}: no such firm in the store (check the credit code, or pass --db)")
    screenings = {row["version"]: row for row in fetch_dicts(
        con, "select version, run_id, flagged, counting_hits, lead_regulator, lead_category, exempt_reason, hold, use "
             "from screenings where credit_code = ? qualify row_number() over (partition by version order by run_id desc) = 1",
        [code])}
    hits = fetch_dicts(con, "select version, run_id, term, field, span_start as start, span_end as \"end\", counts, why, list, "
                            "source, category, regulator, tier, use, use_reason, obfuscated from hits where credit_code = ? "
                            "order by version, field, span_start", [code])
    for version in versions:  # each version with its latest screening and that screening's hits
        version["screening"] = screenings.get(version["version"])
        run = version["screening"]["run_id"] if version["screening"] else None
        version["hits"] = [h for h in hits if (h["version"], h["run_id"]) == (version["version"], run)]
    watch = fetch_dicts(con, "select * from v_watchlist where credit_code = ?", [code])
    decisions = fetch_dicts(con, "select decision_id, decision, reason, decided_by, decided_at, content_hash "
                            "from decisions where credit_code = ? order by decided_at, decision_id", [code])
    found_related = related(con, code)
    return {
        "credit_code": code, "versions": versions, "watch": watch[0] if watch else None,
        "audit": fetch_dicts(con, "select run_id, changed_at, old_status, new_status, reason from v_audit "
                             "where credit_code = ? order by changed_at, run_id", [code]),
        "decisions": decisions, "latest_decision": decisions[-1]["decision"] if decisions else None,
        "related": found_related, "related_none": None if found_related else no_links_reason(con, code, versions[-1]),
        "spot_checks": dossier_chain(con, code),  # 重点抽查: the chain (沪府办〔2016〕46号 附件8 四(二)3–4)
    }


def load(db: Path, credit_code: str) -> dict:
    """The dossier of ``credit_code`` from the store's published snapshot (read-only)."""
    with reading(db) as con:
        return gather(con, credit_code)


def shown(value) -> str:
    """A value as displayed: text with ID numbers masked, booleans as 是/否, None as empty."""
    if isinstance(value, bool):
        return labels.YES_NO[value]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return mask_ids(cell_text(value))


def current_decision(d: dict) -> dict | None:
    """The decision that stands on the firm's current registration (None: to be reviewed)."""
    latest = d["decisions"][-1] if d["decisions"] else None
    applies = bool(latest and d["watch"] and latest["content_hash"] == d["watch"]["content_hash"])
    return latest if applies and latest["decision"] != "reopen" else None


def decision_line(d: dict) -> str:
    """The watch-list box's 当前决定 in words."""
    latest = d["decisions"][-1] if d["decisions"] else None
    if latest is None:
        return "尚无决定（待审）"
    who = f"{shown(latest['decided_by'])}，{shown(latest['decided_at'])}"
    if latest["decision"] == "reopen":
        return f"已重新打开（{who}：{shown(latest['reason'])}），待审"
    if current_decision(d) is None:
        return f"上次决定（{labels.label(labels.DECISION, latest['decision'])}，{who}）针对之前的登记；登记已变更，需重新审核"
    return f"{labels.label(labels.DECISION, latest['decision'])}（{who}）：{shown(latest['reason'])}"


def region_text(version: dict) -> str:
    code = version.get("region")
    if not code:
        return ""
    name = place_name(code)
    source = REGION_SOURCES.get(version.get("region_source"), "")
    return f"{name or '代码表中无此地区'}（{code}{'，' + source if source else ''}）"


def version_heading(v: dict) -> str:
    return (f"登记版本 {v['version']}：首次见于运行 {v['first_run']}（{shown(v['run_date'])}），"
            f"最近见于运行 {v['last_run']}（{shown(v['seen_on'])}）")


def version_rows(v: dict) -> list[tuple[str, str]]:
    """(label, value) of a version's registration fields other than name and scope."""
    return [(label, region_text(v) if field == "region" else shown(v[field])) for label, field in VERSION_LABELS]


def screening_line(v: dict) -> str:
    s = v["screening"]
    if not s:
        return "尚未筛查"
    line = (f"筛查（运行 {s['run_id']}）：{'列入监管' if s['flagged'] else '未列入'}，计数命中 {s['counting_hits']} 个，"
            f"牵头类别 {shown(s['lead_category']) or '—'} → {shown(s['lead_regulator']) or '—'}")
    if s.get("use"):
        line += f"，用途 {labels.label(labels.USE, s['use'])}"
    return line + (f"，豁免：{shown(s['exempt_reason'])}" if s["exempt_reason"] else "")


def hit_kind(hit: dict) -> str:
    """How a hit is marked: plan (a counting hit of the plans' lists), extended (a hit of the 关注 tier, which
    never counts: it raises attention) or quiet."""
    if hit.get("tier") == EXTENDED_TIER:
        return "extended"
    return "plan" if hit["counts"] else "quiet"


def hit_cells(hit: dict) -> list[str]:
    """A hit's row under HIT_HEADERS."""
    verdict = labels.hit_verdict(hit) + (f"（{shown(hit['use_reason'])}）" if hit.get("use_reason") else "")
    if hit.get("obfuscated"):
        verdict += f"；隐藏手法：{shown(hit['obfuscated'])}"
    return [shown(hit["term"]), labels.label(labels.FIELD, hit["field"]), f"{hit['start']}–{hit['end']}", verdict,
            labels.label(labels.TIER, hit["tier"]), shown(hit["list"]), shown(hit["source"]), shown(hit["category"]),
            shown(hit["regulator"])]


def watch_rows(d: dict) -> list[tuple[str, str]]:
    """The watch-list box: status, priority and its reason, dates, and the current decision."""
    w = d["watch"]
    if w is None:
        return [("名单状态", "不在监管名单"), ("当前决定", decision_line(d))]
    status = labels.label(labels.WATCH_STATUS, w["status"]) + ("（登记变更后移出）" if w.get("cleared_after_change") else "")
    return [("名单状态", status), ("优先级", shown(w["priority"]) or "—"),
            ("优先原因", labels.priority_reason_label(w["priority_reason"]) or "—"),
            ("首次列入", shown(w["first_flagged_on"])), ("最近所见", shown(w["last_seen_on"])),
            ("当前决定", decision_line(d))]


def audit_rows(d: dict) -> list[list[str]]:
    return [[shown(e["when"]), e["source"], shown(e["change"]), shown(e["reason"])]
            for e in map(labels.audit_event, d["audit"])]


def decision_rows(d: dict) -> list[list[str]]:
    versions = {v["content_hash"]: v["version"] for v in d["versions"]}
    return [[shown(x["decided_at"]), labels.label(labels.DECISION, x["decision"]), shown(x["decided_by"]), shown(x["reason"]),
             f"登记版本 {versions[x['content_hash']]}" if x["content_hash"] in versions else "—"] for x in d["decisions"]]


def related_rows(d: dict) -> list[list[str]]:
    return [[shown(r["person"]), labels.label(labels.ROLE, r["role_here"]), labels.label(labels.ROLE, r["role_there"]),
             r["credit_code"], shown(r["name"]), labels.label(labels.WATCH_STATUS, r["watch_status"]),
             labels.label(labels.DECISION, r["decision"])] for r in d["related"]]


def spot_rows(d: dict) -> list[list[str]]:
    """The spot checks on this firm: who, in which role, why, through which confirmed firms."""
    return [[c["spot_status"], shown(c["person_name"]), c["role_label"], c["basis_label"], shown(c["through_label"]),
             shown(c["reason"]), f"第 {c['raised_run']} 次运行", shown(c["withdrawn_why"])] for c in d["spot_checks"]["checks"]]


def made_rows(d: dict) -> list[list[str]]:
    """The persons of interest this confirmed firm makes (with its other confirmed firms)."""
    basis = {"shareholder": "多家经认定企业的股东（四(二)4）", "revoked_legal_rep": "被吊销企业的法定代表人（四(二)3）"}
    return [[shown(m["person_name"]), labels.label(labels.ROLE, m["role"]), basis.get(m["basis"], m["basis"]),
             str(m["confirmed_firms"]), shown(m["marked_at"])] for m in d["spot_checks"]["made"]]


def marked_html(version: dict, field: str) -> str:
    """Escaped HTML of a field: the plans' counting hits in <mark class="plan">, the extended tier's in
    <mark class="extended">, other hits dimmed with their reason as title."""
    out = []
    for piece, hit in segments(version[field], [h for h in version["hits"] if h["field"] == field]):
        text = escape(shown(piece))
        kind = hit_kind(hit) if hit else None
        if kind is None:
            out.append(text)
        elif kind == "quiet":
            out.append(f'<span class="nc" title="{escape(labels.why_label(shown(hit["why"])))}">{text}</span>')
        else:
            title = "方案名单计数命中" if kind == "plan" else "扩展层关注（非方案名单）"
            out.append(f'<mark class="{kind}" title="{title}">{text}</mark>')
    return "".join(out)


def segments(text: str | None, hits: list[dict]) -> list[tuple[str, dict | None]]:
    """The text cut into (piece, hit covering it or None); where hits overlap, the first one wins, and at
    the same start a counting hit of the plans before the extended tier before a hit that does not count."""
    text = text or ""
    rank = {"plan": 0, "extended": 1, "quiet": 2}
    ordered = sorted(hits, key=lambda h: (h["start"], rank[hit_kind(h)], -h["end"]))
    pieces, cursor = [], 0
    for hit in ordered:
        if hit["start"] < cursor or hit["end"] > len(text) or hit["start"] >= hit["end"]:
            continue
        pieces.append((text[cursor:hit["start"]], None))
        pieces.append((text[hit["start"]:hit["end"]], hit))
        cursor = hit["end"]
    pieces.append((text[cursor:], None))
    return [(piece, hit) for piece, hit in pieces if piece]
