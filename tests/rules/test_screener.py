"""The verdict per firm (SCREENING_RULES.md section 4), as a table of cases."""

from hypothesis import given, settings, strategies as st
import pytest
from stdnum.cn import uscc

from screening.rules.folding import HIDDEN, fold_text
from screening.rules.hits import PLANS_TIER
from screening.rules.regions import Region


def code(region: str) -> str:
    """A valid credit code registered in ``region``."""
    base = f"91{region}MA0000001"
    return base + uscc.calc_check_digit(base)


BEIJING, SHANGHAI, JIANGSU, GUANGZHOU = "110108", "310115", "320102", "440101"

# (region, name, scope, flagged, a counting term expected or None)
CASES = [
    (GUANGZHOU, "广州某某投资管理有限公司", "投资管理；投资咨询", True, "投资管理"),
    (GUANGZHOU, "广州某某科技有限公司", "金融信息服务（除金融业务）", True, "金融"),
    (GUANGZHOU, "广州某某科技有限公司", "技术开发（不含金融业务）", False, None),
    (GUANGZHOU, "广州某某慈善基金会", "资助教育", False, None),
    (GUANGZHOU, "广州金融街物业管理有限公司", "物业管理", False, None),
    (GUANGZHOU, "广州某某贸易有限公司", "资金融通咨询（不含许可项目）", False, None),
    (GUANGZHOU, "广州某某保险代理有限公司", "代理财产保险", False, None),
    (GUANGZHOU, "廣州某某財富管理有限公司", "", True, "财富管理"),
    (GUANGZHOU, "广州某某网络科技有限公司", "Ｐ２Ｐ网络借贷信息中介", True, "P2P"),
    (GUANGZHOU, "广州某某网络科技有限公司", "手机支付业务", True, "支付"),
    (GUANGZHOU, "广州某某投资有限公司", "项目投资", False, None),          # 投资 is a Beijing word only
    (BEIJING, "北京某某投资有限公司", "项目投资", True, "投资"),
    (BEIJING, "北京某某控股有限公司", "企业管理", False, None),            # 控股: name suspension, applications only
    (BEIJING, "北京某某众筹科技有限公司", "技术开发", True, "众筹"),
    (SHANGHAI, "上海某某众筹科技有限公司", "技术开发", False, None),      # outside Beijing only 股权众筹 counts
    (SHANGHAI, "上海某某信息科技有限公司", "网贷信息咨询", True, "网贷"),
    (JIANGSU, "南京某某投资理财咨询有限公司", "投资理财咨询", True, "投资理财"),
    (GUANGZHOU, "广州某某投资理财咨询有限公司", "投资理财咨询", True, "理财"),
    (GUANGZHOU, "中国工商银行股份有限公司广州某某支行", "办理人民币存款、贷款；代理金融债券", False, None),
    (GUANGZHOU, "广州某某投资咨询有限公司",
     "投资咨询（1、未经有关部门批准，不得以公开方式募集资金；2、不得公开开展证券类产品和金融衍生品交易活动；3、不得发放贷款）",
     False, None),
]


@pytest.mark.parametrize("region, name, scope, flagged, term", CASES)
def test_verdict_cases(screener, region, name, scope, flagged, term):
    fields = {"credit_code": code(region), "name": name, "scope": scope}
    result = screener.screen(1, fields, Region(region, "credit_code"))
    assert result.flagged is flagged
    counting = {hit.term for hit in result.counting_hits}
    if term:
        assert term in counting
    if not flagged:
        assert not counting or result.exempt


def test_every_hit_explains_itself(screener):
    fields = {"name": "北京金融街資本投資管理有限公司", "scope": "投资咨询（除金融、证券）；资金融通"}
    result = screener.screen(7, fields, Region(BEIJING, "credit_code"))
    for hit in result.hits:
        text = fields[hit.field]
        assert hit.matched == text[hit.start:hit.end]
        assert hit.counts == (hit.why is None)
        assert hit.list_version and hit.source and hit.regulator and hit.category
    whys = {(hit.term, hit.list, hit.field, hit.start): hit.why for hit in result.hits}
    assert whys[("金融", "national", "name", 2)] == "place name: 金融街 (a street)"
    assert whys[("资本", "beijing_name_suspension", "name", 5)].startswith("suspension list")
    assert whys[("资本", "beijing_watch", "name", 5)] is None
    assert whys[("金融", "national", "scope", 6)].startswith("negated (除): （除金融、证券）")
    assert whys[("金融", "national", "scope", 14)] == "not a word: 资金/融通"


def test_other_regions_list_is_reported_not_counted(screener):
    result = screener.screen(1, {"name": "上海某某资本管理有限公司", "scope": ""}, Region(SHANGHAI, "credit_code"))
    assert not result.flagged
    plans_hits = [hit for hit in result.hits if hit.tier == "重点监管"]  # the extended tier (关注) adds its own
    assert {hit.why.split(":")[0] for hit in plans_hits} == {"other region's list"}


def test_exempt_firm_is_never_flagged(screener):
    result = screener.screen(1, {"name": "某某农村信用合作社", "scope": "吸收存款；发放贷款；办理结算；代理金融业务"},
                             Region(GUANGZHOU, "credit_code"))
    assert result.exempt and result.exempt["evidence"]
    assert result.counting_hits and not result.flagged


