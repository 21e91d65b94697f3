"""The extended risk tier (关注): what it raises and what it must not, its switch, its list file,
and that the plans' verdict ``flagged`` never changes because of it."""

import json
from pathlib import Path
import shutil

from click.testing import CliRunner
from hypothesis import given, settings as hypothesis_settings, strategies as st
import polars as pl
import pytest
from stdnum.cn import uscc

import screening.cli as cli
import screening.cli.options as cli_options
from conftest import write_csv
from screening.rules.extended import ExtendedTier
from screening.rules.hits import EXTENDED_TIER, PLANS_TIER
from screening.rules.regions import Region
from screening.settings import get_settings
from screening.errors import ListError as TermListError
from screening.rules.termlists import load_categories

KEYWORDS = get_settings().keywords_dir
BEIJING, SHANGHAI, GUANGZHOU, NONE = "110108", "310115", "440101", None


def screen(screener, name: str, region: str | None, scope: str = ""):
    """Screen one firm registered in ``region`` (None: no region known, as for the P2P names)."""
    fields = {"name": name, "scope": scope}
    if region:
        base = f"91{region}MA0000001"
        fields["credit_code"] = base + uscc.calc_check_digit(base)
    return screener.screen(1, fields, Region(region, "credit_code" if region else "none"))


# (name, region, extended entry expected, the characters it covers)
MUST_MATCH = [
    ("红岭创投电子商务股份有限公司", NONE, "字号含创投", "创投"),
    ("人人贷商务顾问（北京）有限公司", BEIJING, "字号含贷", "贷"),
    ("东莞团贷网互联网科技服务有限公司", GUANGZHOU, "字号含贷", "贷"),       # 贷 inside the trade name, not only last
    ("开鑫贷融资服务江苏有限公司", NONE, "融资", "融资"),
    ("上海某某众筹科技有限公司", SHANGHAI, "众筹", "众筹"),                  # 众筹 outside Beijing
    ("广州某某金服科技有限公司", GUANGZHOU, "金服", "金服"),
    ("深圳市钱爸爸电子商务有限公司", NONE, "字号含钱（中介或科技行业）", "钱"),
    ("广州好易融互联网信息服务有限公司", GUANGZHOU, "字号含融（中介或科技行业）", "融"),
    ("广州某某财富网络科技有限公司", GUANGZHOU, "字号或行业含财富", "财富"),
    ("广州闲钱宝电子商务有限公司", GUANGZHOU, "字号以宝结尾（中介行业）", "宝"),
    ("上海某某资本管理有限公司", SHANGHAI, "资本", "资本"),                  # Beijing's word, elsewhere
    ("宁波某某投资咨询有限公司", "330205", "投资咨询", "投资咨询"),
]


@pytest.mark.parametrize("name, region, entry, covered", MUST_MATCH)
def test_must_match(screener, name, region, entry, covered):
    result = screen(screener, name, region)
    assert result.attention and not result.flagged
    found = [hit for hit in result.attention_hits if hit.term == entry]
    assert found, [hit.term for hit in result.hits]
    assert found[0].matched == covered == name[found[0].start:found[0].end]


# (name, region): names that must not raise attention, with why in a comment
MUST_NOT_MATCH = [
    ("某某小额贷款有限公司", GUANGZHOU),                    # 贷 in the industry part (小额贷款), not the trade name
    ("广州某某贷款担保有限公司", GUANGZHOU),                # likewise
    ("杭州钱塘机械有限公司", "330102"),                      # 钱 of a place, in a machinery firm
    ("广州金利泰五金有限公司", GUANGZHOU),                  # 金/利 only with an intermediary's industry
    ("沈阳金久鼎机电商贸有限公司", "210102"),                # not 电商 across 机电/商贸
    ("广州宝钢贸易有限公司", GUANGZHOU),                    # 宝 not at the end of the trade name
    ("广州高创投资管理有限公司", GUANGZHOU),                # 创投 across 高创/投资: not in the trade name
    ("中国工商银行股份有限公司上海市财富广场支行", SHANGHAI),  # a licensed bank; 财富 in a branch's place name
    ("广州某某机械制造有限公司", GUANGZHOU),
]


@pytest.mark.parametrize("name, region", MUST_NOT_MATCH)
def test_must_not_match(screener, name, region):
    result = screen(screener, name, region)
    assert not result.attention
    assert not [hit for hit in result.hits if hit.tier == EXTENDED_TIER]


