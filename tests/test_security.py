"""Security of what leaves the store (issue #6 item 6).

1. ``regscreen sql`` (the installed command, in a subprocess) cannot write: insert, update, delete,
   drop, create, alter, attach, copy … to, export/import database, install/load extensions and
   settings changes all exit non-zero with a one-line message, and the store is unchanged.
2. No SQL is built by string formatting: an ``ast`` walk over screening/ and flows/ fails on any
   ``.execute``/``.executemany``/``.sql``/``.query``/``.from_query`` call (or call of a helper that
   passes its argument on to one) whose statement is an f-string, %-formatting, ``.format``,
   ``.join`` or a concatenation with a non-constant, directly or through a variable.
3. Exported spreadsheets and CSV files neutralise formulas (=, +, -, @, tab, CR, full-width ＝＋－＠,
   after leading spaces too): every xlsx cell is a string or a number, never a formula.
4. Personal ID numbers (18-digit, with X check, and 15-digit first-generation) appear in no hand-off
   in clear: xlsx, both CSVs, manifest, dossier text and HTML, ``related`` and the push payload.
"""

import ast
import csv
import hashlib
import io
import json
import os
from pathlib import Path
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import zipfile

import duckdb
import fastexcel
import pytest
from stdnum.cn import ric, uscc

ROOT = Path(__file__).resolve().parents[1]
REGSCREEN = Path(sys.executable).with_name("regscreen")
CHECKED_DIRS = ("screening", "flows")


# ---------------------------------------------------------------- 2. no SQL built from strings

SQL_METHODS = {"execute", "executemany", "sql", "query", "from_query"}
BUILDERS = {"format": ".format()", "format_map": ".format_map()", "join": ".join()", "replace": ".replace()"}

# Places where SQL is assembled on purpose, each with why it is safe. Key: (file, function or constant).
ALLOWED = {
    ("screening/handoff/dossier.py", "gather"):
        "the column list is joined from the module's constant tuple VERSION_FIELDS; the credit code is a parameter",
}


def scopes(tree: ast.Module):
    """The module and every function in it, each with its own statements' nodes (nested functions apart)."""
    yield "<module>", tree
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node


def own_nodes(scope):
    """The nodes of a scope, not descending into nested functions or classes' methods."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def assignments(scope) -> dict[str, list[ast.expr]]:
    """Every value assigned (=, +=, annotated) to a plain name in a scope."""
    found: dict[str, list[ast.expr]] = {}
    for node in own_nodes(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(ast.BinOp(ast.Name(node.target.id), node.op, node.value))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            found.setdefault(node.target.id, []).append(node.value)
    return found


def is_constant_text(node: ast.expr) -> bool:
    """A string literal, or literals joined by + (implicit concatenation is already one literal)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return is_constant_text(node.left) and is_constant_text(node.right)
    return False


def built_how(node: ast.expr) -> str | None:
    """How an expression builds text at run time (f-string, %, .format, .join, +), or None."""
    if isinstance(node, ast.JoinedStr) and not is_constant_text(node):
        return "f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return "%-formatting"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and not is_constant_text(node):
        return "concatenation"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in BUILDERS:
        return BUILDERS[node.func.attr]
    return None


