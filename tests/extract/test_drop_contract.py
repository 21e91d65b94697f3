"""The drop folder contract (screening/extract/drop.py, file_types.py): which files are complete
extracts, which wait, which are refused, and what a refusal says and leaves behind."""

import os
from pathlib import Path
import shutil
import time

from hypothesis import given, settings, strategies as st
import polars as pl
import pytest

from screening.errors import ConfigError
from screening.extract import drop
from screening.extract.file_types import sniff
from screening.settings import REPO_ROOT

SAMPLE = REPO_ROOT / "data" / "sample" / "registrations_sample.csv"
SETTLE = 30.0
SECRET = "root:x:0:0:secret-line-of-a-file"


def age(path: Path, seconds: float) -> Path:
    """Make the file look last written ``seconds`` ago (its ctime stays now: see ``clock``)."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def later(seconds: float):
    """A clock ``seconds`` ahead of now: every file written before is that old (mtime and ctime)."""
    return lambda: time.time() + seconds


def sample_frame() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, infer_schema=False)


def good_file(folder: Path, name: str) -> Path:
    """A good extract of the sample's 24 firms, in the format its name says."""
    path = folder / name
    suffix = path.suffix
    if suffix == ".csv":
        shutil.copy(SAMPLE, path)
    elif suffix == ".parquet":
        sample_frame().write_parquet(path)
    elif suffix == ".jsonl":
        sample_frame().write_ndjson(path)
    elif suffix == ".xlsx":
        sample_frame().write_excel(path)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "drop"
    path.mkdir()
    return path


def judged(folder: Path, clock=later(SETTLE + 1), **options) -> drop.DropScan:
    waits: list = []
    found = drop.scan_drop(folder, SETTLE, wait=lambda seconds, paths: waits.append((seconds, paths)), clock=clock,
                           **options)
    found.waits = waits
    return found


# ---------------------------------------------------------------- names

@pytest.mark.parametrize(("name", "kind"), [
    ("extract.csv", "extract"), ("EXTRACT.CSV", "extract"), ("e.xlsx", "extract"), ("e.parquet", "extract"),
    ("e.jsonl", "extract"), ("e.csv.part", "in-progress"), ("e.csv.tmp", "in-progress"), ("e.csv.partial", "in-progress"),
    ("e.xlsx.filepart", "in-progress"), ("e.csv.crdownload", "in-progress"), (".e.csv.AbC123", "other"),
    (".e.csv", "other"), ("~$e.xlsx", "other"), ("e.csv.done", "other"), ("e.csv.reason.txt", "other"),
    ("readme.txt", "other"), ("e.zip", "other"), ("rejected", "other"), ("e.csv.bak", "other"),
])
def test_names_say_what_a_file_is(name, kind):
    assert drop.kind_of_name(name) == kind


# ---------------------------------------------------------------- complete or not

def test_an_old_file_is_complete_without_waiting(folder):
    good_file(folder, "a.csv")
    found = judged(folder)
    assert [e.path.name for e in found.complete] == ["a.csv"] and found.waits == [] and found.refused == []


def test_files_still_being_written_by_name_wait_and_are_never_read(folder):
    (folder / "b.csv.part").write_bytes(SAMPLE.read_bytes()[:100])
    found = judged(folder)
    assert found.complete == [] and found.refused == []
    assert [(p.name, why) for p, why in found.waiting] == [("b.csv.part", "still being written (its name says so)")]


def test_a_young_file_that_does_not_change_over_the_settle_time_is_complete(folder):
    good_file(folder, "a.csv")
    found = judged(folder, clock=time.time)  # written just now
    assert [e.path.name for e in found.complete] == ["a.csv"]
    assert len(found.waits) == 1 and 0 < found.waits[0][0] <= SETTLE and found.waits[0][1] == [folder / "a.csv"]


