"""What changed since the store last saw each firm: screening.store.delta (SQL in the run's staging database)."""

import hashlib

from hypothesis import given, settings, strategies as st
import pytest

from screening.errors import UsageError
from screening.store import delta
from screening.store.staging import reject_duplicates
from store_sql import stage_rows, staging_db

STORED_FIELDS = ("name", "scope", "address", "province", "district", "legal_rep", "status", "registered_on", "capital",
                 "abnormal", "shareholders")


def firm(code: str, name: str, scope: str, address: str = "上海市浦东新区") -> dict:
    """A record as the reader gives it."""
    return {"credit_code": code, "name": name, "scope": scope, "address": address}


def classified(incoming: list[dict], stored: list[tuple[dict, int]], full: bool = False, rejected: tuple = ()):
    """The staging database after the delta: ``stored`` firms (record, version) are the store's latest; the
    records of the codes ``rejected`` were rejected before it."""
    con = staging_db()
    stage_rows(con, [row for row, _ in stored])
    con.execute("insert into stored select credit_code, ?, content_hash, screen_hash from incoming",
                [stored[0][1]] if stored else [1])
    for (row, version) in stored:  # each stored firm at its own version
        con.execute("update stored set version = ? where credit_code = ?", [version, row["credit_code"]])
    con.execute("delete from incoming")
    stage_rows(con, incoming)
    con.execute("update incoming set rejected = 'empty name' where list_contains(?, credit_code)", [list(rejected)])
    reject_duplicates(con)
    counts = delta.classify(con, full)
    return con, counts


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


BASE = firm("A", "上海甲投资管理有限公司", "投资管理", "上海市浦东新区")
RENAMED = firm("A", "上海甲企业管理有限公司", "投资管理", "上海市浦东新区")
SCOPE_CHANGED = firm("A", "上海甲投资管理有限公司", "企业管理咨询", "上海市浦东新区")
MOVED = firm("A", "上海甲投资管理有限公司", "投资管理", "上海市黄浦区")
RENAMED_AND_MOVED = firm("A", "上海甲企业管理有限公司", "投资管理", "上海市黄浦区")


@pytest.mark.parametrize(
    ("incoming", "stored", "change", "version"),
    [
        (BASE, None, "new", 1),
        (BASE, (BASE, 1), "unchanged", 1),
        (BASE, (BASE, 4), "unchanged", 4),
        (RENAMED, (BASE, 1), "changed", 2),
        (SCOPE_CHANGED, (BASE, 1), "changed", 2),
        (SCOPE_CHANGED, (BASE, 7), "changed", 8),
        (MOVED, (BASE, 1), "updated", 2),
        (MOVED, (BASE, 3), "updated", 4),
        (RENAMED_AND_MOVED, (BASE, 2), "changed", 3),  # a name change wins over an address change
        (BASE, (MOVED, 2), "updated", 3),  # moving back is a change too: versions only grow
        (BASE, (RENAMED, 5), "changed", 6),
    ],
    ids=["new", "unchanged-v1", "unchanged-v4", "renamed", "scope", "scope-v7", "address", "address-v3",
         "renamed-and-moved", "moved-back", "renamed-back"],
)
def test_classify(incoming, stored, change, version):
    con, counts = classified([incoming], [stored] if stored else [])
    assert rows(con, "select change, version, typeof(version) from firms") == [(change, version, "INTEGER")]
    assert counts["rows_in"] == counts["rows_loaded"] == 1 and counts["firms_" + change] == 1


def test_classify_many_keeps_other_firms_apart():
    b, c, d = firm("B", "乙", "技术开发"), firm("C", "丙理财", "理财"), firm("D", "丁", "x")
    c2 = firm("C", "丙财富", "理财")
    con, counts = classified([d, c2, b, MOVED], [(BASE, 2), (c, 1), (d, 3), (firm("Z", "不在本次", "x"), 1)])
    assert rows(con, "select f.credit_code, f.change, f.version, i.name from firms f join incoming i using (record) "
                     "order by record") == [
        ("D", "unchanged", 3, "丁"), ("C", "changed", 2, "丙财富"), ("B", "new", 1, "乙"), ("A", "updated", 3, BASE["name"])]
    assert (counts["firms_new"], counts["firms_changed"], counts["firms_updated"], counts["firms_unchanged"]) == (1, 1, 1, 1)
    assert counts["firms_stored"] == 4 and counts["firms_missing"] == 0  # not a full extract: nobody is missing


