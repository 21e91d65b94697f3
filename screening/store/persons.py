"""Person–firm links of the store (延伸监管, 沪府办〔2016〕46号 附件8 四(二)4), and the watch list's order
when a confirmed firm shares a person with others.

The links of a firm follow its latest registration: every run rewrites them, in its transaction, for
the versions it wrote; a decision renumbers the watch list in its own transaction.
"""

import polars as pl

from screening.extract.persons import links_of
from screening.store import watchlist, writes
from screening.store.writes import insert_frame

LINK_TYPES = (pl.Utf8, pl.Utf8, pl.Utf8, pl.Utf8, pl.Int32, pl.Int64)


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
        insert_frame(con, "insert into person_links by name select * from staged", frame)
    return len(links)


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


def reprioritise(con) -> None:
    """Number the watch list again after a decision (inside the decision's transaction)."""
    current = con.sql("select * from watchlist").pl()
    if not current.is_empty():
        writes.replace_watchlist(con, watchlist.with_priority(current, related_to_confirmed(con)))