@pytest.mark.parametrize("change", ["append", "truncate", "replace", "remove"])
def test_a_young_file_that_changes_during_the_settle_time_waits(folder, change):
    half = SAMPLE.read_bytes()[: len(SAMPLE.read_bytes()) // 2]
    path = folder / "copying.csv"
    path.write_bytes(half)

    def meanwhile(seconds, paths):
        if change == "append":
            with open(path, "ab") as handle:
                handle.write(SAMPLE.read_bytes()[len(half):])
        elif change == "truncate":
            path.write_bytes(half[:10])
        elif change == "replace":
            other = folder / "other.tmp"
            other.write_bytes(half)
            os.replace(other, path)
        else:
            path.unlink()

    found = drop.scan_drop(folder, SETTLE, wait=meanwhile, clock=time.time)
    assert found.complete == []
    assert [p.name for p, _ in found.waiting] == ["copying.csv"]
    assert "still changing after 30 s" in found.waiting[0][1]


def test_a_renamed_part_file_waits_out_the_settle_time_then_is_complete(folder):
    part = folder / "a.csv.part"
    shutil.copy(SAMPLE, part)
    age(part, 3600)  # written an hour ago, renamed now: the rename changes its ctime
    os.rename(part, folder / "a.csv")
    found = judged(folder, clock=time.time)
    assert [e.path.name for e in found.complete] == ["a.csv"] and len(found.waits) == 1


@pytest.mark.parametrize(("marker", "require", "complete"), [
    ("after", False, True), ("after", True, True), ("none", True, False), ("before", True, False),
    ("none", False, True),  # no marker, not required: the settle time decides (and the file did not change)
])
def test_a_marker_written_after_the_file_makes_it_complete_at_once(folder, marker, require, complete):
    path = good_file(folder, "a.csv")
    if marker != "none":
        done = folder / "a.csv.done"
        done.write_text("")
        offset = 60 if marker == "after" else -60
        stamp = path.stat().st_mtime + offset
        os.utime(done, (stamp, stamp))
    found = judged(folder, clock=time.time, require_marker=require)
    assert ([e.path.name for e in found.complete] == ["a.csv"]) is complete
    if marker == "after":
        assert found.waits == []  # taken at once, no settle time
    if require and not complete:
        assert [why for _, why in found.waiting] == ["no a.csv.done marker yet"]


def test_complete_extracts_come_oldest_first(folder):
    for name, seconds in (("b.csv", 100), ("a.csv", 50), ("c.csv", 200)):
        age(good_file(folder, name), seconds)
    assert [e.path.name for e in judged(folder, clock=later(SETTLE + 300)).complete] == ["c.csv", "b.csv", "a.csv"]


# ---------------------------------------------------------------- symbolic links

@pytest.mark.parametrize("target", ["/etc/passwd", "outside", "inside", "dangling", "folder"])
def test_a_symbolic_link_is_refused_and_never_followed(folder, tmp_path, target):
    outside = good_file(tmp_path, "outside.csv")
    inside = good_file(folder, "inside.csv")
    points_at = {"/etc/passwd": Path("/etc/passwd"), "outside": outside, "inside": inside,
                 "dangling": tmp_path / "gone.csv", "folder": tmp_path}[target]
    link = folder / "link.csv"
    link.symlink_to(points_at)
    found = judged(folder)
    assert [r.path.name for r in found.refused] == ["link.csv"]
    assert "symbolic link" in found.refused[0].reason
    moved = drop.refuse(folder, found.refused[0])
    assert moved == folder / "rejected" / "link.csv" and moved.is_symlink()  # the link moved, not what it points at
    assert os.readlink(moved) == str(points_at)
    if target != "dangling" and target != "folder":
        assert points_at.exists()


# ---------------------------------------------------------------- content against name

@pytest.mark.parametrize("name", ["a.csv", "a.parquet", "a.jsonl", "a.xlsx"])
def test_good_extracts_of_every_type_are_taken_with_their_rows(folder, name):
    good_file(folder, name)
    extract = judged(folder).complete[0]
    probed = drop.probe(extract)
    assert isinstance(probed, drop.Extract), probed
    assert probed.rows == 24


def xlsx_bytes(tmp_path: Path) -> bytes:
    return good_file(tmp_path, "book.xlsx").read_bytes()


def parquet_bytes(tmp_path: Path) -> bytes:
    return good_file(tmp_path, "data.parquet").read_bytes()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("saved_as.csv", xlsx_bytes, "named .csv but its content is a zip archive or an .xlsx workbook; save it as CSV"),
    ("saved_as.jsonl", xlsx_bytes, "named .jsonl but its content is a zip archive or an .xlsx workbook"),
    ("csv.parquet", lambda tmp: SAMPLE.read_bytes(), "named .parquet but its content is text (a CSV or JSON file?)"),
    ("csv.xlsx", lambda tmp: SAMPLE.read_bytes(), "named .xlsx but its content is text"),
    ("old.xlsx", lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "an old-format .xls workbook or a password-protected"),
    ("report.csv", lambda tmp: b"%PDF-1.7\n" + b"x" * 100, "named .csv but its content is a PDF document"),
    ("packed.csv", lambda tmp: b"\x1f\x8b\x08\x00" + b"\0" * 100, "named .csv but its content is a gzip archive"),
    ("cut.parquet", lambda tmp: parquet_bytes(tmp)[:-200], "a Parquet file cut short (no footer)"),
    ("empty.csv", lambda tmp: b"", "empty file (0 bytes)"),
    ("empty.parquet", lambda tmp: b"", "empty file (0 bytes)"),
    ("passwd.csv", lambda tmp: f"{SECRET}\nbin:x:1:1\n".encode(), "its encoding or header cannot be read (the reason file says why)"),
    ("big5.csv", lambda tmp: "企業名稱,統一社會信用代碼\n台北甲投資管理有限公司,91110105MA00000012\n".encode("big5"),
     "its encoding or header cannot be read"),
])
def test_a_file_that_is_not_what_its_name_says_is_refused_without_showing_its_content(folder, tmp_path, name, content, reason):
    path = folder / name
    path.write_bytes(content(tmp_path))
    age(path, 3600)
    found = judged(folder)
    probed = drop.probe(found.complete[0])
    assert isinstance(probed, drop.Refusal)
    assert reason in probed.reason
    assert SECRET not in probed.reason and "root" not in probed.reason and "PK" not in probed.reason


