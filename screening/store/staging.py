"""Staging: an extract streamed into the run's own DuckDB file, validated, hashed, de-duplicated.

Python holds one chunk at a time; DuckDB holds the rest, on disk beyond its memory limit.

1. **Read** (one pass over the file): each chunk from the reader is checked on columns
   (:func:`screening.rules.validation.with_rejections`: read problems, empty names, damaged text, and the
   key: a credit code's GB 32100 check character or a 15-digit registration number's ISO 7064 MOD 11,10
   check digit, as polars expressions with python-stdnum as their oracle in the tests) and appended to ``incoming``, which hashes it on the way in SQL
   (``sql/run/staging_insert_chunk.sql``: content hash over every stored field, screen hash over name
   and scope, the same sha1 digests as before, so stored firms keep matching).
2. **The stored firms** (``staging_stored.sql``): the latest version of every firm in the store (attached
   read-only), for the delta.
3. **Duplicates** (``staging_duplicates.sql``): a credit code seen twice loads its first usable record and
   rejects the later ones naming the first — the rule and its wording are
   :data:`screening.rules.validation.DUPLICATE`, which ``check`` applies too.
4. **Raw text of rejects**: a reader that keeps no source text (Parquet, Excel) gets the record's fields
   as JSON, computed for the rejected records only.

Rows in = rows loaded + rows rejected, always: every record is one row of ``incoming``, rejected or not.
"""

from pathlib import Path

import orjson
import polars as pl

from screening.errors import ExtractError
from screening.extract.headers import ALIASES, CANONICAL
from screening.extract.readers import read_extract
from screening.rules.validation import DUPLICATE, has_keys, with_rejections
from screening.store.sqlfiles import statement
from screening.store.writes import insert_frame


def stage_run(con, extract: Path, db: Path, chunk_rows: int, progress=lambda phase, rows: None,
              read_done=lambda: None) -> bool:
    """Steps 1–4 into the staging connection ``con``: read, stored firms, duplicates, raw text.
    ``read_done`` is called once the file has been read (to check it did not change meanwhile). True when
    the store has firms."""
    stage_extract(con, extract, chunk_rows, lambda rows: progress("reading", rows))
    read_done()
    has_store = load_stored(con, db)
    reject_duplicates(con)
    fill_raw_text(con, chunk_rows)
    return has_store


def rejects(con) -> pl.DataFrame:
    """The staged records not loaded: record, credit code, raw text, reason (in record order)."""
    return con.sql("select record, credit_code, raw, rejected as reason from incoming where rejected is not null "
                   "order by record").pl()


def stage_extract(con, path: Path, chunk_rows: int, on_chunk=lambda rows: None) -> None:
    """Read the extract at ``path`` chunk by chunk into ``incoming`` (validated, keys checked, hashed)."""
    con.execute(statement("staging_schema"))
    known = {row[0] for row in con.execute("describe incoming").fetchall()} - {"content_hash", "screen_hash"}
    for chunk in read_extract(path, chunk_rows):
        if chunk.height and not has_keys(chunk):
            raise ExtractError(f"{path}: the store needs a credit code column; accepted headers: "
                               f"{', '.join(ALIASES['credit_code'])} (or a 15-digit registration number column: "
                               f"{', '.join(ALIASES['registration_number'])})")
        frame = with_rejections(chunk, has_code=True)  # keys checked on columns (GB 32100, ISO 7064 MOD 11,10)
        insert_frame(con, statement("staging_insert_chunk"), frame.select([c for c in frame.columns if c in known]))
        on_chunk(frame.height)


def load_stored(con, db: Path) -> bool:
    """Fill ``stored`` with the store's latest firm versions (the store attached read-only as ``store``);
    False when there is no store yet."""
    if not db.exists():
        return False
    con.execute("attach ? as store (read_only)", [str(db)])
    has_firms = con.execute("select count(*) from duckdb_tables() where database_name = 'store' "
                            "and table_name = 'firms'").fetchall()[0][0]
    if has_firms:
        con.execute(statement("staging_stored"))
    return bool(has_firms)


def reject_duplicates(con) -> None:
    """Later records of a credit code already loaded are rejected, naming the first."""
    con.execute(statement("staging_duplicates"), {"template": DUPLICATE})


def raw_text(row: dict) -> str:
    """The raw source of a record whose reader kept none: its non-empty fields as JSON."""
    return orjson.dumps({k: row.get(k) for k in CANONICAL if row.get(k) is not None}).decode("utf-8")


def fill_raw_text(con, batch_rows: int) -> None:
    """Give every reject without source text its fields as JSON (rejects only: few)."""
    batches = con.sql(statement("staging_rejects_without_raw")).to_arrow_reader(batch_rows)
    writer = con.cursor()
    writer.execute("create table if not exists raws (record bigint, raw varchar)")
    for batch in batches:
        rows = pl.from_arrow(batch).iter_rows(named=True)
        frame = pl.DataFrame([{"record": r["record"], "raw": raw_text(r)} for r in rows],
                             schema={"record": pl.Int64, "raw": pl.Utf8})
        insert_frame(writer, "insert into raws select * from staged", frame)
    writer.close()
    con.execute("update incoming set raw = r.raw from raws r where r.record = incoming.record")