def test_beijing_crowdfunding_is_a_plans_hit_not_an_extended_one(screener):
    result = screen(screener, "北京某某众筹科技有限公司", BEIJING)
    assert result.flagged and not result.attention
    assert {(hit.list, hit.tier) for hit in result.hits} == {("beijing_watch", PLANS_TIER)}


def test_a_flagged_firm_is_not_also_raised_for_attention(screener):
    result = screen(screener, "上海拍拍贷金融信息服务有限公司", SHANGHAI)
    assert result.flagged and not result.attention
    # the extended hit is still shown, with its tier, and does not count
    assert [(h.term, h.tier, h.list, h.field, h.start, h.end, h.counts) for h in result.attention_hits] == [
        ("字号含贷", EXTENDED_TIER, "extended", "name", 4, 5, False)]
    assert {hit.tier for hit in result.counting_hits} == {PLANS_TIER}


def test_every_extended_hit_explains_itself(screener):
    name = "东莞团贷网互联网科技服务有限公司"
    result = screen(screener, name, GUANGZHOU)
    for hit in result.attention_hits:
        assert hit.tier == EXTENDED_TIER and hit.list == "extended" and hit.counts is False
        assert hit.why == "extended tier (关注): raises attention, not counted for the plans' lists"
        assert hit.use is None and hit.use_reason is None
        assert hit.matched == name[hit.start:hit.end]
        assert hit.source.startswith("扩展层（非方案所列）: ") and len(hit.source) > 40
        assert hit.list_version == screener.extended.version and hit.regulator and hit.category
    parts = result.name_parts
    assert parts.trade_name.text == "团贷网"
    assert parts.trade_name.start <= result.attention_hits[0].start < parts.trade_name.end


# ---------------------------------------------------------------- the switch


def test_switched_off_there_are_no_extended_hits(screener):
    plain = screener.without_extended()
    for name, region, _, _ in MUST_MATCH:
        result = screen(plain, name, region)
        assert not result.attention and not [hit for hit in result.hits if hit.tier == EXTENDED_TIER]
    assert screener.extended is not None  # the session's screener is untouched


@pytest.mark.parametrize("value, on", [("false", False), ("0", False), ("true", True)])
def test_setting_switches_the_tier(monkeypatch, value, on):
    from screening.rules.screener import Screener, product_screener

    monkeypatch.setenv("REGSCREEN_EXTENDED_TIER", value)
    get_settings.cache_clear()
    try:
        assert (product_screener(get_settings()).extended is not None) is on
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("flag, attention", [([], True), (["--no-extended"], False)])
def test_check_output_and_no_extended(monkeypatch, screener, tmp_path, flag, attention):
    monkeypatch.setattr(cli_options, "load_screener", lambda: screener)
    path = write_csv(tmp_path / "extract.csv", [["企业名称"], ["红岭创投电子商务股份有限公司"], ["广州某某机械制造有限公司"]])
    result = CliRunner().invoke(cli.main, ["check", str(path), *flag], catch_exceptions=False)
    first, second = [json.loads(line) for line in result.stdout.splitlines()]
    assert first["attention"] is attention and first["flagged"] is False and second["attention"] is False
    assert {hit["tier"] for hit in first["hits"]} == ({EXTENDED_TIER} if attention else set())
    if attention:
        assert first["name_parts"]["trade_name"] == {"text": "红岭创投", "start": 0, "end": 4}
        assert first["name_parts"]["form"]["text"] == "股份有限公司"


def test_table_shows_attention_and_the_parse(monkeypatch, screener, tmp_path):
    monkeypatch.setattr(cli_options, "load_screener", lambda: screener)
    path = write_csv(tmp_path / "extract.csv", [["企业名称"], ["人人贷商务顾问（北京）有限公司"]])
    result = CliRunner().invoke(cli.main, ["check", str(path), "--format", "table"], catch_exceptions=False)
    assert "ATTENTION (关注)" in result.stdout and "字号 人人贷" in result.stdout and "字号含贷" in result.stdout


# ---------------------------------------------------------------- the list file


@pytest.fixture()
def keywords(tmp_path: Path) -> Path:
    copy = tmp_path / "keywords"
    shutil.copytree(KEYWORDS, copy)
    return copy