def test_a_file_that_cannot_be_opened_is_refused(folder):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = good_file(folder, "locked.csv")
    path.chmod(0)
    probed = drop.probe(judged(folder).complete[0])
    assert isinstance(probed, drop.Refusal) and "permission denied" in probed.reason


@pytest.mark.parametrize(("head", "kind"), [
    (b"PK\x03\x04rest", "zip"), (b"PAR1\x15\x04", "parquet"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF-1.4", "pdf"), (b"SQLite format 3\x00", "sqlite"), (b"\x7fELF\x02", "elf"),
    ("统一社会信用代码,企业名称".encode(), "text"), ("企业名称".encode("gb18030"), "text"), (b"PK", "text"),
    (b"PAR", "text"), (b"", "text"),
])
def test_magic_bytes(head, kind):
    assert sniff(head)[0] == kind


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 200)), deadline=None)
@given(content=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".parquet", ".xlsx", ".jsonl"]))
def test_any_bytes_are_taken_or_refused_and_a_refusal_never_shows_them(tmp_path_factory, content, suffix):
    folder = tmp_path_factory.mktemp("drop")
    path = folder / f"any{suffix}"
    path.write_bytes(content)
    probed = drop.probe(drop.Extract(path, len(content), 0, 0))
    assert isinstance(probed, (drop.Extract, drop.Refusal))
    if isinstance(probed, drop.Refusal):
        shown = probed.reason.encode("utf-8", "surrogateescape")
        pieces = {content[i:i + 8] for i in range(0, max(0, len(content) - 8))}
        assert [piece for piece in pieces if len(set(piece)) > 2 and piece in shown] == []


# ---------------------------------------------------------------- refusing

def test_a_refused_file_moves_to_rejected_with_its_reason_and_its_marker(folder):
    path = folder / "bad.csv"
    path.write_bytes(f"{SECRET}\n".encode())
    (folder / "bad.csv.done").write_text("")
    refusal = drop.Refusal(path, "its encoding or header cannot be read", f"{path}: no column for 'name'. Found: {SECRET}")
    moved = drop.refuse(folder, refusal)
    assert moved == folder / "rejected" / "bad.csv" and moved.read_text().startswith(SECRET)
    assert (folder / "rejected" / "bad.csv.done").exists() and not path.exists() and not (folder / "bad.csv.done").exists()
    reason = (folder / "rejected" / "bad.csv.reason.txt").read_text(encoding="utf-8")
    assert "file: bad.csv" in reason and "reason: its encoding or header cannot be read" in reason
    assert f"detail: {path}: no column for 'name'" in reason and "what to do:" in reason


def test_a_second_refused_file_of_the_same_name_keeps_the_first(folder):
    for content in (b"first", b"second"):
        (folder / "bad.csv").write_bytes(content)
        drop.refuse(folder, drop.Refusal(folder / "bad.csv", "empty file"))
    kept = sorted(p.name for p in (folder / "rejected").iterdir() if not p.name.endswith(".reason.txt"))
    assert len(kept) == 2 and kept[-1] == "bad.csv" and kept[0].endswith("_bad.csv")
    assert {(folder / "rejected" / name).read_bytes() for name in kept} == {b"first", b"second"}


def test_the_reason_file_keeps_undecodable_detail_readable(folder):
    (folder / "x.csv").write_bytes(b"x")
    drop.refuse(folder, drop.Refusal(folder / "x.csv", "unreadable", "header PK\udc8f\udcc2 garbled"))
    assert "\\udc8f" in (folder / "rejected" / "x.csv.reason.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the folder itself

def test_a_missing_drop_folder_is_created(tmp_path):
    assert drop.ensure_drop_folder(tmp_path / "new" / "drop").is_dir()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_text("x"), "the drop folder is not a folder"),
    (lambda p: None, "no such drop folder"),
])
def test_a_drop_folder_that_cannot_be_used_is_a_configuration_error(tmp_path, make, message):
    path = tmp_path / "drop"
    make(path)
    with pytest.raises(ConfigError, match=message):
        drop.ensure_drop_folder(path, create=False)
    if path.exists():
        with pytest.raises(ConfigError, match=message):
            drop.ensure_drop_folder(path)


def test_unchanged_sees_a_file_replaced_after_it_was_judged(folder):
    path = good_file(folder, "a.csv")
    extract = judged(folder).complete[0]
    assert drop.unchanged(extract)
    with open(path, "ab") as handle:
        handle.write(b"91110105MA00000012,late,row\n")
    assert not drop.unchanged(extract)
