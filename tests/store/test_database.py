"""The SQL files and connections of the store (screening.store.database) and `regscreen sql`."""

import contextlib
from datetime import date
import csv
import gc
import io
import re
from pathlib import Path

import duckdb
import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.settings import REPO_ROOT, get_settings
from screening.errors import ConfigError, StoreMissing
from screening.store.database import (SQL_DIR, HEADER, apply_schema, open_reader, open_writer, read_sql_file, view_files,
                                       write_transaction)
from screening.store.publish import fingerprint, snapshot_path
from screening.store.scan import scan

VIEW_FILES = sorted((SQL_DIR / "views").glob("*.sql"))
VIEW_NAMES = [re.sub(r"^\d+_", "", path.stem) for path in VIEW_FILES]
CREATE_VIEW = re.compile(r"^create or replace view (\w+) as\b", re.MULTILINE | re.IGNORECASE)
# what the issue asks the views to show, by the view that shows it
REQUIRED_VIEWS = {"v_watchlist_current", "v_new_since_last_run", "v_watchlist_by_regulator", "v_watchlist_by_region",
                  "v_changed_firms", "v_cleared_after_change", "v_hits_per_term", "v_rejects_last_run",
                  "v_review_queue"}
TABLE_COLUMNS = {
    "firms": {"credit_code", "version", "content_hash", "screen_hash", "name", "scope"},
    "runs": {"extract_file", "extract_sha256", "rows_in", "rows_loaded", "rows_rejected", "list_versions",
             "started_at", "finished_at", "status"},
    "rejects": {"source_file", "record", "raw", "reason"},
    "hits": {"credit_code", "term", "field", "span_start", "span_end", "counts", "why", "list", "list_version",
             "source", "category", "regulator", "matched"},
    "watchlist": {"credit_code", "status", "first_flagged_on", "last_seen_on", "lead_regulator", "priority", "hold",
                  "cleared_after_change", "content_hash"},
    "decisions": {"credit_code", "decided_by", "decided_at", "decision", "reason", "content_hash"},
    "audit": {"credit_code", "changed_at", "old_status", "new_status", "reason"},
}


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


FLAGGED = code("91310115MA0000001")
PLAIN = code("91310115MA0000002")


def test_there_are_view_files():
    assert len(VIEW_FILES) >= len(REQUIRED_VIEWS)
    assert REQUIRED_VIEWS <= set(VIEW_NAMES)


