"""The Chinese labels a reader sees, in one place: the hand-off files, the push, the dossier (text and
HTML), ``related`` and the analysts' workspace all use these, so the same thing is called the same
everywhere.

The store keeps codes (``new``, ``confirm``, ``claim``) and the rules' and exemption check's reasons in
their own words; these functions only turn them into what a clerk or analyst reads. A value they do not
know is shown as it is, never dropped.
"""

import re

STATUS_LABELS = {"new": "新列入", "continuing": "继续监管", "changed": "登记变更", "cleared": "移出",
                 "exempt": "豁免(持牌)", "missing": "本期未见"}
WATCH_STATUS = STATUS_LABELS | {"not listed": "不在监管名单"}
CLEARED_AFTER_CHANGE = "登记变更后移出"
USE_LABELS = {"claim": "主张", "mention": "仅提及", None: "主张"}  # a use not judged yet ranks as a claim
USE = {"claim": "主张(经营该业务)", "mention": "仅提及(非本企业业务)"}
SUSPENSION_LABEL = "暂停类字样"
OBFUSCATED_LABEL = "隐写"
DECISION = {"confirm": "确认", "dismiss": "排除", "refer": "移送", "reopen": "重新打开"}
DECISION_HELP = {"confirm": "确认为重点监管对象", "dismiss": "排除(不属于整治对象)", "refer": "移送其他部门处理",
                 "reopen": "撤回当前决定，重新进入待审队列"}
ROLE = {"legal_rep": "法定代表人", "shareholder": "股东"}
FIELD = {"name": "名称", "scope": "经营范围"}
FIELD_LABELS = FIELD
TIER = {"重点监管": "方案名单(重点监管)", "关注": "扩展层(关注，非方案名单)"}
USER_ROLE = {"viewer": "只读", "analyst": "分析员", "supervisor": "主管"}
RUN_STATUS = {"complete": "完成", "repeat": "重复(未改变)"}
YES_NO = {True: "是", False: "否"}

# The rules' reasons for a hit that does not count, by their first words (the detail after them is kept).
WHY_PREFIXES = (
    ("negated", "被排除性表述否定"),
    ("not a word", "不成词"),
    ("false friend", "同形异义词"),
    ("other region's list", "其他地区的名单"),
    ("suspension list: acts on applications (new registration, change, move-in), not on existing firms",
     "暂停名单：只适用于申请(新设、变更、迁入)，不适用于存续企业"),
    ("suspension list", "暂停名单"),
)
# The store's priority reasons, phrase by phrase.
PRIORITY_PHRASES = (
    ("经营异常名录 first", "经营异常名录优先"),
    ("延伸监管: shares a legal representative or shareholder with a confirmed firm", "延伸监管：与已确认企业有共同的法定代表人或股东"),
    ("HOLD: moving in (迁入) with a Beijing suspension-list term", "暂停：迁入且含北京暂停名单字样"),
    (" counting hits", " 个计数命中"),
)
AUDIT_PHRASES = (
    ("first flagged", "首次列入"), ("still flagged", "仍命中"), ("flagged again", "再次命中"),
    ("no counting hit after a change of registration", "登记变更后无计数命中"),
    ("no counting hit (lists changed)", "名单变更后无计数命中"), ("licensed institution", "持牌机构"),
    ("absent from a full extract", "全量数据中未见"), ("present again after missing from a full extract", "全量数据中再次出现"),
    ("registration ", "登记"), ("changed", "变更"), ("updated", "更新"),
)
APPLIES_IN = re.compile(r"(\S+) applies in (\S+)")
DECISION_AUDIT = re.compile(r"decision (?P<decision>\w+) by (?P<by>.*?): (?P<reason>.*)", re.DOTALL)


def label(table: dict, value) -> str:
    """The label of a code, or the value itself when the table does not know it ('' for None)."""
    if value is None:
        return ""
    return table.get(value, str(value))


def why_label(why: str | None) -> str:
    """Why a hit does not count, in Chinese: the rules' reason with its known first words translated."""
    if not why:
        return ""
    for prefix, chinese in WHY_PREFIXES:
        if why.startswith(prefix):
            rest = APPLIES_IN.sub(r"\1 仅适用于地区代码 \2 开头的地区", why[len(prefix):].lstrip(" :"))
            return f"{chinese}：{rest}" if rest else chinese
    return why


