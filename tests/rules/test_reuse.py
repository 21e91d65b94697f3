"""Decisions reused (issue 13 item 2): the cached path gives exactly the records of the per-record path.

``Screener.screen`` without ``reuse`` decides every occurrence for the record itself, on its whole
field text: it is the reference. The product path (``pipeline.screen_frame``) reuses decisions per
distinct scope item, scope and name (``screening.rules.reuse``). Both must give identical records on
real data (every candidate of the two real samples) and on generated scopes built from the pieces
that decide (terms, cues, brackets, hard and soft stops, separators, places, false friends), with
caches warm from earlier examples. The cache key carries the lists' versions.
"""

import shutil

from hypothesis import HealthCheck, given, settings, strategies as st
import polars as pl
import pytest

from screening.extract.readers import read_extract
from screening.rules.layout import bracket_spans, top_level_items
from screening.rules.pipeline import candidate_mask, prepare, screen_frame
from screening.rules.regions import Region
from screening.rules.results import firm_result
from screening.rules.reuse import FieldDecisions, decision_version
from screening.rules.screener import Screener
from screening.rules.validation import has_keys
from screening.settings import get_settings

TERMS = ["金融", "投资管理", "理财", "P2P", "Ｐ２Ｐ", "資產管理", "资产管理", "网络借贷", "众筹", "支付", "交易所", "基金",
         "投资", "资本", "融资租赁", "项目投资", "投资咨询", "非融资性担保", "财富管理", "股权投资基金", "交易中心"]
CUES = ["除", "外", "以外", "除外", "不得", "不得从事", "不含", "未经", "批准", "非", "性", "不", "禁止", "为", "提供",
        "设备", "系统", "软件", "机构", "部门", "上市", "注册资本", "依照", "规定", "不得以公开方式募集资金", "不得发放贷款"]
PLACES_AND_FRIENDS = ["街", "大厦", "广场", "中心", "城市", "国际", "会", "资金融通", "基金会", "交易所得", "代理财务", "办理财产"]
MARKS = ["（", "）", "(", ")", "【", "】", "[", "]", "{", "}", "；", ";", "，", ",", "、", "。", "\n", "\r", "-", "·",
         ".", "/", " ", "\u200b", "Р"]
WORDS = ["技术开发", "咨询", "上海", "北京", "服务", "信息", "企业管理", "管理", "经济", "销售", "所得", "及"]
PIECES = st.sampled_from(TERMS + CUES + PLACES_AND_FRIENDS + MARKS + WORDS)
SCOPE = st.lists(PIECES, max_size=40).map("".join)
NAME = st.tuples(st.sampled_from(["", "北京", "上海市", "江苏"]), st.lists(PIECES, max_size=6).map("".join),
                 st.sampled_from(["有限公司", "股份有限公司", "投资管理有限公司", "中心（有限合伙）", "分公司"])).map("".join)
REGIONS = st.sampled_from([Region(None, "none"), Region("310115", "credit_code"), Region("110108", "credit_code"),
                           Region("320500", "registration_number"), Region("330205", "address")])
SAMPLES = ("erd_1978_2003_sample20k.csv", "erd_2004_sample20k.csv")


@pytest.fixture(scope="module")
def reuse(screener) -> FieldDecisions:
    """One set of reused decisions for the whole module, so later examples meet warm caches."""
    return FieldDecisions(screener)


def reference(screener: Screener, row: dict) -> dict:
    """The record the per-record path gives (no reuse)."""
    return screener.screen(row["record"], row, Region(row["region"], row["region_source"]), row["rejected"]).as_dict()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAME, scope=SCOPE, region=REGIONS)
def test_reused_decisions_equal_the_per_record_path_on_generated_firms(screener, reuse, name, scope, region):
    fields = {"credit_code": None, "name": name, "scope": scope}
    expected = screener.screen(1, fields, region).as_dict()
    assert screener.screen(1, fields, region, reuse=reuse).as_dict() == expected
    assert screener.screen(1, fields, region, reuse=reuse).as_dict() == expected  # from the caches this time


@settings(max_examples=300, deadline=None)
@given(SCOPE)
def test_top_level_items_split_only_at_hard_stops_outside_brackets(scope):
    items = top_level_items(scope)
    rebuilt = "".join(scope[start:end] + (scope[end] if at < len(items) - 1 else "") for at, (start, end) in enumerate(items))
    assert rebuilt == scope
    for (_, end), (start, _) in zip(items, items[1:]):
        assert start == end + 1 and scope[end] in ";。\n\r"
        assert not any(opening < end < closing for opening, closing in bracket_spans(scope))
    assert items[0][0] == 0 and items[-1][1] == len(scope)