@pytest.mark.parametrize("path", VIEW_FILES, ids=[p.name for p in VIEW_FILES])
def test_view_file_has_title_description_and_creates_the_view_it_is_named_after(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert re.fullmatch(r"-- title: \S.*", lines[0]), lines[0]
    assert re.fullmatch(r"-- description: \S.*", lines[1]), lines[1]
    assert HEADER.match(text)
    assert re.fullmatch(r"\d+_v_\w+", path.stem)
    assert CREATE_VIEW.findall(text) == [re.sub(r"^\d+_", "", path.stem)]
    sql = read_sql_file(path)
    assert (sql.title, sql.description) == (lines[0][len("-- title: "):], lines[1][len("-- description: "):])


def test_schema_file_has_its_header():
    assert HEADER.match((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))


def test_a_sql_file_without_header_is_refused(tmp_path):
    path = tmp_path / "10_v_x.sql"
    path.write_text("create or replace view v_x as select 1;\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="title"):
        read_sql_file(path)


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_readme_mentions_every_view(view):
    assert view in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_schema_and_views_apply_to_an_empty_store_twice(tmp_path):
    con = open_writer(tmp_path / "store.duckdb")
    try:
        for _ in range(2):  # idempotent
            con.execute("begin transaction")
            apply_schema(con)
            con.execute("commit")
        views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
        assert views == set(VIEW_NAMES) | {"decisions"}  # decisions: the ledger's table, read from the store
        assert [v.name for v in view_files()] == [p.stem for p in VIEW_FILES]
        for table, columns in TABLE_COLUMNS.items():
            found = {r[0] for r in con.execute(f"describe {table}").fetchall()}
            assert columns <= found, (table, columns - found)
        for view in VIEW_NAMES:  # every view runs on an empty store
            con.execute(f"select * from {view}").fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- read-only analysts' connection


@pytest.fixture
def store(tmp_path, screener) -> Path:
    db = tmp_path / "store.duckdb"
    extract = write_csv(tmp_path / "extract.csv", [["企业名称", "统一社会信用代码", "经营范围"],
                                                   ["上海甲投资管理有限公司", FLAGGED, "投资管理"],
                                                   ["上海乙科技有限公司", PLAIN, "技术开发"],
                                                   ["", code("91310115MA0000003"), "技术开发"]])
    scan(extract, db, screener, as_of=date(2024, 1, 1))
    return db


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in tables}
    finally:
        con.close()


REFUSED = [
    "insert into runs select * from runs",
    "update watchlist set status = 'cleared'",
    "delete from audit",
    "drop table runs",
    "drop view v_watchlist_current",
    "create table x (a integer)",
    "create or replace view v_watchlist_current as select 1 as x",
    "alter table watchlist add column y integer",
    "truncate decisions",
    "attach '{dir}/other.duckdb' as other",
    "attach '{dir}/store.duckdb' as store_itself",  # the store behind the snapshot
    "copy runs to '{dir}/out.csv'",
    "copy (select * from watchlist) to '{dir}/out.parquet' (format parquet)",
    "export database '{dir}/export'",
    "set enable_external_access = true",
    "set lock_configuration = false",
    "select * from read_csv('{dir}/extract.csv')",
    "select * from '{dir}/extract.csv'",
    "select * from read_text('{dir}/extract.csv')",
    "load httpfs",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_open_reader_refuses(store, statement):
    before, snapshot = table_counts(store), fingerprint(snapshot_path(store))
    con = open_reader(store)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(statement.format(dir=store.parent)).fetchall()
    finally:
        con.close()
    assert table_counts(store) == before == table_counts(snapshot_path(store))
    assert fingerprint(snapshot_path(store)) == snapshot
    assert not (store.parent / "out.csv").exists() and not (store.parent / "other.duckdb").exists()
    assert not (store.parent / "export").exists()


def test_open_reader_reads(store):
    con = open_reader(store)
    try:
        assert con.execute("select credit_code, status from v_watchlist_current").fetchall() == [(FLAGGED, "new")]
        assert con.execute("select current_setting('enable_external_access')").fetchall() == [(False,)]
    finally:
        con.close()


def test_open_reader_opens_the_published_snapshot_not_the_store(store):
    con = open_reader(store)
    try:
        assert con.execute("select path from duckdb_databases() where database_name = current_database()"
                           ).fetchall() == [(str(snapshot_path(store)),)]
    finally:
        con.close()


def test_open_reader_of_a_missing_store_says_so_and_creates_nothing(tmp_path):
    with pytest.raises(StoreMissing, match="regscreen scan"):
        open_reader(tmp_path / "none.duckdb")
    assert not (tmp_path / "none.duckdb").exists()


# ---------------------------------------------------------------- regscreen sql


def test_sql_returns_rows(run, store):
    result = run("sql", "select credit_code, name, status from v_watchlist_current", "--db", store)
    assert result.exit_code == 0, result.stderr
    assert FLAGGED in result.stdout and "上海甲投资管理有限公司" in result.stdout and "new" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 row"  # not "1 rows"
    assert PLAIN not in result.stdout


def test_sql_csv(run, store):
    result = run("sql", "select credit_code, name, status from v_watchlist_current order by 1", "--db", store, "--csv")
    assert result.exit_code == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout))) == [["credit_code", "name", "status"],
                                                             [FLAGGED, "上海甲投资管理有限公司", "new"]]