def replaced(text: str | None, phrases: tuple) -> str:
    out = text or ""
    for english, chinese in phrases:
        out = out.replace(english, chinese)
    return out


def priority_reason_label(reason: str | None) -> str:
    """The store's reason for a firm's priority, in Chinese."""
    return replaced(reason, PRIORITY_PHRASES)


def audit_event(row: dict) -> dict:
    """An audit row as a reader sees it: a run's status change, or an analyst's decision (which the store
    records with no run and the status unchanged), with a Chinese what and why."""
    decided = DECISION_AUDIT.fullmatch(row.get("reason") or "")
    if row.get("run_id") is None and decided:
        return {"when": row["changed_at"], "source": "分析决定",
                "change": f"决定：{label(DECISION, decided['decision'])}（名单状态仍为{label(WATCH_STATUS, row['new_status'])}）",
                "reason": f"{decided['by']}：{decided['reason']}"}
    old = label(WATCH_STATUS, row.get("old_status")) or "(未列入)"
    return {"when": row["changed_at"], "source": f"运行 {row['run_id']}" if row.get("run_id") is not None else "—",
            "change": f"{old} → {label(WATCH_STATUS, row['new_status'])}",
            "reason": replaced(row.get("reason"), AUDIT_PHRASES)}


def hit_verdict(hit: dict) -> str:
    """Whether a hit counts, in Chinese, with its use or its reason."""
    if hit.get("tier") == "关注":
        return "扩展层关注(不计入方案名单)"
    if hit.get("counts"):
        return "计数" + (f"，{label(USE, hit.get('use'))}" if hit.get("use") else "")
    return f"不计数：{why_label(hit.get('why'))}"


EXEMPT_KINDS = {
    "bank or bank branch": "银行或其分支机构", "credit cooperative": "信用合作机构",
    "insurer or insurer branch": "保险机构或其分支机构", "securities firm or branch": "证券公司或其营业部",
    "futures firm or branch": "期货公司或其分支机构", "trust company": "信托公司",
    "group finance company": "集团财务公司",
}
EXEMPT_REASONS = (
    (re.compile(r"^licensed institution \((?P<kind>.*)\)$"), "持牌金融机构（{kind}）"),
    (re.compile(r"^licensed (?P<kind>.*) \(reserved name form\)$"), "持牌金融机构：{kind}（依法须经批准的名称）"),
)
EXEMPT_EVIDENCE = (
    (re.compile(r"^(?P<register>\S+) row (?P<row>\d+): (?P<entry>.*) \(registered name\)$"),
     "名录 {register} 第 {row} 行：{entry}（名称与登记一致）"),
    (re.compile(r"^(?P<register>\S+) row (?P<row>\d+): (?P<entry>.*) \(branch of registered parent\)$"),
     "名录 {register} 第 {row} 行：{entry}（上级机构已登记，本企业为其分支机构）"),
    (re.compile(r"^name contains (?P<form>.*); no register entry$"), "名称含“{form}”（名录中无此机构）"),
)


def status_label(status: str | None, cleared_after_change: bool = False) -> str:
    """新列入, 继续监管, 登记变更, 移出 (登记变更后移出), 豁免(持牌), 本期未见."""
    if status == "cleared" and cleared_after_change:
        return CLEARED_AFTER_CHANGE
    return STATUS_LABELS.get(status, status or "")


def _rendered(text: str | None, patterns) -> str:
    """``text`` in Chinese by the first pattern that matches, else as it is."""
    for pattern, template in patterns:
        found = pattern.match(text or "")
        if found:
            parts = found.groupdict()
            parts["kind"] = EXEMPT_KINDS.get(parts.get("kind"), parts.get("kind"))
            return template.format(**parts)
    return text or ""


def exempt_reason_label(reason: str | None) -> str:
    """The exemption's reason in Chinese (持牌金融机构（银行业金融机构）…)."""
    return _rendered(reason, EXEMPT_REASONS)


def exempt_evidence_label(evidence: str | None) -> str:
    """The exemption's evidence in Chinese: the register and its entry, or the reserved name form."""
    return _rendered(evidence, EXEMPT_EVIDENCE)