def test_the_items_of_a_scope_are_judged_once(screener):
    reuse = FieldDecisions(screener)
    for _ in range(3):
        for scope in ("投资管理；资产管理。", "资产管理；投资管理", "技术开发；投资管理（不含金融业务）"):
            screener.screen(1, {"name": "某某有限公司", "scope": scope}, Region(None, "none"), reuse=reuse)
    info = reuse.cache_info()
    # 投资管理, 资产管理 and 投资管理（不含金融业务）: each judged once, in the first pass; the second scope's
    # items come from the cache although the scope is new; 技术开发 holds no term and is never judged
    assert (info["items"].misses, info["items"].hits) == (3, 2)
    assert info["scopes"].misses == 3 and info["scopes"].hits == 6


def test_the_cache_key_carries_the_list_versions(screener, tmp_path):
    keywords = tmp_path / "keywords"
    shutil.copytree(get_settings().keywords_dir, keywords)
    national = keywords / "national.toml"
    national.write_text(national.read_text(encoding="utf-8") + '\n[[term]]\nterm = "技术开发"\ncategory = "'
                        + _first_category(national) + '"\nsource = "test"\n', encoding="utf-8")
    changed = Screener.load(keywords, get_settings().registers_dir)
    assert decision_version(changed) != decision_version(screener)
    fields, anywhere = {"name": "某某有限公司", "scope": "技术开发；投资管理"}, Region(None, "none")
    before = screener.screen(1, fields, anywhere, reuse=FieldDecisions(screener))
    after = changed.screen(1, fields, anywhere, reuse=FieldDecisions(changed))
    assert "技术开发" not in {hit.term for hit in before.hits}
    assert "技术开发" in {hit.term for hit in after.hits}
    assert after.as_dict() == changed.screen(1, fields, anywhere).as_dict()


def _first_category(path) -> str:
    """The category of the first term of a list file (a valid one for an added term)."""
    import tomllib
    return tomllib.loads(path.read_text(encoding="utf-8"))["term"][0]["category"]


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES)
def test_reused_decisions_equal_the_per_record_path_on_real_records(screener, registry_dir, sample):
    compared = 0
    for chunk in read_extract(registry_dir / sample, 5_000):
        has_code = has_keys(chunk)
        frame = prepare(screener, chunk, has_code)
        product = {row["record"]: row for row in screen_frame(screener, chunk, has_code).iter_rows(named=True)}
        chosen = frame.filter(pl.col("candidate") & pl.col("problem").fill_null("").eq(""))
        for row in chosen.iter_rows(named=True):
            assert firm_result(product[row["record"]]).as_dict() == reference(screener, row), row["record"]
            compared += 1
    assert compared > 900  # every candidate of the sample (about 1,000 with a term once folded)


def separate_foldings(screener: Screener, names: pl.Series, scopes: pl.Series) -> list[bool]:
    """The candidate mask with every prefilter folding the texts by its own mapping (as before the joint folding)."""
    joined = pl.DataFrame({"n": names, "s": scopes}).select(
        pl.concat_str([pl.col("n").fill_null(""), pl.col("s").fill_null("")], separator="\n")).to_series()
    mask = screener.prefilter.candidates(joined)
    for texts, words in screener.extended._prefilters:
        found = texts.candidates(names)
        mask = mask | (found & words.candidates(names) if words else found)
    return mask.to_list()


def joint_folding(screener: Screener, names: pl.Series, scopes: pl.Series) -> list[bool]:
    return candidate_mask(screener, pl.DataFrame({"name": names, "scope": scopes})).to_list()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), NAME, st.text(max_size=8)), st.one_of(st.none(), SCOPE, st.text(max_size=20))),
                min_size=1, max_size=20))
def test_one_joint_folding_selects_the_same_candidates_as_each_prefilters_own(screener, rows):
    names = pl.Series("name", [n for n, _ in rows], dtype=pl.Utf8)
    scopes = pl.Series("scope", [s for _, s in rows], dtype=pl.Utf8)
    assert joint_folding(screener, names, scopes) == separate_foldings(screener, names, scopes)


@pytest.mark.shared_data
def test_one_joint_folding_selects_the_same_candidates_on_real_records(screener, registry_dir):
    frame = pl.read_parquet(registry_dir / "erd_1978_2004_all.parquet", columns=["企业名称", "经营范围"], n_rows=100_000)
    names, scopes = frame["企业名称"].alias("name"), frame["经营范围"].alias("scope")
    assert joint_folding(screener, names, scopes) == separate_foldings(screener, names, scopes)