class SqlChecker:
    """Finds SQL statements built from strings in one module's source."""

    def __init__(self, source: str, path: str):
        self.path, self.tree = path, ast.parse(source)
        self.module_names = assignments(self.tree)
        self.scopes = list(scopes(self.tree))
        self.sinks = self.wrapper_sinks()

    def wrapper_sinks(self) -> dict[str, int]:
        """Functions that pass one of their parameters on as the statement of a SQL call: name → index."""
        sinks = {}
        for name, scope in self.scopes:
            if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            params = [a.arg for a in scope.args.args]
            for call in (n for n in own_nodes(scope) if isinstance(n, ast.Call)):
                statement = self.statement_of(call, {})
                if isinstance(statement, ast.Name) and statement.id in params:
                    sinks[name] = params.index(statement.id) - (1 if params[:1] == ["self"] else 0)
        return sinks

    def statement_of(self, call: ast.Call, sinks: dict[str, int]) -> ast.expr | None:
        """The statement argument of a SQL call (or of a call to a known wrapper), else None."""
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if isinstance(func, ast.Attribute) and name in SQL_METHODS:
            index = 0
        elif name in sinks:
            index = sinks[name]
        else:
            return None
        return call.args[index] if len(call.args) > index else None

    def why(self, node: ast.expr, local: dict[str, list[ast.expr]], seen: set[str]) -> tuple[str, str] | None:
        """(how it is built, where: the variable or '') for a statement expression, following names."""
        how = built_how(node)
        if how:
            return how, ""
        if isinstance(node, ast.Name) and node.id not in seen:
            for value in local.get(node.id) or self.module_names.get(node.id, []):
                found = self.why(value, local, seen | {node.id})
                if found:
                    return found[0], found[1] or node.id
        return None

    def findings(self, sinks: dict[str, int] | None = None) -> list[tuple[str, str, int, str]]:
        """(file, function or constant, line, how) for every SQL statement built from strings."""
        sinks = self.sinks if sinks is None else sinks
        out = []
        for name, scope in self.scopes:
            local = assignments(scope) if scope is not self.tree else {}
            for call in (n for n in own_nodes(scope) if isinstance(n, ast.Call)):
                statement = self.statement_of(call, sinks)
                found = self.why(statement, local, set()) if statement is not None else None
                if found:
                    where = found[1] if found[1] in self.module_names and found[1] not in local else name
                    out.append((self.path, where, call.lineno, found[0]))
        return out


def python_files() -> list[Path]:
    """Every .py file of the product (screening/ and flows/)."""
    return sorted(p for folder in CHECKED_DIRS for p in (ROOT / folder).rglob("*.py"))


def project_findings() -> list[tuple[str, str, int, str]]:
    """Findings over the whole product, with wrappers known across modules (by function name)."""
    checkers = [SqlChecker(p.read_text(encoding="utf-8"), p.relative_to(ROOT).as_posix()) for p in python_files()]
    sinks = {name: index for checker in checkers for name, index in checker.sinks.items()}
    return [finding for checker in checkers for finding in checker.findings(sinks)]


def test_no_sql_is_built_from_strings():
    findings = project_findings()
    unexplained = [f for f in findings if (f[0], f[1]) not in ALLOWED]
    assert not unexplained, "SQL built by string formatting (pass values as parameters):\n" + "\n".join(
        f"  {path}:{line} in {where}: {how}" for path, where, line, how in unexplained)
    assert {(f[0], f[1]) for f in findings} == set(ALLOWED)  # no stale allow-list entry
    assert len(python_files()) > 30


PLANTED = [
    ('con.execute(f"select * from firms where name = \'{name}\'")', "f-string"),
    ('con.execute("select * from firms where name = \'%s\'" % name)', "%-formatting"),
    ('con.execute("select * from firms where code = \'{}\'".format(code))', ".format()"),
    ('con.execute("select * from firms where code = \'" + code + "\'")', "concatenation"),
    ('con.sql(" ".join(["select * from", table]))', ".join()"),
    ('duckdb.query(f"select {column} from firms")', "f-string"),
    ('con.executemany(f"insert into {table} values (?)", rows)', "f-string"),
    ('def f(con, table):\n    q = f"delete from {table}"\n    con.execute(q)', "f-string"),
    ('def f(con, where):\n    q = "select * from firms"\n    q += where\n    return con.execute(q).fetchall()',
     "concatenation"),
    ('Q = "select * from firms where code = %s"\ndef f(con, code):\n    return con.execute(Q % code)',
     "%-formatting"),
    ('def rows(con, sql, params):\n    return con.execute(sql, params)\n'
     'def g(con, x):\n    return rows(con, f"select * from firms where name = \'{x}\'", [])', "f-string"),
]
CLEAN = [
    'con.execute("select * from firms where code = ?", [code])',
    'con.execute("select * from firms " "where code = $code", {"code": code})',
    'con.execute("select * from firms" + " where code = ?", [code])',
    'SQL = "select count(*) from runs"\ncon.execute(SQL).fetchall()',
    'def f(con, statement):\n    con.execute(statement)',  # a wrapper: its callers are checked
    'print(f"{name} from {table}")',
    'frame.select(f"{column}")',
    'log.info("select %s" % x)',
]


