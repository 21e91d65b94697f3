"""One run of the store: screening.store.scan.scan against a real DuckDB file in tmp_path."""

from datetime import date
import shutil
from pathlib import Path

import duckdb
import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.errors import ExtractError
from screening.rules.screener import Screener, product_screener
from screening.settings import get_settings
from screening.store import commit
from screening.store.ledgers import RUNLOG
from screening.store.publish import fingerprint, is_current, snapshot_path
from screening.store.decisions import decide
from screening.store.scan import scan
from store_scenario import (code, HEADER, SCOPE, RENAMED, STEADY, GONE, PLAIN, HOLD, NEWCO, LATER, BAD_CHECKSUM, ROW, NEWCO_ROW, EMPTY_NAME, BAD_ROW, FIRST, SECOND, TABLES, snapshot, watch, run_row, Store, Crash, crash, P2P, SCOPE_2, RENAMED_2)


@pytest.fixture
def store(tmp_path, screener) -> Store:
    return Store(tmp_path, screener)


@pytest.fixture
def two_runs(store) -> Store:
    """Run 1 on FIRST, run 2 on SECOND as a full extract."""
    store.first = store.scan(FIRST, day=1)
    store.second = store.scan(SECOND, day=2, full=True)
    return store


# ---------------------------------------------------------------- first load


def test_first_load(store):
    report = store.scan(FIRST)
    run = run_row(store.db, 1)
    assert report.run_id == 1 and run["status"] == "complete" and run["repeat_of"] is None
    assert (run["rows_in"], run["rows_loaded"], run["rows_rejected"]) == (9, 8, 1)
    assert run["rows_in"] == run["rows_loaded"] + run["rows_rejected"]
    assert (run["firms_new"], run["firms_changed"], run["firms_updated"], run["firms_unchanged"]) == (8, 0, 0, 0)
    assert run["firms_screened"] == 8 and run["firms_missing"] == 0 and run["rescreened_all"] is False
    assert run["extract_file"] == str(store.dir / "extract1.csv") and len(run["extract_sha256"]) == 64
    assert run["as_of"] == date(2024, 3, 1) and run["started_at"] <= run["finished_at"]
    assert set(__import__("json").loads(run["list_versions"])) == set(store.screener.versions)
    assert query(store.db, "select credit_code, version from firms order by 1") == sorted(
        (c, 1) for c in (P2P, SCOPE, RENAMED, STEADY, GONE, PLAIN, HOLD, LATER))
    assert query(store.db, "select record, reason from rejects") == [(9, "empty name")]
    entries = watch(store.db)
    assert set(entries) == {P2P, SCOPE, RENAMED, STEADY, GONE, HOLD}
    assert {e["status"] for e in entries.values()} == {"new"}
    assert all(e["first_flagged_run"] == 1 and e["first_flagged_on"] == date(2024, 3, 1) for e in entries.values())


def test_first_load_firm_rows_and_hits(store):
    store.scan(FIRST)
    row = query(store.db, "select name, scope, address, status, abnormal, region, region_source, content_hash, "
                          "screen_hash, first_run, last_run, seen_on from firms where credit_code = ?", [P2P])[0]
    assert row[:7] == ("上海丁网络借贷信息中介有限公司", "网络借贷信息中介服务", "上海市浦东新区", "存续", True, "310115",
                       "credit_code")
    assert len(row[7]) == 40 and len(row[8]) == 40 and row[9:] == (1, 1, date(2024, 3, 1))
    hits = query(store.db, "select term, field, span_start, span_end, counts, why, list, list_version, source, "
                           "category, regulator, matched, list from hits where credit_code = ? and term = '投资管理' "
                           "order by list", [SCOPE])
    assert [h[6] for h in hits] == ["beijing_scope_suspension", "national"]
    assert all(h[1] == "scope" and h[2:4] == (0, 4) and h[11] == "投资管理" and h[7] and h[8] and h[9] and h[10]
               for h in hits)
    assert hits[1][4:6] == (True, None)  # the national list counts
    assert hits[0][4:6] == (False, "other region's list: beijing_scope_suspension applies in 11")
    suspended = query(store.db, "select counts, why, action from hits where credit_code = ? and term = '控股'", [HOLD])
    assert suspended and all(not c and w.startswith("suspension list") and a == "suspend" for c, w, a in suspended)


