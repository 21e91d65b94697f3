"""Exports are all or nothing: an injected failure, a SIGTERM or a SIGKILL at any point of a large export
leaves no partial file. Every file with a final name belongs to a complete set (its manifest lists it with
the right sha256); what a SIGKILL leaves (a hidden temporary folder, and the first renamed files of a set
whose manifest was not placed yet, listed in its journal) the next export removes."""

from dataclasses import replace
from datetime import date, datetime
import hashlib
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import orjson
import pytest

from conftest import query, write_csv
from screening.handoff import atomic_files, formats
from screening.handoff.atomic_files import JOURNAL, TEMP_PREFIX, FileSets, recover
from screening.handoff.export import export
from screening.rules.regulators import load_regulators
from screening.settings import REPO_ROOT, get_settings
from screening.store.scan import scan

REGULATORS = load_regulators(get_settings().keywords_dir)
HEADER = ["企业名称", "统一社会信用代码", "经营范围"]
FIRMS = [["上海丁网络借贷信息中介有限公司", "91310115MA0000001Y", "网络借贷信息中介服务；" + "企业管理咨询；" * 30],
         ["上海乙投资管理有限公司", "91310115MA00000022", "投资管理；资产管理；" + "企业管理咨询；" * 30],
         ["上海丙众筹科技有限公司", "91310115MA00000035", "股权众筹；" + "企业管理咨询；" * 30]]
COPIES = 1_200  # each firm 1,200 times: a hand-off of 3,600 rows for three regulators
TABLES = ("firms", "screenings", "hits", "watchlist")
NOW = datetime(2026, 11, 25, 9, 30)


def multiplied(db: Path, copies: int) -> None:
    """Every firm of the store ``copies`` times over, under new codes (a large hand-off in a second)."""
    con = duckdb.connect(str(db))
    try:
        for table in TABLES:
            con.execute(f"insert into {table} by name select * exclude (n) replace (credit_code || '-' || n as credit_code)"
                        f" from {table}, range(1, $copies) t(n)", {"copies": copies})
    finally:
        con.close()


@pytest.fixture(scope="module")
def large(tmp_path_factory, screener) -> Path:
    folder = tmp_path_factory.mktemp("large")
    db = folder / "store.duckdb"
    scan(write_csv(folder / "firms.csv", [HEADER] + FIRMS), db, screener, as_of=date(2026, 11, 22))
    multiplied(db, COPIES)
    return db


@pytest.fixture
def store(large, tmp_path) -> Path:
    db = tmp_path / "store.duckdb"
    shutil.copy(large, db)
    return db


def final_files(out: Path) -> set[str]:
    """Files with a final name (not the hidden temporary folders)."""
    return {p.name for p in out.iterdir() if not p.name.startswith(TEMP_PREFIX)} if out.exists() else set()


def complete_sets(out: Path) -> set[str]:
    """The files of every complete set in ``out``, after checking each manifest's files and sha256."""
    found = set()
    for manifest in (p for p in out.glob("*_manifest.json")):
        for entry in orjson.loads(manifest.read_bytes())["files"]:
            assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"], entry["name"]
            found.add(entry["name"])
        found.add(manifest.name)
    return found


def journalled(out: Path) -> set[str]:
    """Final names listed in the journals of temporary folders a killed export left."""
    names = set()
    for journal in out.glob(f"{TEMP_PREFIX}*/{JOURNAL}"):
        try:
            names |= {name for names_ in orjson.loads(journal.read_bytes()) for name in names_}
        except orjson.JSONDecodeError:
            pass
    return names


def assert_all_or_nothing(out: Path, store: Path) -> None:
    """No partial file: every final file belongs to a complete set, no temporary folder is left, and
    every hand-off the store recorded has its files."""
    assert final_files(out) == complete_sets(out) if out.exists() else True
    assert not list(out.glob(f"{TEMP_PREFIX}*")) if out.exists() else True
    for (files,) in query(store, "select files from exports"):
        assert {f["name"] for f in orjson.loads(files)} <= final_files(out)


def test_a_large_export_writes_complete_sets(store, tmp_path):
    records = export(store, tmp_path / "out", REGULATORS, now=NOW)
    assert sorted((r["regulator"], r["rows"]) for r in records) == [("证监局", COPIES), ("金融办", COPIES), ("银监局", COPIES)]
    assert_all_or_nothing(tmp_path / "out", store)
    assert len(final_files(tmp_path / "out")) == 12