# Issue 12 item 1: hidden or look-alike characters and separators inside a term never hide the firm,
# the span slices the original text, and the hit says how the term was hidden.
@pytest.mark.parametrize("name, scope, term, field, matched, obfuscated", [
    ("杭州恒信投\u2063资管\u2063理有限公司", "", "投资管理", "name", "投\u2063资管\u2063理", "不可见字符 U+2063"),
    ("杭州某某科技有限公司", "网络\u2063借贷；P\u20632\u2063P", "网络借贷", "scope", "网络\u2063借贷", "不可见字符 U+2063"),
    ("杭州某某科技有限公司", "P\u20622\u2064P", "P2P", "scope", "P\u20622\u2064P", "不可见字符 U+2062；不可见字符 U+2064"),
    ("杭州某某科技有限公司", "金\u180e融信息服务", "金融", "scope", "金\u180e融", "不可见字符 U+180E"),
    ("杭州某某科技有限公司", "理\u034f财咨询", "理财", "scope", "理\u034f财", "不可见字符 U+034F"),
    ("杭州某某科技有限公司", "支\ufe0f付结算", "支付", "scope", "支\ufe0f付", "不可见字符 U+FE0F"),
    ("杭州某某科技有限公司", "基\U000e0020金销售", "基金", "scope", "基\U000e0020金", "不可见字符 U+E0020"),
    ("杭州某某科技有限公司", "网\u061c贷平台", "网贷", "scope", "网\u061c贷", "不可见字符 U+061C"),
    ("杭州某某科技有限公司", "网\u3164贷平台", "网贷", "scope", "网\u3164贷", "不可见字符 U+3164"),
    ("杭州某某科技有限公司", "投\u0301资管理", "投资管理", "scope", "投\u0301资管理", "组合符号 U+0301"),
    ("杭州某某科技有限公司", "Р2Р网络借贷", "P2P", "scope", "Р2Р", "形近字母 Р(U+0420)→P"),
    ("杭州某某科技有限公司", "P-2-P平台", "P2P", "scope", "P-2-P", "插入分隔符 -"),
    ("杭州某某科技有限公司", "P.2.P平台", "P2P", "scope", "P.2.P", "插入分隔符 ."),
    ("杭州某某科技有限公司", "P·2·P平台", "P2P", "scope", "P·2·P", "插入分隔符 ·"),
    ("杭州某某科技有限公司", "理.财咨询", "理财", "scope", "理.财", "插入分隔符 ."),
    ("杭州某某科技有限公司", "资产/管理", "资产管理", "scope", "资产/管理", "插入分隔符 /"),
    ("杭州某某科技有限公司", "Ｐ２Ｐ网络借贷", "P2P", "scope", "Ｐ２Ｐ", None),
])
def test_hidden_terms_are_found_and_say_how(screener, name, scope, term, field, matched, obfuscated):
    fields = {"name": name, "scope": scope}
    result = screener.screen(1, fields, Region("330106", "credit_code"))
    hits = [h for h in result.counting_hits if h.term == term and h.field == field]
    assert result.flagged and hits
    assert {(fields[field][h.start:h.end], h.matched, h.obfuscated) for h in hits} == {(matched, matched, obfuscated)}


@pytest.mark.parametrize("scope", ["理财-咨询", "金融、保险", "投资管理.", "1.金融信息服务", "金融/保险"])
def test_ordinary_punctuation_hides_nothing(screener, scope):
    result = screener.screen(1, {"name": "某某公司", "scope": scope}, Region("330106", "credit_code"))
    assert result.counting_hits and all(h.obfuscated is None for h in result.counting_hits)


def test_a_separator_between_two_words_is_judged_on_the_joined_words(screener):
    result = screener.screen(1, {"name": "某某公司", "scope": "代理/财务咨询；黄金.融资"}, Region("330106", "credit_code"))
    assert not result.flagged
    assert {h.why for h in result.hits if h.tier == PLANS_TIER} == {"not a word: 代理/财务咨询", "not a word: 黄金/融资"}


INSERTS = [chr(c) for c in range(0x10000) if HIDDEN.match(chr(c)) and not 0xD800 <= c <= 0xDFFF][::13] + [
    "-", ".", "·", "_", "/", "－", "．", "\U000e0041", "\U000e0101"]
CONTEXTS = ["", "经营", "；", "（", "）", "技术开发，", "除", "、", "服务"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_inserting_hidden_characters_inside_any_term_never_loses_the_hit(screener, data):
    term = data.draw(st.sampled_from(sorted({t.term for lst in screener.lists for t in lst.terms if "scope" in t.fields})))
    cut = data.draw(st.integers(1, len(term) - 1))
    inserted = data.draw(st.lists(st.sampled_from(INSERTS), min_size=1, max_size=3).map("".join))
    before, after = data.draw(st.sampled_from(CONTEXTS)), data.draw(st.sampled_from(CONTEXTS))
    hidden = term[:cut] + inserted + term[cut:]
    scope = before + hidden + after
    plain = screener.hits_in("scope", before + term + after, None)
    found = screener.hits_in("scope", scope, None)
    span = (len(before), len(before) + len(hidden))
    mine = [h for h in found if h.term == term and (h.start, h.end) == span]
    assert mine and all(scope[h.start:h.end] == h.matched == hidden and h.obfuscated for h in mine)
    assert all(h.matched == scope[h.start:h.end] for h in found)
    plain_counts = {h.list: h.counts for h in plain if h.term == term and h.start == len(before)}
    assert {h.list: h.counts for h in mine} == plain_counts