def test_abnormal_firm_first_and_beijing_move_in_held(store):
    store.scan(FIRST)
    entries = watch(store.db)
    assert entries[P2P]["priority"] == 1 and entries[P2P]["abnormal"] is True
    assert entries[P2P]["priority_reason"].startswith("经营异常名录优先")
    assert entries[P2P]["lead_category"] == "P2P网络借贷" and entries[P2P]["lead_regulator"] == "银监局"
    assert entries[HOLD]["hold"] is True and entries[HOLD]["status"] == "new"
    assert entries[HOLD]["counting_hits"] == 0 and entries[HOLD]["region"] == "110108"
    assert entries[HOLD]["priority"] == max(e["priority"] for e in entries.values())  # held, no counting hit
    assert not any(e["hold"] for c, e in entries.items() if c != HOLD)
    assert query(store.db, "select hold from screenings where credit_code = ?", [HOLD]) == [(True,)]


@pytest.mark.parametrize(
    ("status", "region_code", "held"),
    [("迁入", "91110108MA0000007", True), ("存续", "91110108MA0000007", False),
     ("迁入", "91310115MA0000007", False)],  # outside Beijing the suspension lists do not apply
    ids=["beijing-move-in", "beijing-existing", "shanghai-move-in"],
)
def test_hold_needs_move_in_and_beijing(store, status, region_code, held):
    firm = code(region_code)
    store.scan([["北京庚控股有限公司", firm, "技术开发", "北京市海淀区", status, ""]])
    entries = watch(store.db)
    assert (firm in entries) is held
    if held:
        assert entries[firm]["hold"] is True


# ---------------------------------------------------------------- repeat


def test_same_file_again_is_a_repeat_and_changes_nothing(store):
    path = store.extract(FIRST)
    store.scan(path, day=1)
    decide(store.db, STEADY, "confirm", "核实为理财顾问", "王五")
    before = snapshot(store.db)
    untouched = fingerprint(store.db), fingerprint(snapshot_path(store.db))
    report = store.scan(path, day=5)
    after = snapshot(store.db)
    assert report.status == "repeat" and report.repeat_of == 1 and report.run_id == 2
    assert after == before  # nothing in the store changes: the repeat is a row of the run log beside it
    assert (fingerprint(store.db), fingerprint(snapshot_path(store.db))) == untouched  # nor is it published again
    assert is_current(RUNLOG.path(store.db))
    repeat = run_row(store.db, 2)
    original = run_row(store.db, 1)
    assert (repeat["status"], repeat["repeat_of"], repeat["firms_screened"]) == ("repeat", 1, 0)
    for column in ("extract_sha256", "rows_in", "rows_loaded", "rows_rejected", "list_versions"):
        assert repeat[column] == original[column]
    again = store.scan(path, day=6)
    assert (again.status, again.repeat_of, again.run_id) == ("repeat", 1, 3)
    assert query(store.db, "select count(*) from hits where run_id > 1") == [(0,)]


def test_the_same_file_after_a_later_run_is_processed_again(store):
    """A repeat is a repeat of the store's current state: once run 2 changed SCOPE, the first file again
    brings its 投资管理 back (processed as any extract), and only then is it a repeat."""
    first = store.extract(FIRST)
    store.scan(first, day=1)
    store.scan([ROW[P2P], SCOPE_2], day=2)
    assert watch(store.db)[SCOPE]["status"] == "cleared"
    again = store.scan(first, day=3)
    assert (again.status, again.repeat_of, again.firms_changed) == ("complete", None, 1)
    assert (watch(store.db)[SCOPE]["status"], watch(store.db)[SCOPE]["version"]) == ("changed", 3)
    assert store.scan(first, day=4).repeat_of == 3


