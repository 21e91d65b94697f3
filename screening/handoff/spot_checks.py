"""The spot-check list (重点抽查, 沪府办〔2016〕46号 附件8 四(二)3–4) in the hand-off: its own sheet and CSV
files, its own push entries (kind ``spot_check``), and its chain in the dossier.

Rows come from the table ``spot_checks`` (:mod:`screening.store.interest`): checks raised after the
regulator's last hand-off (列入抽查), and checks withdrawn since because the person is no longer of
interest (撤销抽查; a withdrawal made between runs is numbered with the next run, so the hand-off after it
carries it). A row goes to the regulator of the confirmed firms behind it. Each row, each pushed
entry and the dossier say that names masked at the source (王*) link nothing.
"""

import orjson

from screening.handoff.labels import ROLE
from screening.rules.regions import place_name
from screening.store.database import fetch_dicts

SPOT_SHEET = "重点抽查(延伸监管)"
SPOT_TAG = "spotcheck"
MASKED_NOTE = "源数据中已脱敏的姓名（如 王*）无法区分同姓者，不作关联，也不据以列入重点抽查"
SPOT_COLUMNS = [("统一社会信用代码", "credit_code"), ("企业名称", "name"), ("抽查状态", "spot_status"),
                ("关注人员", "person_name"), ("在本企业", "role_label"), ("关注依据", "basis_label"),
                ("经认定企业", "through_label"), ("理由", "reason"), ("牵头部门", "regulator_name"),
                ("登记状态", "registration_status"), ("地区", "region"), ("地区名称", "place"),
                ("列入运行", "raised_run"), ("撤销说明", "withdrawn_why"), ("说明", "note")]
SPOT_STATUS = {"active": "列入抽查", "withdrawn": "撤销抽查"}
BASIS = {"shareholder": "多家经认定企业的股东（四(二)4）", "revoked_legal_rep": "被吊销企业的法定代表人，任职资格限制（四(二)3）"}
DUE_SQL = """
select s.credit_code, f.name, s.status, s.person_name, s.roles, s.bases, s.through_firms, s.reason, s.lead_regulator,
       f.status as registration_status, f.region, s.raised_run, s.withdrawn_run, s.withdrawn_why,
       case when s.status = 'active' then s.raised_run else s.withdrawn_run end as due_run
from spot_checks s left join firms f on f.credit_code = s.credit_code and f.version = s.version
where (s.status = 'active' and s.raised_run > $since) or (s.status = 'withdrawn' and s.withdrawn_run > $since)
order by s.status, s.credit_code, s.person_name"""
CHAIN_SQL = """
select s.credit_code, s.status, s.person_name, s.roles, s.bases, s.through_firms, s.reason, s.raised_run,
       s.withdrawn_run, s.withdrawn_why
from spot_checks s
where s.credit_code = $code
order by s.status, s.raised_run, s.person_name"""
MADE_SQL = """
select p.person_name, p.basis, p.confirmed_firms, p.min_confirmed, e.role, p.marked_at
from person_interest_evidence e join persons_of_interest p on p.person_key = e.person_key and p.basis = e.basis
where e.credit_code = $code order by p.person_name, p.basis"""


def has_tables(con) -> bool:
    """Whether the store has the spot-check tables (a snapshot of an older store may not)."""
    return bool(con.execute("select count(*) from information_schema.tables where table_name = 'spot_checks'")
                .fetchall()[0][0])


def labelled(row: dict) -> dict:
    """A spot check with what a clerk reads: status, role, basis and the confirmed firms, in Chinese."""
    through = orjson.loads(row["through_firms"] or "[]")
    return row | {
        "spot_status": SPOT_STATUS[row["status"]], "note": MASKED_NOTE,
        "role_label": "、".join(ROLE.get(r, r) for r in (row["roles"] or "").split(",") if r),
        "basis_label": "；".join(BASIS.get(b, b) for b in (row["bases"] or "").split(",") if b),
        "through_label": "、".join(f"{f['name'] or ''}（{f['credit_code']}）" for f in through),
        "through": through}


def read_spot_rows(con, since: int, regulators) -> list[dict]:
    """The spot checks raised, or withdrawn, after run ``since``, each with its regulator and place."""
    if not has_tables(con):
        return []
    rows = []
    for row in fetch_dicts(con, DUE_SQL, {"since": since}):
        regulator = regulators.find(row["lead_regulator"]) if row["lead_regulator"] else None
        rows.append(labelled(row) | {"regulator": regulator, "place": place_name(row["region"]),
                                     "regulator_name": regulator.name if regulator else row["lead_regulator"]})
    return rows


def dossier_chain(con, credit_code: str) -> dict:
    """The firm's spot-check chain for its dossier: the checks on it (by whom, through which confirmed
    firms) and the persons of interest it made (a confirmed firm), with the note on masked names."""
    if not has_tables(con):
        return {"checks": [], "made": [], "note": MASKED_NOTE}
    checks = [labelled(row) for row in fetch_dicts(con, CHAIN_SQL, {"code": credit_code})]
    made = fetch_dicts(con, MADE_SQL, {"code": credit_code})
    return {"checks": checks, "made": made, "note": MASKED_NOTE}


def reported(check: dict, raised: bool, run_id: int) -> bool:
    """Whether an entry of run ``run_id`` reports this check: raised by then, or withdrawn by that run."""
    if raised:
        return check["status"] == "active" and check["raised_run"] <= run_id
    return check["status"] == "withdrawn" and check["withdrawn_run"] == run_id


def push_chains(con, entries: list[dict]) -> dict[str, dict]:
    """For each spot-check outbox entry (by idempotency key): the checks it reports (raised or withdrawn by
    its run), each with the person (display name, ID masked), roles, bases, confirmed firms and reason."""
    found = {}
    for entry in entries:
        if not entry["status"].startswith("spot_check"):
            continue
        raised = entry["status"] == "spot_check"
        rows = [labelled(row) for row in fetch_dicts(con, CHAIN_SQL, {"code": entry["credit_code"]})
                if reported(row, raised, entry["run_id"])]
        found[entry["idempotency_key"]] = {
            "status": "raised" if raised else "withdrawn", "note": MASKED_NOTE,
            "chains": [{"person": r["person_name"], "roles": (r["roles"] or "").split(","),
                        "bases": (r["bases"] or "").split(","), "through": r["through"], "reason": r["reason"],
                        "withdrawn_why": r["withdrawn_why"]} for r in rows]}
    return found
