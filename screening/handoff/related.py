"""延伸监管: people behind several firms (legal representatives and shareholders).

The extract's 法定代表人 and 股东 cells become person–firm links (table ``person_links``). A person is
keyed by name plus any ID number written in the cell ("张三(11010519491231002X)"); names masked
in the source ("张*") or empty/N/A are not linked, since they would join unrelated people. The
links of a firm follow its latest registration: every run rewrites them for the versions it wrote.
"""

from dataclasses import dataclass
import re

import polars as pl

from screening.handoff.safe_cells import mask_id
from screening.store.writes import insert_frame

LINK_TYPES = (pl.Utf8, pl.Utf8, pl.Utf8, pl.Utf8, pl.Int32, pl.Int64)

ROLES = ("legal_rep", "shareholder")
SEPARATORS = re.compile(r"[；;,，、\s]+")
ID_IN_PARENS = re.compile(r"\s*[(（]\s*([0-9]{15}|[0-9]{17}[0-9Xx])\s*[)）]")
NOT_A_NAME = {"", "N/A", "NA", "NULL", "NONE", "无", "-", "--", "/", "暂无", "不详"}


@dataclass(frozen=True, slots=True)
class Person:
    """One person named in a cell: key (name, or name|ID) and display name (ID masked)."""

    key: str
    name: str


def persons(cell: str | None, split: bool = True) -> list[Person]:
    """The linkable persons of a 股东 (``split``: a list) or 法定代表人 cell, in order, without repeats."""
    text = ID_IN_PARENS.sub(lambda m: f"({m[1].upper()})", (cell or "").strip())
    parts = SEPARATORS.split(text) if split else [text]
    found: dict[str, Person] = {}
    for part in parts:
        match = re.fullmatch(r"(.*?)\(([0-9X]+)\)", part.strip())
        name, number = (match[1].strip(), match[2]) if match else (part.strip(), None)
        if name.upper() in NOT_A_NAME or "*" in name or "＊" in name:
            continue
        key = f"{name}|{number}" if number else name
        found.setdefault(key, Person(key, f"{name}({mask_id(number)})" if number else name))
    return list(found.values())


def links_of(legal_rep: str | None, shareholders: str | None) -> list[tuple[Person, str]]:
    """(person, role) for one firm version."""
    return [(p, "legal_rep") for p in persons(legal_rep, split=False)] + [
        (p, "shareholder") for p in persons(shareholders)]


def refresh_links(con, run_id: int) -> int:
    """Rewrite the links of every firm version written by ``run_id`` (inside the run's transaction)."""
    rows = con.execute("select credit_code, version, legal_rep, shareholders from firms where first_run = ?",
                       [run_id]).fetchall()
    if not rows:
        return 0
    con.execute("delete from person_links where credit_code in (select credit_code from firms where first_run = ?)",
                [run_id])
    links = [(person.key, person.name, role, code, version, run_id)
             for code, version, legal_rep, shareholders in rows for person, role in links_of(legal_rep, shareholders)]
    if links:  # one columnar insert: executemany would go row by row on a first load
        columns = ("person_key", "person_name", "role", "credit_code", "version", "run_id")
        frame = pl.DataFrame(links, schema=dict(zip(columns, LINK_TYPES)), orient="row")
        insert_frame(con, "insert into person_links select * from staged", frame)
    return len(links)


def latest_decision(con, credit_code: str) -> str | None:
    """The firm's most recent decision (confirm, dismiss, refer), if any."""
    found = con.execute("select decision from decisions where credit_code = ? order by decided_at desc, "
                        "decision_id desc limit 1", [credit_code]).fetchall()
    return found[0][0] if found else None


def related(con, credit_code: str) -> list[dict]:
    """Every other firm sharing a legal representative or shareholder with ``credit_code``: the person
    (display name), both roles, the other firm's name, watch-list status and latest decision."""
    rows = con.execute("""
        select mine.person_name, mine.role, other.role, other.credit_code, f.name,
               coalesce(w.status, 'not listed'), w.priority, d.decision
        from person_links mine
        join person_links other on other.person_key = mine.person_key and other.credit_code <> mine.credit_code
        left join v_firms_latest f on f.credit_code = other.credit_code
        left join watchlist w on w.credit_code = other.credit_code
        left join (select credit_code, decision from decisions
                   qualify row_number() over (partition by credit_code order by decided_at desc, decision_id desc) = 1
                  ) d on d.credit_code = other.credit_code
        where mine.credit_code = ?
        order by other.credit_code, mine.person_name, other.role""", [credit_code]).fetchall()
    keys = ("person", "role_here", "role_there", "credit_code", "name", "watch_status", "priority", "decision")
    return [dict(zip(keys, row)) for row in rows]


def firm_exists(con, credit_code: str) -> bool:
    """True when the store has a registration of ``credit_code``."""
    return bool(con.execute("select count(*) from firms where credit_code = ?", [credit_code]).fetchall()[0][0])


CONFIRMED_RELATED = """
with confirmed as (
    select credit_code from (
        select credit_code, decision, row_number() over (
            partition by credit_code order by decided_at desc, decision_id desc) as latest
        from decisions)
    where latest = 1 and decision = 'confirm'
)
select distinct other.credit_code
from person_links mine
join confirmed c on c.credit_code = mine.credit_code
join person_links other on other.person_key = mine.person_key and other.credit_code <> mine.credit_code"""


def related_to_confirmed(con) -> frozenset[str]:
    """Firms sharing a legal representative or shareholder with a firm whose latest decision is confirm."""
    return frozenset(row[0] for row in con.execute(CONFIRMED_RELATED).fetchall())


def reprioritise(con, category_priority: dict[str, int]) -> None:
    """Number the watch list again after a decision (inside the decision's transaction)."""
    from screening.store import watchlist, writes

    current = con.sql("select * from watchlist").pl()
    if not current.is_empty():
        writes.replace_watchlist(con, watchlist.with_priority(current, category_priority, related_to_confirmed(con)))