def test_a_file_that_changes_while_it_is_read_is_refused_and_never_counts_as_read(store, monkeypatch):
    """A file still being copied: refused, nothing recorded, so its complete version is not a 'repeat'."""
    from screening.store import staging

    store.scan(FIRST, day=1)
    before = snapshot(store.db)
    path = store.extract(SECOND)
    complete = path.read_bytes()
    path.write_bytes(complete[: len(complete) // 2])  # half copied …
    real = staging.stage_extract

    def copy_finishes_while_read(*args, **kwargs):
        real(*args, **kwargs)
        path.write_bytes(complete)  # … and the copy completes while the run reads it

    monkeypatch.setattr(staging, "stage_extract", copy_finishes_while_read)
    with pytest.raises(ExtractError, match="changed while it was read"):
        store.scan(path, day=2)
    assert snapshot(store.db) == before and not (store.dir / "store.parts").exists()
    monkeypatch.undo()
    report = store.scan(path, day=2)
    assert (report.status, report.rows_in, report.firms_changed) == ("complete", 9, 2)


def test_a_copy_of_the_file_under_another_name_is_a_repeat(store):
    path = store.extract(FIRST)
    store.scan(path)
    copy = store.dir / "renamed.csv"
    shutil.copy(path, copy)
    assert store.scan(copy).status == "repeat"


# ---------------------------------------------------------------- the second extract


def test_second_extract_counts(two_runs):
    run = run_row(two_runs.db, 2)
    assert run["status"] == "complete" and run["full_extract"] is True
    assert (run["rows_in"], run["rows_loaded"], run["rows_rejected"]) == (9, 8, 1)
    assert (run["firms_new"], run["firms_changed"], run["firms_updated"], run["firms_unchanged"],
            run["firms_missing"]) == (1, 2, 0, 5, 1)
    assert run["firms_screened"] == 3  # only new and changed firms
    assert sorted(query(two_runs.db, "select credit_code from screenings where run_id = 2")) == sorted(
        [(NEWCO,), (SCOPE,), (RENAMED,)])
    assert query(two_runs.db, "select count(*) from hits where run_id = 2 and credit_code not in (?, ?, ?)",
                 [NEWCO, SCOPE, RENAMED]) == [(0,)]


def test_scope_change_clears_after_change(two_runs):
    entry = watch(two_runs.db)[SCOPE]
    assert (entry["status"], entry["cleared_after_change"]) == ("cleared", True)
    assert entry["version"] == 2 and entry["first_flagged_run"] == 1 and entry["updated_run"] == 2
    assert entry["priority"] is None
    assert query(two_runs.db, "select version, scope from firms where credit_code = ? order by version", [SCOPE]) == [
        (1, "投资管理；企业管理咨询"), (2, "企业管理咨询")]
    assert query(two_runs.db, "select credit_code, version from v_cleared_after_change") == [(SCOPE, 2)]
    changed = {r[0]: r for r in query(two_runs.db, "select credit_code, old_version, new_version, old_scope, new_scope, "
                                                   "watch_status, cleared_after_change from v_changed_firms")}
    assert changed[SCOPE] == (SCOPE, 1, 2, "投资管理；企业管理咨询", "企业管理咨询", "cleared", True)
    assert SCOPE not in {r[0] for r in query(two_runs.db, "select credit_code from v_watchlist_current")}


def test_renamed_firm_that_still_hits_is_changed(two_runs):
    entry = watch(two_runs.db)[RENAMED]
    assert (entry["status"], entry["cleared_after_change"], entry["version"]) == ("changed", False, 2)
    assert entry["name"] == "上海乙财富管理有限公司"
    assert (entry["priority"], entry["priority_reason"]) == (3, "类别：资产管理及跨界金融（第5位） → 金融办；命中数：1")
    assert query(two_runs.db, "select old_name, new_name, watch_status from v_changed_firms where credit_code = ?",
                 [RENAMED]) == [("上海乙金融信息服务有限公司", "上海乙财富管理有限公司", "changed")]


def test_unchanged_flagged_firm_is_continuing(two_runs):
    entries = watch(two_runs.db)
    for firm in (STEADY, P2P, HOLD):
        assert entries[firm]["status"] == "continuing"
        assert (entries[firm]["version"], entries[firm]["last_seen_run"], entries[firm]["last_seen_on"]) == (
            1, 2, date(2024, 3, 2))
        assert entries[firm]["first_flagged_run"] == 1
    assert query(two_runs.db, "select version, first_run, last_run, seen_on from firms where credit_code = ?",
                 [STEADY]) == [(1, 1, 2, date(2024, 3, 2))]
    assert entries[P2P]["priority"] == 1 and entries[HOLD]["hold"] is True


def test_full_extract_lacking_a_firm_marks_it_missing(two_runs):
    assert watch(two_runs.db)[GONE]["status"] == "missing"
    assert run_row(two_runs.db, 2)["firms_missing"] == 1
    assert query(two_runs.db, "select count(*) from firms where credit_code = ?", [GONE]) == [(1,)]  # history kept


def test_a_partial_extract_does_not_mark_missing(store):
    store.scan(FIRST)
    store.scan([ROW[P2P], SCOPE_2], day=2, full=False)
    assert run_row(store.db, 2)["firms_missing"] == 0
    assert watch(store.db)[GONE]["status"] == "new"  # not seen, not missing: as it was


def test_new_firm_and_views_after_the_second_run(two_runs):
    db = two_runs.db
    assert watch(db)[NEWCO]["status"] == "new"
    assert [r[0] for r in query(db, "select credit_code from v_new_since_last_run")] == [NEWCO]
    current = query(db, "select credit_code, status, priority from v_watchlist_current")
    assert [r[2] for r in current] == list(range(1, len(current) + 1))
    assert {r[0] for r in current} == {P2P, RENAMED, STEADY, HOLD, NEWCO}
    assert current[0][0] == P2P
    assert query(db, "select record, reason, raw from v_rejects_last_run") == [
        (9, "invalid credit code checksum", ",".join(BAD_ROW))]
    by_regulator = {(r[0], r[1]): r[2:] for r in query(
        db, "select lead_regulator, status, firms, abnormal_firms, held_firms from v_watchlist_by_regulator")}
    assert by_regulator[("银监局", "continuing")] == (1, 1, 0)
    assert sum(r[0] for r in by_regulator.values()) == len(watch(db))
    by_region = dict(((r[0], r[1]), r[2]) for r in query(db, "select province_code, region, firms from v_watchlist_by_region"))
    assert by_region == {("11", "110108"): 1, ("31", "310115"): 4}
    terms = {(r[0], r[1]): r[2:] for r in query(db, "select list, term, hits, counting, not_counting, firms "
                                                    "from v_hits_per_term")}
    assert terms[("beijing_name_suspension", "控股")] == (1, 0, 1, 1)
    assert terms[("national", "基金管理")] == (2, 2, 0, 1)  # NEWCO: name and scope
    assert terms[("national", "财富管理")][1:] == (1, 0, 1)  # RENAMED's new name


def test_hits_per_term_counts_only_each_firms_latest_screening(two_runs):
    terms = {(r[0], r[1]) for r in query(two_runs.db, "select list, term from v_hits_per_term")}
    assert ("national", "投资管理") not in terms  # SCOPE's version 2 no longer has it
    assert ("national", "金融") not in terms  # RENAMED's version 2 is 上海乙财富管理有限公司


def test_audit_has_a_row_for_each_status_change(two_runs):
    rows = query(two_runs.db, "select run_id, credit_code, old_status, new_status from audit")
    expected = [(1, firm, None, "new") for firm in (P2P, SCOPE, RENAMED, STEADY, GONE, HOLD)] + [
        (2, SCOPE, "new", "cleared"), (2, RENAMED, "new", "changed"), (2, STEADY, "new", "continuing"),
        (2, GONE, "new", "missing"), (2, P2P, "new", "continuing"), (2, HOLD, "new", "continuing"),
        (2, NEWCO, None, "new")]
    assert sorted(rows, key=repr) == sorted(expected, key=repr)
    reasons = dict(((r[0], r[1]), r[2]) for r in query(two_runs.db, "select run_id, credit_code, reason from audit"))
    assert reasons[(2, SCOPE)] == "no counting hit after a change of registration"
    assert reasons[(2, GONE)] == "absent from a full extract"


def test_an_updated_firm_is_screened_and_its_priority_follows(store):
    store.scan(FIRST)
    abnormal_now = list(ROW[STEADY])
    abnormal_now[5] = "是"
    store.scan([ROW[P2P], abnormal_now], day=2)
    run = run_row(store.db, 2)
    assert (run["firms_changed"], run["firms_updated"], run["firms_unchanged"], run["firms_screened"]) == (0, 1, 1, 1)
    entry = watch(store.db)[STEADY]
    assert (entry["status"], entry["abnormal"], entry["version"]) == ("changed", True, 2)
    assert entry["priority"] == 2  # abnormal now, after the abnormal P2P platform


def test_a_firm_flagged_again_after_clearing(store):
    store.scan(FIRST)
    store.scan([SCOPE_2], day=2)
    store.scan([ROW[SCOPE]], day=3)
    entry = watch(store.db)[SCOPE]
    assert (entry["status"], entry["version"], entry["first_flagged_run"]) == ("changed", 3, 1)
    assert query(store.db, "select old_status, new_status, reason from audit where credit_code = ? and run_id = 3",
                 [SCOPE]) == [("cleared", "changed", "flagged again")]


# ---------------------------------------------------------------- quiet nights and firms that come back


def test_an_extract_with_every_firm_unchanged(store):
    """A quiet night: a new file (rows reordered), every firm unchanged; nothing to screen."""
    store.scan(FIRST)
    report = store.scan(list(reversed(FIRST)), day=2)
    assert report.status == "complete" and report.firms_unchanged == 8 and report.firms_screened == 0
    assert {e["status"] for e in watch(store.db).values()} == {"continuing"}


def test_a_missing_firm_that_comes_back_is_watched_again(two_runs):
    """Back, unchanged, in a later full extract: watched again, not 'missing'."""
    two_runs.scan(SECOND[:-1] + [ROW[GONE], ["上海癸科技有限公司", code("91310115MA0000011"), "技术开发", "上海市", "存续", ""]],
                  day=3, full=True)
    assert run_row(two_runs.db, 3)["firms_missing"] == 0
    assert watch(two_runs.db)[GONE]["status"] == "continuing"
    assert GONE in {r[0] for r in query(two_runs.db, "select credit_code from v_watchlist_current")}
    assert query(two_runs.db, "select old_status, new_status, reason from audit where run_id = 3 and credit_code = ?",
                 [GONE]) == [("missing", "continuing", "present again after missing from a full extract")]


def test_a_missing_firm_that_comes_back_changed_without_its_term_is_cleared(two_runs):
    back = ["上海戊科技有限公司", GONE, "技术开发", "上海市浦东新区", "存续", ""]  # 交易中心 dropped from the name
    two_runs.scan(SECOND[:-1] + [back], day=3, full=True)
    entry = watch(two_runs.db)[GONE]
    assert (entry["status"], entry["cleared_after_change"], entry["version"]) == ("cleared", True, 2)


# ---------------------------------------------------------------- term lists changed


@pytest.fixture
def changed_lists(tmp_path, monkeypatch) -> Screener:
    """A copy of keywords/ with 众投 added to the national list, and a screener over it."""
    keywords = tmp_path / "keywords"
    shutil.copytree(get_settings().keywords_dir, keywords)
    national = keywords / "national.toml"
    national.write_text(national.read_text(encoding="utf-8") + '\n[[term]]\nterm = "众投"\ncategory = "股权众筹"\n'
                        'source = "test: a term added to the list"\n', encoding="utf-8")
    monkeypatch.setenv("REGSCREEN_KEYWORDS_DIR", str(keywords))
    get_settings.cache_clear()
    yield product_screener(get_settings())
    get_settings.cache_clear()


def test_changed_term_list_rescreens_every_firm(two_runs, changed_lists):
    old = two_runs.screener.versions
    assert changed_lists.versions["national"] != old["national"]
    assert {k: v for k, v in changed_lists.versions.items() if k != "national"} == {
        k: v for k, v in old.items() if k != "national"}
    report = two_runs.scan(two_runs.dir / "extract2.csv", day=3, full=True, screener=changed_lists)
    run = run_row(two_runs.db, 3)
    assert report.status == "complete" and run["rescreened_all"] is True  # same file, other lists: not a repeat
    stored = {r[0] for r in query(two_runs.db, "select credit_code from v_firms_latest")}
    screened = {r[0] for r in query(two_runs.db, "select credit_code from screenings where run_id = 3")}
    assert screened == stored and len(stored) == 9  # GONE too, though the extract lacks it
    assert run["firms_screened"] == 9
    assert query(two_runs.db, "select versions from (select distinct list_version as versions from hits where "
                              "run_id = 3 and list = 'national')") == [(changed_lists.versions["national"],)]
    entry = watch(two_runs.db)[LATER]
    assert entry["first_flagged_run"] == 3 and entry["lead_category"] == "股权众筹"
    assert [r[0] for r in query(two_runs.db, "select credit_code from v_new_since_last_run")] == [LATER]
    again = two_runs.scan(two_runs.dir / "extract2.csv", day=4, full=True, screener=changed_lists)
    assert again.status == "repeat" and again.repeat_of == 3


def test_firm_first_flagged_by_a_new_term_is_new(two_runs, changed_lists):
    two_runs.scan(two_runs.dir / "extract2.csv", day=3, full=True, screener=changed_lists)
    assert watch(two_runs.db)[LATER]["status"] == "new"
    assert query(two_runs.db, "select old_status, new_status from audit where credit_code = ?", [LATER]) == [
        (None, "new")]


def test_cleared_after_change_survives_a_rescreen(two_runs, changed_lists):
    two_runs.scan(two_runs.dir / "extract2.csv", day=3, full=True, screener=changed_lists)
    entry = watch(two_runs.db)[SCOPE]
    assert (entry["status"], entry["cleared_after_change"]) == ("cleared", True)
    assert query(two_runs.db, "select credit_code from v_cleared_after_change") == [(SCOPE,)]


# ---------------------------------------------------------------- decisions across runs


def decision_of(db: Path, firm: str):
    rows = query(db, "select decision, decision_reason, decided_by from v_watchlist_current where credit_code = ?", [firm])
    assert len(rows) == 1, rows
    return rows[0]


def in_review_queue(db: Path, firm: str) -> bool:
    return firm in {r[0] for r in query(db, "select credit_code from v_review_queue")}


def test_decision_persists_until_the_registration_changes(store):
    store.scan(FIRST, day=1)
    assert in_review_queue(store.db, STEADY)
    decide(store.db, STEADY, "dismiss", "理财顾问为咨询业务，已核实", "李四")
    assert decision_of(store.db, STEADY) == ("dismiss", "理财顾问为咨询业务，已核实", "李四")
    assert not in_review_queue(store.db, STEADY) and in_review_queue(store.db, P2P)

    store.scan([ROW[STEADY], ROW[P2P], SCOPE_2], day=2)  # STEADY unchanged
    assert watch(store.db)[STEADY]["status"] == "continuing"
    assert decision_of(store.db, STEADY) == ("dismiss", "理财顾问为咨询业务，已核实", "李四")
    assert not in_review_queue(store.db, STEADY)

    changed = list(ROW[STEADY])
    changed[2] = "技术开发；理财咨询"
    store.scan([changed, ROW[P2P], SCOPE_2], day=3)  # its registration changed: shown again
    assert watch(store.db)[STEADY]["status"] == "changed"
    assert decision_of(store.db, STEADY) == (None, None, None)
    assert in_review_queue(store.db, STEADY)
    assert query(store.db, "select count(*) from decisions where credit_code = ?", [STEADY]) == [(1,)]  # history kept

    decide(store.db, STEADY, "confirm", "范围新增理财咨询", "李四")
    assert decision_of(store.db, STEADY)[0] == "confirm" and not in_review_queue(store.db, STEADY)


# ---------------------------------------------------------------- crash safety

def crash_at(monkeypatch, step: str) -> None:
    """Make the commit crash when it reaches ``step`` (one of commit.STEPS)."""
    real = commit.run_step

    def crashing(con, name, params=None):
        if name == step:
            crash()
        return real(con, name, params)

    monkeypatch.setattr(commit, "run_step", crashing)


@pytest.mark.parametrize("step", commit.STEPS)
def test_a_crash_leaves_the_store_as_before(store, monkeypatch, step):
    store.scan(FIRST, day=1)
    decide(store.db, STEADY, "confirm", "核实", "王五")
    before = snapshot(store.db)
    second = store.extract(SECOND)
    crash_at(monkeypatch, step)
    with pytest.raises(Crash):
        store.scan(second, day=2, full=True)
    assert snapshot(store.db) == before
    monkeypatch.undo()
    report = store.scan(second, day=2, full=True)
    assert report.status == "complete" and report.run_id == 2
    assert [note.split(" (")[0] for note in report.notes] == ["resumed interrupted run 2"]  # its parts were kept
    assert watch(store.db)[SCOPE]["status"] == "cleared"
    assert not (store.dir / "store.parts").exists()  # the run's folder goes with its commit


@pytest.mark.parametrize("step", ["commit_run_row", "watch_list", "commit_firm_versions"])
def test_a_crash_on_a_new_store_leaves_no_tables(store, monkeypatch, step):
    path = store.extract(FIRST)
    crash_at(monkeypatch, step)
    with pytest.raises(Crash):
        store.scan(path)
    assert snapshot(store.db) in (None, {})
    monkeypatch.undo()
    assert store.scan(path).status == "complete"
    assert len(watch(store.db)) == 6


def test_a_crash_while_recording_a_repeat_leaves_the_store_and_the_run_log_as_before(store, monkeypatch):
    from screening.store import runlog

    path = store.extract(FIRST)
    store.scan(path)
    store.scan(path, day=2)  # run 2: a repeat, in the run log
    before = snapshot(store.db), query(store.db, "select run_id, status from v_runs order by 1")
    monkeypatch.setattr(runlog, "INSERT_REPEAT", "insert into no_such_table values (1)")  # the insert fails
    with pytest.raises(Exception):
        store.scan(path, day=3)
    assert (snapshot(store.db), query(store.db, "select run_id, status from v_runs order by 1")) == before
    monkeypatch.undo()
    assert (store.scan(path, day=3).run_id, run_row(store.db, 3)["repeat_of"]) == (3, 1)


def test_an_unreadable_extract_leaves_the_store_as_before(store):
    store.scan(FIRST)
    before = snapshot(store.db)
    bad = store.dir / "nocode.csv"
    bad.write_text("企业名称,经营范围\n上海甲投资管理有限公司,投资管理\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="credit code"):
        store.scan(bad, day=2)
    assert snapshot(store.db) == before


def test_the_default_part_size_is_the_readers_chunk_size():
    from screening.extract.readers import CHUNK_ROWS
    from screening.store.scan import DEFAULT_CHUNK_ROWS, RunOptions

    assert DEFAULT_CHUNK_ROWS == CHUNK_ROWS == RunOptions().chunk_rows


def test_a_folder_left_by_a_run_that_had_committed_is_removed_and_said_so(store):
    """A kill between a run's commit and the removal of its folder: the store is "after", the next run
    removes the folder and says the run had committed (not that it left the store as it was)."""
    from screening.store.runfolder import Manifest, RunFolder, default_parts_dir

    path = store.extract(FIRST)
    store.scan(path, day=1)
    left = RunFolder(default_parts_dir(store.db), 1)
    left.create(Manifest(1, 0, str(path), "sha", [0, 0, 0], {}, False))
    left.mark_planned()
    report = store.scan(path, day=2)
    assert report.status == "repeat" and not left.path.exists()
    assert report.notes == ["removed the parts left by run 1, which had committed"]
