"""延伸监管 for readers: the firms that share a legal representative or shareholder with a firm, with
their watch-list status and latest decision (the store writes the links: :mod:`screening.store.persons`)."""

from pathlib import Path

from screening.errors import NotFound
from screening.extract.persons import MASK_MARKS, NOT_A_NAME, links_of
from screening.store.database import fetch_dicts, reading


# The other firms first (a few rows), then only their registrations and decisions: joining the view of
# every firm's latest version would number all the firms in the store for each dossier.
RELATED_SQL = """
with others as (
    select mine.person_name, mine.role as role_here, other.role as role_there, other.credit_code
    from person_links mine
    join person_links other on other.person_key = mine.person_key and other.credit_code <> mine.credit_code
    where mine.credit_code = ?
), names as (
    select credit_code, arg_max(name, version) as name from firms
    where credit_code in (select credit_code from others) group by credit_code
), latest as (
    select credit_code, decision from decisions
    where credit_code in (select credit_code from others)
    qualify row_number() over (partition by credit_code order by decided_at desc, decision_id desc) = 1
)
select o.person_name, o.role_here, o.role_there, o.credit_code, n.name, coalesce(w.status, 'not listed'), w.priority,
       d.decision
from others o
left join names n on n.credit_code = o.credit_code
left join watchlist w on w.credit_code = o.credit_code
left join latest d on d.credit_code = o.credit_code
order by o.credit_code, o.person_name, o.role_there"""


def latest_decision(con, credit_code: str) -> str | None:
    """The firm's most recent decision (confirm, dismiss, refer), if any."""
    found = con.execute("select decision from decisions where credit_code = ? order by decided_at desc, "
                        "decision_id desc limit 1", [credit_code]).fetchall()
    return found[0][0] if found else None


def related(con, credit_code: str) -> list[dict]:
    """Every other firm sharing a legal representative or shareholder with ``credit_code``: the person
    (display name), both roles, the other firm's name, watch-list status and latest decision."""
    rows = con.execute(RELATED_SQL, [credit_code]).fetchall()
    keys = ("person", "role_here", "role_there", "credit_code", "name", "watch_status", "priority", "decision")
    return [dict(zip(keys, row)) for row in rows]


def no_links_reason(con, credit_code: str, latest: dict | None = None) -> str:
    """Why a firm has no related firm, in Chinese: no person named, names masked at the source (王*, which
    would join unrelated people), links not written yet for this version, or no one shared. ``latest`` is
    the firm's latest registration when the caller has it already."""
    if latest is None:
        found = fetch_dicts(con, "select legal_rep, shareholders from firms where credit_code = ? order by version desc "
                                 "limit 1", [credit_code])
        latest = found[0] if found else {}
    legal_rep, shareholders = latest.get("legal_rep"), latest.get("shareholders")
    cells = [c.strip() for c in (legal_rep, shareholders) if c and c.strip().upper() not in NOT_A_NAME]
    if not cells:
        return "登记信息未载明法定代表人或股东，无从关联其他企业"
    if not links_of(legal_rep, shareholders):
        if any(MASK_MARKS.search(cell) or "某" in cell for cell in cells):
            return "源数据中的法定代表人、股东姓名已脱敏（如 王*），同姓者无法区分，不作关联"
        return "法定代表人、股东栏目中没有可识别的姓名，无从关联其他企业"
    linked = con.execute("select count(*) from person_links where credit_code = ?", [credit_code]).fetchall()[0][0]
    if not linked:
        return "该登记版本载入于关联功能之前，尚无关联记录（登记变更或全量重新载入后生成）"
    return "其法定代表人、股东未出现在库中其他企业"


def firm_exists(con, credit_code: str) -> bool:
    """True when the store has a registration of ``credit_code``."""
    return bool(con.execute("select count(*) from firms where credit_code = ?", [credit_code]).fetchall()[0][0])


def related_report(db: Path, credit_code: str) -> tuple[str | None, list[dict], str | None]:
    """(the firm's latest decision, its related firms, why there are none) from the published snapshot;
    NotFound when the store has no registration of ``credit_code``."""
    with reading(db) as con:
        if not firm_exists(con, credit_code):
            raise NotFound(f"{credit_code}: no such firm in the store (check the credit code, or pass --db)")
        rows = related(con, credit_code)
        return latest_decision(con, credit_code), rows, None if rows else no_links_reason(con, credit_code)
