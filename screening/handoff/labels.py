"""What a clerk reads in a hand-off, in Chinese: statuses, fields, uses, exemption evidence.

The store keeps English codes (new, scope, claim …) and the exemption check's evidence as it wrote
it; the files show these labels. A value without a label is shown as it is, never dropped.
"""

import re

STATUS_LABELS = {"new": "新列入", "continuing": "继续监管", "changed": "登记变更", "cleared": "移出",
                 "exempt": "豁免(持牌)", "missing": "本期未见"}
CLEARED_AFTER_CHANGE = "登记变更后移出"
FIELD_LABELS = {"name": "名称", "scope": "经营范围"}
USE_LABELS = {"claim": "主张", "mention": "仅提及", None: "主张"}  # a use not judged yet ranks as a claim
SUSPENSION_LABEL = "暂停类字样"
OBFUSCATED_LABEL = "隐写"
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
