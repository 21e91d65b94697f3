"""The rows of each regulator's hand-off, split into its parts, with their evidence.

Rows come from the named query ``sql/handoff/handoff_rows.sql`` (watch-list entries updated after a
run, with their registration, latest screening and evidence hits) and, for the extended tier, from
``v_attention_current`` (:mod:`screening.handoff.attention`). Each row goes to the regulator its
``route`` names, found in ``keywords/regulators.toml`` by any of its names; a row that would go to no
regulator stops the export with a :class:`ConfigError` naming the firms (never a silent skip).

The parts, in the workbook's order: the watch list of record (flagged claims and held firms, one sheet
per category, by priority), mention-only firms (仅提及), licensed firms (豁免(持牌), with the register
entry or reserved name form), firms that left the list (移出: cleared or missing), and the extended
tier (关注, never the list of record), and the spot-check list (重点抽查, :mod:`screening.handoff.spot_checks`:
firms linked to a person of interest, with or without a term hit; never the watch list).
"""

from dataclasses import dataclass

import orjson

from screening.errors import ConfigError
from screening.handoff import evidence
from screening.handoff.attention import ATTENTION_COLUMNS, ATTENTION_SHEET, read_attention_rows
from screening.handoff.labels import USE_LABELS, exempt_evidence_label, exempt_reason_label, status_label
from screening.handoff.safe_cells import safe_text
from screening.handoff.spot_checks import SPOT_COLUMNS, SPOT_SHEET, SPOT_TAG, read_spot_rows
from screening.rules.regions import place_name
from screening.rules.regulators import Regulator, Regulators
from screening.store.database import SQL_DIR, fetch_dicts, read_sql_file

ROWS_SQL = read_sql_file(SQL_DIR / "handoff" / "handoff_rows.sql").sql
COLUMNS = [("统一社会信用代码", "credit_code"), ("企业名称", "name"), ("经营范围", "scope"), ("状态", "watch_status"),
           ("牵头部门", "regulator_name"), ("类别", "lead_category"), ("命中词", "terms"), ("优先级", "priority"),
           ("经营异常", "abnormal"), ("暂停(迁入)", "hold"), ("首次列入日期", "first_flagged_on"),
           ("最近所见日期", "last_seen_on"), ("登记状态", "reg_status"), ("法定代表人", "legal_rep"), ("地区", "region"),
           ("地区名称", "place"), ("抄送部门", "copied"), ("用途", "use_label"), ("命中明细", "evidence"),
           ("名单版本", "versions")]
EXEMPT_COLUMNS = COLUMNS[:4] + [("豁免理由", "exempt_reason_label"), ("豁免依据", "exempt_evidence_label")] + COLUMNS[4:]
MAX_LISTED = 5  # firms named in an error


@dataclass(frozen=True, slots=True)
class PartSpec:
    """A part of a hand-off: its key, its sheet (None: one per category), the tag in its files' names."""

    key: str
    sheet: str | None
    tag: str | None
    columns: list[tuple[str, str]]


PARTS = (
    PartSpec("watchlist", None, None, COLUMNS),
    PartSpec("mention", "仅提及", "mention", COLUMNS),
    PartSpec("exempt", "豁免(持牌)", "exempt", EXEMPT_COLUMNS),
    PartSpec("removed", "移出名单", "removed", COLUMNS),
    PartSpec("attention", ATTENTION_SHEET, "attention", ATTENTION_COLUMNS),
    PartSpec("spot_check", SPOT_SHEET, SPOT_TAG, SPOT_COLUMNS),
)


@dataclass(slots=True)
class Part:
    """One part of one regulator's hand-off and its rows."""

    spec: PartSpec
    rows: list[dict]


def part_key(row: dict) -> str:
    """Which part a watch-list row belongs to."""
    if row["status"] == "exempt":
        return "exempt"
    if row["status"] in ("cleared", "missing"):
        return "removed"
    return "mention" if row["use"] == "mention" else "watchlist"