@pytest.mark.parametrize("edit, message", [
    (('category = "股权众筹"', 'category = "外星众筹"'), r"extended.toml: entry #1 \('众筹'\): unknown category"),
    (('term = "金服"\n', 'term = "金服"\nbogus = 1\n'), r"extended.toml: entry #2 \('金服'\) field bogus"),
    (('term = "借贷"', 'term = "  "'), r"extended.toml: entry #4 \('  '\) field term"),
    (('where = ["trade_name"]\ncategory = "P2P网络借贷"', 'where = ["scope"]\ncategory = "P2P网络借贷"'),
     r"extended.toml: pattern #1 \('字号含贷'\) field where/0"),
    (('with_industry = ["intermediary", "technology"]', 'with_industry = ["intermediary", "magic"]'),
     r"extended.toml: pattern #4 \('字号含钱（中介或科技行业）'\): unknown industry group\(s\) magic"),
    (('tier = "关注"', 'tier = "重点监管"'), r"extended.toml: tier"),
    (('label = "字号含创投"', 'label = "字号含贷"'), r"extended.toml: pattern #2 \('字号含贷'\): duplicate"),
])
def test_malformed_extended_list_names_file_and_entry(keywords, edit, message):
    path = keywords / "extended.toml"
    old, new = edit
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TermListError, match=message):
        ExtendedTier(path, load_categories(keywords))


def test_every_entry_has_a_reason_and_the_list_stays_apart(screener):
    from screening.rules.termlists import load_lists

    assert "extended" not in {lst.id for lst in load_lists(KEYWORDS)}
    assert "extended" not in screener.versions
    for term in screener.extended.term_list.terms:
        assert term.tier == EXTENDED_TIER and term.fields == ("name",)
        assert len(term.source.removeprefix("扩展层（非方案所列）: ")) > 40


# ---------------------------------------------------------------- invariants

NAME_PIECES = st.sampled_from(["北京", "上海", "某", "贷", "钱", "融", "金", "宝", "众筹", "金融", "理财", "信息", "服务",
                               "科技", "网络", "投资", "咨询", "资本", "财富", "小额贷款", "有限公司", "（北京）", "分公司", "银行"])
REGIONS = st.sampled_from([BEIJING, SHANGHAI, GUANGZHOU, NONE])


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(NAME_PIECES, min_size=1, max_size=8).map("".join), REGIONS)
def test_flagged_never_depends_on_the_tier(screener, name, region):
    """Invariant: the plans' verdict, hits and exemption are the same with the tier on or off;
    attention is raised only for firms neither flagged nor exempt."""
    on, off = screen(screener, name, region), screen(screener.without_extended(), name, region)
    assert on.flagged == off.flagged
    if off.hits:  # exemptions are looked up for firms with hits: an extended hit may add the evidence
        assert on.exempt == off.exempt
    assert [hit for hit in on.hits if hit.tier == PLANS_TIER] == off.hits
    assert not (on.attention and (on.flagged or on.exempt))


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(NAME_PIECES, min_size=1, max_size=8).map("".join), REGIONS)
def test_prefilter_never_misses_a_name_with_an_extended_hit(screener, name, region):
    """Invariant: the vectorised name prefilter is an exact superset of the names with extended hits."""
    result = screen(screener, name, region)
    if [hit for hit in result.hits if hit.tier == EXTENDED_TIER]:
        assert screener.extended.candidates(pl.Series([name], dtype=pl.Utf8)).to_list() == [True]


# ---------------------------------------------------------------- measured on real names

@pytest.mark.shared_data
def test_p2p_operators_and_ordinary_firms(screener, registry_dir):
    """bench/extended_tier.py's numbers: the plans' share is unchanged, the extended tier lifts the
    P2P operators caught to at least 84% while raising under 1% of the ordinary development sample."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from extended_tier import extra_rate, p2p_shares

    shares = p2p_shares(screener, registry_dir)
    assert (shares.total, shares.plans) == (558, 362)
    assert shares.any_tier / shares.total >= 0.84, shares.misses
    extra = extra_rate(screener, registry_dir / "erd_1978_2003_sample20k.csv")
    assert extra.rate < 0.01, [r.name for r in extra.raised]


@pytest.mark.shared_data
@pytest.mark.xfail(strict=True, reason="goal not reached: about 90 of the 558 P2P operators have names with no "
                                       "financial signal at all (…网络科技, …电子商务 with a neutral trade name)")
def test_p2p_goal_of_95_percent(screener, registry_dir):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from extended_tier import p2p_shares

    shares = p2p_shares(screener, registry_dir)
    assert shares.any_tier / shares.total >= 0.95