@pytest.mark.parametrize("failing", ["csv-utf8bom", "xlsx"])
def test_an_injected_failure_while_writing_leaves_nothing(store, tmp_path, monkeypatch, failing):
    real = formats.FORMATS[failing]
    calls = []

    def half_then_fail(path, parts):
        calls.append(path)
        if len(calls) == 2:  # the second regulator's file: the first is complete by then
            path.write_bytes(b"half a file")
            raise OSError(28, "No space left on device")
        real.write(path, parts)

    monkeypatch.setitem(formats.FORMATS, failing, replace(real, write=half_then_fail))
    with pytest.raises(OSError, match="No space left"):
        export(store, tmp_path / "out", REGULATORS, now=NOW)
    assert list((tmp_path / "out").iterdir()) == []  # not even a temporary folder
    assert query(store, "select count(*) from exports") == [(0,)]
    monkeypatch.undo()
    assert len(export(store, tmp_path / "out", REGULATORS, now=NOW)) == 3  # nothing was recorded: all goes again
    assert_all_or_nothing(tmp_path / "out", store)


def test_a_failure_among_the_renames_leaves_only_complete_sets(store, tmp_path, monkeypatch):
    real, renamed = os.rename, []

    def fail_sixth(source, target):
        if len(renamed) == 5:  # the second set's second file
            raise OSError(5, "Input/output error")
        renamed.append(target)
        real(source, target)

    monkeypatch.setattr(atomic_files.os, "rename", fail_sixth)
    with pytest.raises(OSError, match="Input/output"):
        export(store, tmp_path / "out", REGULATORS, now=NOW)
    assert len(final_files(tmp_path / "out")) == 4  # the first set, complete; the second one's first file is gone
    assert_all_or_nothing(tmp_path / "out", store)
    assert query(store, "select count(*) from exports") == [(0,)]


def test_recovery_removes_incomplete_sets_and_keeps_complete_ones(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for name in ("a.xlsx", "a_manifest.json", "b.xlsx", "b_gb18030.csv", "mine.txt"):
        (out / name).write_text(name)
    temp = out / f"{TEMP_PREFIX}{dead.pid}-x"
    temp.mkdir()
    (temp / JOURNAL).write_bytes(orjson.dumps([["a.xlsx", "a_manifest.json"], ["b.xlsx", "b_gb18030.csv", "b_manifest.json"]]))
    (temp / "b_utf8bom.csv").write_text("unplaced")
    alive = out / f"{TEMP_PREFIX}{os.getppid()}-y"  # a running export's folder is left alone
    alive.mkdir()
    recover(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(["a.xlsx", "a_manifest.json", "mine.txt", alive.name])


def test_a_file_set_refuses_to_overwrite(tmp_path):
    (tmp_path / "x.xlsx").write_text("earlier hand-off")
    with FileSets(tmp_path) as files, pytest.raises(FileExistsError):
        files.add(["x.xlsx", "x_manifest.json"])
    assert (tmp_path / "x.xlsx").read_text() == "earlier hand-off"


def export_process(db: Path, out: Path) -> subprocess.Popen:
    """`regscreen export --all` of the store into ``out``, in its own process."""
    code = "import sys; from screening.cli import main; sys.argv[0] = 'regscreen'; main()"
    return subprocess.Popen([sys.executable, "-c", code, "export", "--to", str(out), "--db", str(db), "--all"],
                            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.parametrize("kill", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_signal_at_any_point_of_an_export_leaves_no_partial_file(large, tmp_path, kill):
    started = time.monotonic()
    first = export_process(shutil.copy(large, tmp_path / "timed.duckdb"), tmp_path / "timed")
    assert first.wait(timeout=600) == 0, first.stderr.read().decode()
    whole = time.monotonic() - started
    outcomes = set()
    for n, fraction in enumerate((0.35, 0.55, 0.7, 0.8, 0.9, 0.97)):  # start-up is about a third
        db, out = shutil.copy(large, tmp_path / f"store{n}.duckdb"), tmp_path / f"out{n}"
        process = export_process(db, out)
        time.sleep(whole * fraction)
        process.send_signal(kill)
        code = process.wait(timeout=600)
        assert code in (0, 128 + kill, -kill), process.stderr.read().decode()
        outcomes.add("finished" if code == 0 else "killed")
        if kill == signal.SIGTERM or code == 0:
            assert_all_or_nothing(out, db)  # the command cleaned up after itself
        else:  # nothing can clean up after SIGKILL: what is left is hidden or journalled
            assert final_files(out) - complete_sets(out) <= journalled(out)
            if out.exists():
                recover(out)  # what the next export does first
            assert_all_or_nothing(out, db)
    again = export_process(db, out)  # the store and the folder are fine for the next hand-off
    assert again.wait(timeout=600) == 0, again.stderr.read().decode()
    assert_all_or_nothing(out, db)
    assert "killed" in outcomes