def test_classify_against_an_empty_store_is_all_new():
    con, _ = classified([BASE, firm("B", "乙", "y")], [])
    assert rows(con, "select change, version from firms order by record") == [("new", 1), ("new", 1)]


@pytest.mark.parametrize(
    ("stored", "extract", "gone"),
    [
        (["A", "B", "C"], ["A", "B", "C"], []),
        (["A", "B", "C"], ["A", "C"], ["B"]),
        (["A", "B", "C"], ["D"], ["A", "B", "C"]),
        (["A", "B"], ["A", "B", "C", "D"], []),
        ([], ["A"], []),
    ],
)
def test_missing(stored, extract, gone):
    con, counts = classified([firm(c, c, "x") for c in extract], [(firm(c, c, "x"), 1) for c in stored], full=True)
    assert sorted(r[0] for r in rows(con, "select credit_code from missing")) == gone
    assert counts["firms_missing"] == len(gone) and counts["firms_stored"] == len(stored)


@pytest.mark.parametrize("full", [True, False])
def test_a_rejected_record_is_not_loaded_and_its_firm_is_missing_from_a_full_extract(full):
    con, counts = classified([firm("A", "", "x"), firm("B", "乙", "x")], [(firm("A", "甲", "x"), 1)], full=full,
                             rejected=("A",))
    assert rows(con, "select credit_code, change from firms") == [("B", "new")]
    assert (counts["rows_in"], counts["rows_loaded"], counts["rows_rejected"]) == (2, 1, 1)
    assert rows(con, "select credit_code from missing") == ([("A",)] if full else [])


@pytest.mark.parametrize(("value", "abnormal"), [
    ("是", True), ("Y", True), ("y", True), ("YES", True), ("1", True), ("经营异常", True), ("列入", True),
    (" 是 ", True), ("\u3000是\t", True), ("TRUE", True), ("true", True),
    ("否", False), ("N", False), ("0", False), ("", False), ("移出", False), ("正常", False), (None, False),
])
def test_abnormal_values(value, abnormal):
    con, _ = classified([firm("A", "甲", "x") | {"abnormal": value}], [])
    assert rows(con, "select abnormal_flag from firms") == [(abnormal,)]


# ---------------------------------------------------------------- hashes, as earlier versions computed them


def python_digest(values) -> str:
    """sha1 of the fields joined by a unit separator (None as empty): the digest stores were written with."""
    return hashlib.sha1("\x1f".join(v or "" for v in values).encode("utf-8")).hexdigest()


text = st.one_of(st.none(), st.text(max_size=12))


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({field: text for field in STORED_FIELDS}))
def test_sql_hashes_equal_the_digests_stored_firms_carry(fields):
    con = staging_db()
    stage_rows(con, [{"credit_code": "A", **fields}])
    content, screen = rows(con, "select content_hash, screen_hash from incoming")[0]
    assert content == python_digest([fields[f] for f in STORED_FIELDS])
    assert screen == python_digest([fields["name"], fields["scope"]])


# ---------------------------------------------------------------- a partial extract sent as full


@pytest.mark.parametrize(("stored", "missing", "limit", "refused"), [
    (30_000, 29_900, 0.2, True), (100, 21, 0.2, True), (100, 20, 0.2, False), (100, 0, 0.2, False),
    (0, 0, 0.2, False), (100, 60, 0.5, True), (100, 100, 1.0, False),
])
def test_mass_missing_is_refused_with_the_counts(stored, missing, limit, refused, tmp_path):
    counts = {"firms_stored": stored, "firms_missing": missing, "rows_loaded": 100}
    if not refused:
        delta.refuse_mass_missing(counts, limit, tmp_path / "x.csv")
        return
    with pytest.raises(UsageError) as error:
        delta.refuse_mass_missing(counts, limit, tmp_path / "x.csv")
    message = str(error.value)
    assert f"{missing:,} of the {stored:,} stored firms" in message and "--allow-mass-missing" in message
    assert error.value.exit_code == 2
