"""What changed since the store last saw each firm: screening.store.delta."""

import polars as pl
import pytest

from screening.store import delta
from screening.store.staging import digest


def firm(code: str, name: str, scope: str, address: str = "上海市浦东新区") -> dict:
    """A staged firm row with its hashes as staging computes them (content: every field; screen: name, scope)."""
    return {"credit_code": code, "name": name, "content_hash": digest([name, scope, address]),
            "screen_hash": digest([name, scope])}


def firms_frame(*rows: dict) -> pl.DataFrame:
    schema = {"credit_code": pl.Utf8, "name": pl.Utf8, "content_hash": pl.Utf8, "screen_hash": pl.Utf8}
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def latest_frame(*rows: tuple[dict, int]) -> pl.DataFrame:
    """The store's latest versions (credit code, version, content hash, screen hash)."""
    data = [{"credit_code": r["credit_code"], "version": v, "content_hash": r["content_hash"],
             "screen_hash": r["screen_hash"]} for r, v in rows]
    return pl.DataFrame(data, schema=delta.LATEST, orient="row")


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
    latest = latest_frame(stored) if stored else latest_frame()
    classified = delta.classify(firms_frame(incoming), latest)
    assert classified.height == 1
    row = classified.row(0, named=True)
    assert row["change"] == change
    assert row["version"] == version
    assert classified.schema["version"] == pl.Int32


def test_classify_many_keeps_input_order_and_other_firms_apart():
    b, c, d = firm("B", "乙", "技术开发"), firm("C", "丙理财", "理财"), firm("D", "丁", "x")
    c2 = firm("C", "丙财富", "理财")
    latest = latest_frame((BASE, 2), (c, 1), (d, 3), (firm("Z", "不在本次", "x"), 1))
    classified = delta.classify(firms_frame(d, c2, b, MOVED), latest)
    assert classified["credit_code"].to_list() == ["D", "C", "B", "A"]
    assert classified["change"].to_list() == ["unchanged", "changed", "new", "updated"]
    assert classified["version"].to_list() == [3, 2, 1, 3]
    assert classified["name"].to_list() == ["丁", "丙财富", "乙", BASE["name"]]


def test_classify_against_an_empty_store_is_all_new():
    classified = delta.classify(firms_frame(BASE, firm("B", "乙", "y")), latest_frame())
    assert classified["change"].to_list() == ["new", "new"]
    assert classified["version"].to_list() == [1, 1]


@pytest.mark.parametrize(
    ("stored", "extract", "gone"),
    [
        (["A", "B", "C"], ["A", "B", "C"], []),
        (["A", "B", "C"], ["A", "C"], ["B"]),
        (["A", "B", "C"], ["D"], ["A", "B", "C"]),
        (["A", "B"], ["A", "B", "C", "D"], []),
        ([], ["A"], []),
        (["A"], [], ["A"]),
    ],
)
def test_missing(stored, extract, gone):
    latest = latest_frame(*[(firm(code, code, "x"), 1) for code in stored])
    firms = firms_frame(*[firm(code, code, "x") for code in extract])
    missing = delta.missing(latest, firms)
    assert sorted(missing["credit_code"].to_list()) == gone
    assert set(missing.columns) >= {"credit_code", "version", "content_hash"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ([], {"new": 0, "changed": 0, "updated": 0, "unchanged": 0}),
        (["new"], {"new": 1, "changed": 0, "updated": 0, "unchanged": 0}),
        (["new", "new", "changed", "unchanged", "unchanged", "unchanged", "updated"],
         {"new": 2, "changed": 1, "updated": 1, "unchanged": 3}),
        (["unchanged"] * 5, {"new": 0, "changed": 0, "updated": 0, "unchanged": 5}),
    ],
)
def test_counts(changes, expected):
    frame = pl.DataFrame({"credit_code": [str(i) for i in range(len(changes))], "change": changes},
                         schema={"credit_code": pl.Utf8, "change": pl.Utf8})
    counts = delta.counts(frame)
    assert counts == expected
    assert all(type(v) is int for v in counts.values())


def test_counts_of_a_classified_extract():
    latest = latest_frame((BASE, 1), (firm("B", "乙", "y"), 1), (firm("C", "丙", "z"), 2))
    incoming = firms_frame(RENAMED, firm("B", "乙", "y"), firm("C", "丙", "z", "北京市"), firm("D", "丁", "w"))
    assert delta.counts(delta.classify(incoming, latest)) == {"new": 1, "changed": 1, "updated": 1, "unchanged": 1}
