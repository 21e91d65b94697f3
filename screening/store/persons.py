"""Person–firm links of the store (延伸监管, 沪府办〔2016〕46号 附件8 四(二)4), and the watch list's order
when a confirmed firm shares a person with others.

The links of a firm follow its latest registration: every run rewrites them, in its transaction, for
the versions it wrote; a decision renumbers the watch list in its own transaction. A person with an ID
number is keyed by name, masked ID and a keyed hash with the store's secret (:mod:`screening.store.secret`),
and once the keys are made the ID numbers in the run's 法定代表人 and 股东 cells are masked in ``firms``:
no table holds an ID in clear. Stores written before are migrated by the next run: old keys
(``张三|11010519491231002X``), display names and the stored cells of every firm and reject.
"""

from pathlib import Path

import polars as pl

from screening.extract.personal_ids import mask_ids
from screening.extract.persons import links_of, person_key, persons
from screening.store import watchlist, writes
from screening.store.secret import store_secret
from screening.store.writes import insert_frame

LINK_TYPES = (pl.Utf8, pl.Utf8, pl.Utf8, pl.Utf8, pl.Int32, pl.Int64)
MIGRATION = "person keys hashed, stored ID numbers masked"
DIGITS_OF_AN_ID = "([0-9０-９][^0-9０-９]{0,3}){15}"  # a prefilter: fifteen digits, at most three characters apart
FIRM_TEXT = ("name", "scope", "address", "legal_rep", "shareholders")


def store_file(con) -> Path:
    """The file of the store a connection writes (its secret lies beside it)."""
    return Path(con.execute("select path from duckdb_databases() where database_name = current_database()")
                .fetchall()[0][0])


def refresh_links(con, run_id: int) -> int:
    """Rewrite the links of every firm version written by ``run_id`` (inside the run's transaction), then
    mask the ID numbers left in the stored cells (and migrate a store written before, once)."""
    secret = store_secret(store_file(con))
    rows = con.execute("select credit_code, version, legal_rep, shareholders from firms where first_run = ?",
                       [run_id]).fetchall()
    links = [(person_key(person, secret), person.name, role, code, version, run_id)
             for code, version, legal_rep, shareholders in rows for person, role in links_of(legal_rep, shareholders)]
    if rows:
        con.execute("delete from person_links where credit_code in (select credit_code from firms where first_run = ?)",
                    [run_id])
    if links:  # one columnar insert: executemany would go row by row on a first load
        columns = ("person_key", "person_name", "role", "credit_code", "version", "run_id")
        frame = pl.DataFrame(links, schema=dict(zip(columns, LINK_TYPES)), orient="row")
        insert_frame(con, "insert into person_links by name select * from staged", frame)
    migrated = bool(con.execute("select count(*) from store_migrations where name = ?", [MIGRATION]).fetchall()[0][0])
    if not migrated and not con.execute("select count(*) from runs where run_id < ?", [run_id]).fetchall()[0][0]:
        con.execute("insert into store_migrations values (?, current_timestamp)", [MIGRATION])  # a new store
        migrated = True
    mask_stored_ids(con, None if migrated else secret, run_id)
    return len(links)


MASK_PERSON_CELLS = """
update firms set legal_rep = mask_ids(legal_rep), shareholders = mask_ids(shareholders)
where first_run = $run and regexp_matches(concat_ws(' ', legal_rep, shareholders), $digits)"""
MASK_FIRMS = """
update firms set name = mask_ids(name), scope = mask_ids(scope), address = mask_ids(address),
       legal_rep = mask_ids(legal_rep), shareholders = mask_ids(shareholders)
where regexp_matches(concat_ws(' ', name, scope, address, legal_rep, shareholders), $digits)"""
MASK_REJECTS = """
update rejects set raw = mask_ids(raw), reason = mask_ids(reason)
where (run_id = $run or $everywhere) and regexp_matches(concat_ws(' ', raw, reason), $digits)"""
MIGRATE_KEYS = """
update person_links set person_key = migrated_key(person_key), person_name = mask_ids(person_name)
where regexp_matches(person_key || ' ' || person_name, $digits)"""


def mask_stored_ids(con, migrate_with: bytes | None, run_id: int) -> None:
    """Mask ID numbers in the run's firm cells and rejects; with ``migrate_with`` (the secret), in every
    firm and reject, and hash the person keys written before, then record the migration."""
    everywhere = migrate_with is not None
    con.create_function("mask_ids", mask_ids, ["VARCHAR"], "VARCHAR")
    try:
        params = {"run": run_id, "everywhere": everywhere, "digits": DIGITS_OF_AN_ID}
        if everywhere:  # name, scope and address are masked as they are read: older stores only
            con.execute(MASK_FIRMS, {"digits": DIGITS_OF_AN_ID})
        else:
            con.execute(MASK_PERSON_CELLS, {"run": run_id, "digits": DIGITS_OF_AN_ID})
        con.execute(MASK_REJECTS, params)
        if everywhere:
            con.create_function("migrated_key", lambda key: migrated_key(key, migrate_with), ["VARCHAR"], "VARCHAR")
            try:
                con.execute(MIGRATE_KEYS, {"digits": DIGITS_OF_AN_ID})
            finally:
                con.remove_function("migrated_key")
            con.execute("insert into store_migrations values (?, current_timestamp)", [MIGRATION])
    finally:
        con.remove_function("mask_ids")


def migrated_key(old_key: str, secret: bytes) -> str:
    """The key of a link written before keys were hashed: ``name|ID`` (or an ID written into the name)."""
    name, _, number = old_key.rpartition("|") if "|" in old_key else (old_key, "", "")
    found = persons(f"{name}({number})" if number else name, split=False)
    return person_key(found[0], secret) if found else mask_ids(old_key)


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
