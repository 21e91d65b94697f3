"""Every misuse of --db and --to (screening/store/location.py): every store command refuses it with
exit 2 and one line naming the path — no traceback, and nothing written beside what is not a store."""

from pathlib import Path

import duckdb
import pytest

from conftest import write_csv
from screening.errors import StoreError, StoreMissing
from screening.store.location import check_output_folder, check_store

CODE = "91310115MA0000001Y"
EXTRACT_ROWS = [["企业名称", "统一社会信用代码", "经营范围"], ["上海甲投资管理有限公司", "91310115MA0000001Y", "投资管理"]]


def folder(tmp: Path) -> Path:
    (tmp / "stores").mkdir()
    return tmp / "stores"


def csv_file(tmp: Path) -> Path:
    return write_csv(tmp / "extract.csv", EXTRACT_ROWS)


def empty_file(tmp: Path) -> Path:
    (tmp / "empty.duckdb").write_bytes(b"")
    return tmp / "empty.duckdb"


def other_duckdb(tmp: Path) -> Path:
    path = tmp / "accounts.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table ledger (account varchar, amount decimal(12, 2))")
        con.execute("insert into ledger values ('a', 1.5)")
    return path


def damaged_duckdb(tmp: Path) -> Path:
    source = other_duckdb(tmp)
    path = tmp / "damaged.duckdb"
    path.write_bytes(source.read_bytes()[:4096] + b"\0" * 4096)
    return path


def under_a_file(tmp: Path) -> Path:
    return csv_file(tmp) / "registry.duckdb"


def unwritable_folder(tmp: Path) -> Path:
    return Path("/sys/regscreen-test/registry.duckdb")  # not writable, even by root


def missing_store(tmp: Path) -> Path:
    return tmp / "nowhere" / "registry.duckdb"


def snapshot_of_a_store(tmp: Path) -> Path:
    path = tmp / "registry.published.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table runs (run_id bigint)")
        con.execute("create table firms (credit_code varchar)")
    return path


COMMANDS = {  # name: (arguments before --db, writes the store, may create one)
    "scan": (["scan", "{extract}"], True, True),
    "nightly": (["nightly", "{drop}", "--runner", "threads"], True, True),
    "sql": (["sql", "select 1"], False, False),
    "status": (["status"], False, False),
    "decide": (["decide", CODE, "confirm", "--reason", "r", "--by", "b"], True, False),
    "export": (["export", "--to", "{out}"], True, False),
    "push": (["push", "--endpoint", "http://127.0.0.1:9/"], True, False),
    "dossier": (["dossier", CODE], False, False),
    "related": (["related", CODE], False, False),
}
MISUSES = {  # name: (build, says, refused by: all commands, or writers only)
    "folder": (folder, "is a folder, not a store file", "all"),
    "csv-file": (csv_file, "is not a DuckDB database", "all"),
    "empty-file": (empty_file, "is not a DuckDB database", "all"),
    "other-duckdb": (other_duckdb, "is a DuckDB database of something else (tables: ledger)", "all"),
    "damaged-duckdb": (damaged_duckdb, "a DuckDB file this version cannot open", "all"),
    "under-a-file": (under_a_file, "", "all"),
    "unwritable-folder": (unwritable_folder, "", "all"),
    "missing-store": (missing_store, "no store here yet", "not creating"),
    "the-snapshot": (snapshot_of_a_store, "is the store's read-only snapshot", "writers"),
}
TABLE = [pytest.param(command, misuse, id=f"{command}-{misuse}") for command in COMMANDS for misuse in MISUSES
         if MISUSES[misuse][2] == "all"
         or (MISUSES[misuse][2] == "writers" and COMMANDS[command][1])
         or (MISUSES[misuse][2] == "not creating" and not COMMANDS[command][2])]


def files_of(tmp: Path) -> dict[str, bytes]:
    return {str(p.relative_to(tmp)): p.read_bytes() for p in sorted(tmp.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("command", "misuse"), TABLE)
def test_every_store_command_refuses_every_misuse_in_one_line(run, tmp_path, command, misuse):
    build, says, _ = MISUSES[misuse]
    db = build(tmp_path)
    (tmp_path / "drop").mkdir()
    extract = csv_file(tmp_path / "drop")
    before = files_of(tmp_path)
    arguments, _, _ = COMMANDS[command]
    arguments = [a.format(extract=extract, drop=tmp_path / "drop", out=tmp_path / "out") for a in arguments]
    result = run(*arguments, "--db", db)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith(f"regscreen: error: {db}") or result.stderr.startswith("regscreen: error: /sys"), \
        result.stderr
    assert says in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert files_of(tmp_path) == before  # nothing written: no lock, snapshot or secret beside it, no hand-off folder


TO_MISUSES = [
    pytest.param(csv_file, "is a file, not a folder", id="to-a-file"),
    pytest.param(under_a_file, "the folder cannot be created", id="to-under-a-file"),
    pytest.param(lambda tmp: Path("/sys/regscreen-test-out"), "the folder cannot be created", id="to-unwritable"),
]


@pytest.mark.parametrize(("build", "says"), TO_MISUSES)
def test_export_refuses_a_misused_to(run, tmp_path, build, says):
    store = tmp_path / "store" / "registry.duckdb"
    assert run("scan", write_csv(tmp_path / "x.csv", EXTRACT_ROWS), "--db", store).exit_code == 0
    out = build(tmp_path)
    result = run("export", "--to", out, "--db", store)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"regscreen: error: {out}") and says in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_new_store_and_a_real_one_pass(run, tmp_path):
    new = tmp_path / "a" / "b" / "registry.duckdb"
    assert check_store(new, create=True) == new and not new.parent.exists()  # checked, nothing made
    with pytest.raises(StoreMissing):
        check_store(new)
    assert run("scan", write_csv(tmp_path / "x.csv", EXTRACT_ROWS), "--db", new).exit_code == 0
    for writing in (True, False):
        assert check_store(new, writing=writing) == new
    assert check_output_folder(tmp_path / "out" / "deeper").is_dir()


def test_a_store_held_by_a_run_is_not_refused(tmp_path, run):
    store = tmp_path / "registry.duckdb"
    assert run("scan", write_csv(tmp_path / "x.csv", EXTRACT_ROWS), "--db", store).exit_code == 0
    with duckdb.connect(str(store)):  # a writer holds DuckDB's lock: the tables cannot be read now
        assert check_store(store, writing=False) == store
    with pytest.raises(StoreError, match="something else"):
        check_store(other_duckdb(tmp_path))