def shaped(row: dict, regulators: Regulators) -> dict:
    """A row with its regulator and what the files show: labels, evidence text, place name."""
    hits, regulator = row["hits"], regulators.find(row["route"])
    lead = regulator.name if regulator else row["route"]
    return row | {
        "regulator": regulator, "regulator_name": lead, "part": part_key(row),
        "watch_status": status_label(row["status"], row["cleared_after_change"]),
        "terms": evidence.counting_terms(hits), "spans": evidence.spans(hits),
        "evidence": evidence.hits_text(hits, with_use=row["status"] != "exempt"),
        "copied": "、".join(evidence.regulators_copied(hits, lead, regulators)), "place": place_name(row["region"]),
        "lead_category": row["lead_category"] or next((hit["category"] for hit in hits), None),
        "use_label": USE_LABELS.get(row["use"], row["use"]) if evidence.counting(hits) and row["status"] != "exempt" else None,
        "versions": evidence.versions_text(hits), "list_versions": orjson.loads(row["list_versions"] or "{}"),
        "exempt_reason_label": exempt_reason_label(row["exempt_reason"]),
        "exempt_evidence_label": exempt_evidence_label(row["exempt_evidence"]),
    }


def routed(row: dict, regulator: Regulator | None) -> dict:
    """An extended-tier row with its regulator (by its entry's name) and place name."""
    name = regulator.name if regulator else row["lead_regulator"]
    return row | {"regulator": regulator, "regulator_name": name, "place": place_name(row["region"])}


def unrouted_error(rows: list[dict]) -> ConfigError:
    """The error for rows that would go to no regulator, naming the first few firms."""
    named = "; ".join(f"{r['credit_code']} {r['name'] or ''} (regulator: {r.get('route') or r.get('lead_regulator') or 'none'})"
                      for r in rows[:MAX_LISTED])
    more = f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
    firms = "1 firm" if len(rows) == 1 else f"{len(rows)} firms"
    return ConfigError(f"{firms} would go to no regulator: {named}{more}; add the regulator (or the name it"
                       " had) to keywords/regulators.toml and run again")


def read_due(con, since: int, regulators: Regulators) -> tuple[list[dict], dict[str, list[dict]]]:
    """(watch-list rows, the other parts' rows by part key: attention, spot_check) due after run ``since``,
    each with its regulator and ``due_run``; a ConfigError when any would go to no regulator."""
    rows = [shaped(row, regulators) for row in fetch_dicts(con, ROWS_SQL, {"since": since})]
    extras = {"attention": [routed(row, regulators.find(row["lead_regulator"])) | {"due_run": row["screened_run"]}
                            for row in read_attention_rows(con, since)],
              "spot_check": read_spot_rows(con, since, regulators)}
    lost = [row for row in rows + [r for part in extras.values() for r in part] if row["regulator"] is None]
    if lost:
        raise unrouted_error(lost)
    return rows, extras


def with_cells(parts: list[Part]) -> list[Part]:
    """Each row's cells as safe text, once for every format: ``row["cells"][key]``."""
    for part in parts:
        for row in part.rows:
            row["cells"] = {key: safe_text(row.get(key)) for _, key in part.spec.columns}
    return parts


def parts_for(regulator: Regulator, since: int, rows: list[dict], extras: dict[str, list[dict]]) -> list[Part]:
    """The regulator's parts, in order, with its rows updated after run ``since`` (a part may be empty)."""
    mine = [row for row in rows if row["regulator"] == regulator and (row["updated_run"] or 0) > since]
    by_part = {spec.key: Part(spec, [row for row in mine if row["part"] == spec.key]) for spec in PARTS}
    for key, extra in extras.items():
        by_part[key].rows = [row for row in extra if row["regulator"] == regulator and row["due_run"] > since]
    return list(by_part.values())