def test_sql_csv_of_rejects(run, store):
    result = run("sql", "select record, reason from v_rejects_last_run", "--db", store, "--csv")
    assert list(csv.reader(io.StringIO(result.stdout))) == [["record", "reason"], ["3", "empty name"]]


@pytest.mark.parametrize("statement", ["drop table runs", "delete from watchlist", "copy runs to '{dir}/out.csv'",
                                       "insert into decisions select * from decisions",
                                       "attach '{dir}/store.duckdb' as store_itself", "select * from nosuchtable"])
def test_sql_refuses_with_exit_2_and_the_store_is_unchanged(run, store, statement):
    before, snapshot = table_counts(store), fingerprint(snapshot_path(store))
    result = run("sql", statement.format(dir=store.parent), "--db", store)
    exit_code, stderr = result.exit_code, result.stderr
    del result  # its traceback holds the command's read-only connection (never closed on this path)
    gc.collect()
    assert exit_code == 2
    assert stderr.startswith("regscreen: error: ") and "Traceback" not in stderr
    assert table_counts(store) == before == table_counts(snapshot_path(store))
    assert fingerprint(snapshot_path(store)) == snapshot
    assert "runs" in before


def test_sql_on_a_missing_store_exits_2(run, tmp_path):
    result = run("sql", "select 1", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 2
    assert "regscreen scan" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


@pytest.mark.parametrize(("fail", "rows"), [(False, [(1,)]), (True, [])], ids=["committed", "rolled-back"])
def test_write_transaction_commits_or_leaves_the_store_as_it_was(tmp_path, fail, rows):
    db = tmp_path / "store.duckdb"
    with write_transaction(db) as con:
        con.execute("create table t (x integer)")
    with pytest.raises(RuntimeError) if fail else contextlib.nullcontext():
        with write_transaction(db) as con:
            con.execute("insert into t values (1)")
            if fail:
                raise RuntimeError("killed half-way")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select x from t").fetchall() == rows
    con.close()


@pytest.mark.parametrize(("statement", "says"), [
    ("selct credit_code from v_watchlist_current", 'syntax error: syntax error at or near "selct"'),
    ("select credit_code from v_watchlist_curent", "unknown table, view or function: Table with name v_watchlist_curent"),
    ("select credit_cod from v_watchlist_current", 'unknown column, or a column that does not fit: Referenced column "credit_cod"'),
    ("select nosuchfunction(name) from v_watchlist_current", "unknown table, view or function: Scalar Function with name nosuchfunction"),
    ("select cast(name as integer) from v_watchlist_current", "a value does not convert"),
    ("insert into firms select * from firms", 'refused: the store is read-only here and its settings are fixed (Cannot execute statement of type "INSERT"'),
    ("drop table runs", 'refused: the store is read-only here and its settings are fixed (Cannot execute statement of type "DROP"'),
    ("set threads = 1", "refused: the store is read-only here and its settings are fixed (Cannot change configuration option"),
    ("copy runs to '{dir}/out.csv'", "refused: files, other databases and extensions cannot be reached from here"),
    ("select * from read_csv('/etc/passwd')", "refused: files, other databases and extensions cannot be reached from here"),
    ("  /* a comment, no statement */", "the query holds no SQL statement"),
], ids=["syntax", "unknown-view", "unknown-column", "unknown-function", "conversion", "insert", "drop", "setting",
        "copy-to-file", "read-a-file", "no-statement"])
def test_sql_errors_say_what_went_wrong(run, store, statement, says):
    result = run("sql", statement.format(dir=store.parent), "--db", store)
    exit_code, stderr = result.exit_code, result.stderr
    del result
    gc.collect()
    assert exit_code == 2
    assert stderr.startswith("regscreen: error: " + says), stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    if not says.startswith("refused"):
        assert "read-only" not in stderr  # a typo is not blamed on the store being read-only
