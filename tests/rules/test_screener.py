"""The verdict per firm (SCREENING_RULES.md section 4), as a table of cases."""

import pytest
from stdnum.cn import uscc

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
    assert whys[("金融", "national", "name", 2)].startswith("false friend: 金融街")
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