@pytest.mark.parametrize("source, how", PLANTED)
def test_the_checker_catches_a_planted_string_built_statement(source, how):
    assert [f[3] for f in SqlChecker(source, "planted.py").findings()] == [how]


@pytest.mark.parametrize("source", CLEAN)
def test_the_checker_passes_parameterised_and_constant_statements(source):
    assert SqlChecker(source, "clean.py").findings() == []


# ---------------------------------------------------------------- a store made by the installed command


def regscreen(*args, cwd: Path) -> subprocess.CompletedProcess:
    """Run the installed ``regscreen`` command; the default store points into ``cwd``, never the real one."""
    env = os.environ | {"REGSCREEN_DB_PATH": str(cwd / "default.duckdb"), "PYTHONIOENCODING": "utf-8"}
    env.pop("REGSCREEN_PUSH_ENDPOINT", None)
    return subprocess.run([str(REGSCREEN), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def code(n: int) -> str:
    """A Shanghai credit code with a valid check character."""
    base = f"91310115MA00000{n:02d}"
    return base + uscc.calc_check_digit(base)


def full_width(text: str) -> str:
    """ASCII digits and letters as their full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


ID18 = "11010519491231002X"             # 18 digits, X check character
ID18B = "110108198501011233"            # 18 digits, digit check
ID15 = "110108850101123"                # first generation: 110108, born 1985-01-01, sequence 123
ID15X = "110105491231109"               # first generation, its 18-digit form ends in X
IDS = {"18": ID18, "18-digit-check": ID18B, "15": ID15, "15-to-X": ID15X, "18-full-width": full_width(ID18B)}
MASKED = {"18": "110105********002X", "15": "110108*****1123"}
PHONE = "13812345678"
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人", "股东", "登记状态"]
FIRMS = [
    ["=上海甲投资管理有限公司", code(1), "投资管理", f"张三({ID18})", f"李四({ID15})、王五({ID18B})", "存续"],
    ["+上海乙金融信息服务有限公司", code(2), "-金融信息服务", "@赵六", f"钱七({ID15X})", "存续"],
    ["-上海丙理财顾问有限公司", code(3), "\t=cmd|' /C calc'!A0；理财咨询", f"\r=孙八 {ID15}", "", "存续"],
    ["@上海丁网络借贷信息中介有限公司", code(4), "＝1+1；网络借贷信息中介服务", f"＋周九 {IDS['18-full-width']}", "", "存续"],
    [" =上海戊众筹科技有限公司", code(5), "＠SUM(A1)；股权众筹", "－吴十", "", "存续"],
    ["\t上海己支付科技有限公司", code(6), f"支付业务；法人身份证{ID18}；联系电话{PHONE}", f"郑一({ID15})",
     '=HYPERLINK("http://x")', "存续"],
    ["上海庚科技有限公司", code(7), "技术开发", f"张三({ID18})", "", "存续"],  # not flagged; shares 张三 with 1
    ["=上海投乐科技有限公司", code(8), "技术开发", "＝冯二", "", "存续"],      # the extended tier (关注) only
    ["＝上海辛投资咨询有限公司", code(9), f"投资咨询；{ID15X}", "冯三", "", "存续"],  # the extended tier only
    [f"上海市浦东新区金融信息服务部（经营者{ID15}）", code(10), "金融信息服务", "陈四", "", "存续"],  # ID in the name
]
DANGER = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")


def test_the_numbers_are_what_they_claim():
    assert ric.is_valid(ID18) and ID18.endswith("X") and ric.is_valid(ID18B) and not ID18B.endswith("X")
    for old in (ID15, ID15X):  # first-generation: region + YYMMDD + sequence; valid once upgraded
        upgraded = old[:6] + "19" + old[6:]
        assert ric.is_valid(upgraded + ric.calc_check_digit(upgraded + "0"))
    assert all(uscc.is_valid(code(n)) for n in range(1, 11))


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet could run: a formula character first, or first after leading spaces."""
    return text.startswith(DANGER) or text.lstrip(" \u3000\n").startswith(DANGER)


def table_contents(db: Path) -> dict[str, list[str]]:
    """Every table of the store file and its rows, sorted (read-only)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        return {t: sorted(map(repr, con.execute(f'select * from "{t}"').fetchall())) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A store made by ``regscreen scan`` (so anything scan publishes is published) over FIRMS."""
    folder = tmp_path_factory.mktemp("security")
    extract = folder / "extract.csv"
    with open(extract, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *FIRMS])
    db = folder / "store.duckdb"
    result = regscreen("scan", extract, "--db", db, "--as-of", "2026-11-22", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert regscreen("sql", "select 1", "--db", db, cwd=folder).returncode == 0  # publishes a snapshot if any
    return db


# ---------------------------------------------------------------- 1. `regscreen sql` cannot write

REFUSED = {
    "insert": "insert into runs select * from runs",
    "update": "update watchlist set status = 'cleared'",
    "delete": "delete from audit",
    "truncate": "truncate decisions",
    "drop-table": "drop table watchlist",
    "drop-view": "drop view v_watchlist_current",
    "create-table": "create table x (a integer)",
    "create-table-as": "create table x as select * from firms",
    "create-view": "create or replace view v_watchlist_current as select 1 as x",
    "create-macro": "create macro m() as 1",
    "create-sequence": "create sequence s",
    "alter": "alter table watchlist add column y integer",
    "attach-file": "attach '{dir}/other.duckdb' as other",
    "attach-memory": "attach ':memory:' as scratch",
    "detach": "detach store",
    "copy-to-csv": "copy runs to '{dir}/out.csv'",
    "copy-query-to-parquet": "copy (select * from watchlist) to '{dir}/out.parquet' (format parquet)",
    "copy-from": "copy watchlist from '{dir}/extract.csv'",
    "export-database": "export database '{dir}/exported'",
    "import-database": "import database '{dir}'",
    "install-extension": "install httpfs",
    "load-extension": "load httpfs",
    "read-a-file": "select * from read_text('{dir}/extract.csv')",
    "set-external-access": "set enable_external_access = true",
    "unlock-configuration": "set lock_configuration = false",
    "reset-lock": "reset lock_configuration",
    "set-threads": "set threads = 1",
    "set-temp-directory": "set temp_directory = '{dir}/tmp'",
    "pragma-memory-limit": "pragma memory_limit = '1GB'",
    "pragma-profiling": "pragma enable_profiling",
    "second-statement": "select 1; delete from watchlist",
    "transaction": "begin transaction; delete from watchlist; commit",
}
ALLOWED_QUERIES = {
    "select": "select credit_code, status from watchlist order by 1",
    "view": "select count(*) from v_watchlist_current",
    "describe": "describe watchlist",
}
MADE_FILES = ("other.duckdb", "out.csv", "out.parquet", "exported", "tmp")


@pytest.fixture(scope="module")
def store_before(store) -> dict[str, list[str]]:
    """The store's contents before any `regscreen sql`, and as `regscreen sql` itself shows them."""
    contents = table_contents(store)
    assert len(contents["watchlist"]) >= 6 and contents["runs"]
    return contents


def shown_by_sql(store: Path) -> str:
    """What `regscreen sql` shows of the watch list and the row counts (whatever file it reads)."""
    result = regscreen("sql", "select (select count(*) from runs), (select count(*) from audit),"
                              " (select string_agg(credit_code || status, ',' order by 1) from watchlist)",
                       "--db", store, "--csv", cwd=store.parent)
    assert result.returncode == 0, result.stderr
    return result.stdout


def folder_state(folder: Path) -> dict[str, str]:
    """sha256 of every file next to the store (the store, any published snapshot, anything made)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("statement", list(REFUSED.values()), ids=list(REFUSED))
def test_sql_refuses_to_write_and_the_store_is_unchanged(store, store_before, statement):
    files = folder_state(store.parent)
    result = regscreen("sql", statement.format(dir=store.parent), "--db", store, cwd=store.parent)
    assert result.returncode != 0, result.stdout
    assert result.stderr.startswith("regscreen: error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert table_contents(store) == store_before
    assert folder_state(store.parent) == files  # no file written, changed or made (snapshot included)


def test_what_sql_shows_is_unchanged_by_refused_statements(store, store_before):
    shown = shown_by_sql(store)
    for name in ("insert", "drop-table", "create-view", "truncate"):
        assert regscreen("sql", REFUSED[name], "--db", store, cwd=store.parent).returncode != 0
    assert shown_by_sql(store) == shown and table_contents(store) == store_before
    assert f"{len(store_before['runs'])},{len(store_before['audit'])}," in shown


@pytest.mark.parametrize("statement", list(ALLOWED_QUERIES.values()), ids=list(ALLOWED_QUERIES))
def test_sql_still_reads(store, store_before, statement):
    result = regscreen("sql", statement, "--db", store, "--csv", cwd=store.parent)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= 2 and table_contents(store) == store_before


# ---------------------------------------------------------------- 3 and 4. every hand-off file


class Collector(BaseHTTPRequestHandler):
    """A receiver that keeps every request body and answers 200."""

    bodies: list[bytes] = []

    def do_POST(self):
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def pushed_bodies(store: Path) -> list[str]:
    """`regscreen push` of the store's outbox to a local receiver: the request bodies."""
    Collector.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/entries"
        result = regscreen("push", "--endpoint", url, "--db", store, cwd=store.parent)
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()
        server.server_close()
    return [body.decode("utf-8") for body in Collector.bodies]


def file_text(path: Path) -> str:
    """A hand-off file as text: every XML part of an xlsx, a CSV in its encoding, JSON as it is."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(name).decode("utf-8") for name in book.namelist())
    return path.read_bytes().decode("gb18030" if "gb18030" in path.name else "utf-8-sig")


@pytest.fixture(scope="module")
def handoffs(store) -> dict[str, str]:
    """Every hand-off of the store, by name: export files, dossiers, related, push payloads."""
    out = store.parent / "handoff"
    result = regscreen("export", "--to", out, "--all", "--db", store, cwd=store.parent)
    assert result.returncode == 0, result.stderr
    texts = {path.name: file_text(path) for path in sorted(out.iterdir())}
    for n in (1, 3, 6, 7, 9):
        for flag in ((), ("--html",)):
            shown = regscreen("dossier", code(n), *flag, "--db", store, cwd=store.parent)
            assert shown.returncode == 0, shown.stderr
            texts[f"dossier {n}{' '.join(flag)}"] = shown.stdout
    for n in (1, 7):
        shown = regscreen("related", code(n), "--db", store, cwd=store.parent)
        assert shown.returncode == 0, shown.stderr
        texts[f"related {n}"] = shown.stdout
    for i, body in enumerate(pushed_bodies(store)):
        texts[f"push {i}"] = body
    return texts


def test_every_kind_of_hand_off_is_there(handoffs):
    kinds = {".xlsx", "_gb18030.csv", "_utf8bom.csv", "_manifest.json", "_attention_utf8bom.csv", "dossier",
             "--html", "related", "push"}
    assert {k for k in kinds if any(k in name for name in handoffs)} == kinds
    assert len([n for n in handoffs if n.endswith(".xlsx")]) >= 4  # 金融办, 银监局, 证监局, 人民银行


@pytest.mark.parametrize("form", list(IDS), ids=list(IDS))
def test_no_personal_id_in_clear_in_any_hand_off(handoffs, form):
    number = IDS[form]
    assert not [name for name, text in handoffs.items() if number in text or number.lower() in text]


@pytest.mark.parametrize("masked, where", [
    (MASKED["18"], ".xlsx"), (MASKED["18"], "_utf8bom.csv"), (MASKED["18"], "dossier 1"),
    (MASKED["18"], "related 1"), (MASKED["15"], "_gb18030.csv"), (MASKED["15"], "dossier 3--html"),
    (MASKED["15"], "dossier 6"), ("110105*****1109", "dossier 9"), (MASKED["15"], "push"),
])
def test_the_ids_were_exported_masked(handoffs, masked, where):
    assert any(masked in text for name, text in handoffs.items() if where in name)


def test_credit_codes_and_phone_numbers_stay_in_clear(handoffs):
    everything = "\n".join(handoffs.values())
    assert all(code(n) in everything for n in (1, 2, 3, 4, 5, 6)) and PHONE in everything


def test_push_payload_masks_ids_but_keeps_keys(handoffs, store):
    entries = [e for name, text in handoffs.items() if name.startswith("push") for e in json.loads(text)["entries"]]
    con = duckdb.connect(str(store), read_only=True)
    try:
        stored = dict(con.execute("select idempotency_key, name from outbox").fetchall())
    finally:
        con.close()
    assert {e["idempotency_key"] for e in entries} == set(stored) and len(entries) == len(stored) >= 7
    assert not any(ID15 in name for name in stored.values())  # masked as read: the outbox holds no ID either
    assert any(MASKED["15"] in name for name in stored.values())
    assert [e["name"] for e in entries if code(10) == e["credit_code"]] == [FIRMS[9][0].replace(ID15, MASKED["15"])]


def xlsx_cells(path: Path) -> list:
    """Every cell value of every sheet (read with fastexcel, no header row)."""
    book = fastexcel.read_excel(str(path))
    return [value for name in book.sheet_names
            for row in book.load_sheet(name, header_row=None).to_polars().iter_rows() for value in row]


def xlsx_cell_types(path: Path) -> tuple[set[str], int]:
    """The ``t`` types of every cell in the sheets' XML, and how many cells carry a formula (<f>)."""
    with zipfile.ZipFile(path) as book:
        sheets = [book.read(n).decode("utf-8") for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    cell = re.compile(r'<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="(\w+)")?')
    types = {m[1] or "n" for sheet in sheets for m in cell.finditer(sheet)}
    return types, sum(len(re.findall(r"<f[ >]", sheet)) for sheet in sheets)


def handoff_files(store: Path, suffix: str) -> list[Path]:
    return sorted((store.parent / "handoff").glob(f"*{suffix}"))


def test_xlsx_cells_are_strings_or_numbers_never_formulas(store, handoffs):
    for path in handoff_files(store, ".xlsx"):
        types, formulas = xlsx_cell_types(path)
        assert formulas == 0 and "s" in types and types <= {"s", "inlineStr", "n"}, (path.name, types)
        cells = [c for c in xlsx_cells(path) if isinstance(c, str)]
        assert cells and not [c for c in cells if looks_like_formula(c)], path.name


def test_csv_cells_never_start_like_a_formula(store, handoffs):
    for path in handoff_files(store, ".csv"):
        rows = list(csv.reader(io.StringIO(file_text(path), newline="")))
        cells = [cell for row in rows[1:] for cell in row]
        assert cells and not [c for c in cells if looks_like_formula(c)], path.name


NEUTRALISED = ["'=上海甲投资管理有限公司", "'+上海乙金融信息服务有限公司", "'-上海丙理财顾问有限公司",
               "'@上海丁网络借贷信息中介有限公司", "'-金融信息服务", "'\t=cmd|' /C calc'!A0；理财咨询", "'＝1+1；网络借贷信息中介服务",
               "'＠SUM(A1)；股权众筹", "'@赵六", "'－吴十", "' =上海戊众筹科技有限公司", "'\t上海己支付科技有限公司",
               f"'\r=孙八 {MASKED['15']}", "'＋周九 " + full_width("110108") + "*" * 8 + full_width("1233"),
               "'=上海投乐科技有限公司", "'＝上海辛投资咨询有限公司"]


@pytest.mark.parametrize("suffix", [".xlsx", "_gb18030.csv", "_utf8bom.csv"])
def test_the_dangerous_cells_are_there_neutralised(store, handoffs, suffix):
    cells = set()
    for path in handoff_files(store, suffix):
        if suffix == ".xlsx":
            cells |= {c for c in xlsx_cells(path) if isinstance(c, str)}
        else:
            cells |= {c for row in csv.reader(io.StringIO(file_text(path), newline="")) for c in row}
    expected = NEUTRALISED if suffix == ".xlsx" else [c for c in NEUTRALISED if "投乐" not in c and "上海辛" not in c]
    assert not [c for c in expected if c not in cells]
