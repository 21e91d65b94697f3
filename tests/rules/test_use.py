"""Claim or mention (screening/rules/use.py): every cue of keywords/use_cues.toml has a case where it
decides and one where it must not; names are judged from their parse; what cannot be judged is a claim."""

from pathlib import Path

import pytest

from screening.errors import ListError
from screening.rules.regions import Region
from screening.rules.use import CLAIM, MENTION, SCOPE_CLAIM, UNJUDGED, load_use_cues
from screening.settings import get_settings

ANYWHERE = Region("440101", "credit_code")  # Guangzhou: the national list only
BEIJING = Region("110108", "credit_code")

# (cue label, scope, term, nth occurrence, expected use, expected label of the deciding cue or None)
CUE_TABLE = [
    ("本企业许可证", "凭金融许可证经营本企业金融业务", "金融", 0, CLAIM, "本企业许可证"),
    ("本企业许可证", "许可证代办；金融信息服务", "金融", 0, CLAIM, None),
    ("设备", "销售金融电子设备", "金融", 0, MENTION, "设备"),
    ("设备", "金融信息服务、设备租赁", "金融", 0, CLAIM, None),
    ("机具", "金融机具的维修", "金融", 0, MENTION, "机具"),
    ("机具", "金融外包服务，机具租赁", "金融", 0, CLAIM, None),
    ("终端", "金融自助服务终端的销售", "金融", 0, MENTION, "终端"),
    ("终端", "支付结算、终端销售", "支付", 0, CLAIM, None),
    ("系统", "媒体资产管理系统的销售", "资产管理", 0, MENTION, "系统"),
    ("系统", "资产管理；系统集成", "资产管理", 0, CLAIM, None),
    ("软件", "移动支付软件开发", "支付", 0, MENTION, "软件"),
    ("软件", "第三方支付技术服务、软件开发", "支付", 0, CLAIM, None),
    ("机构", "为金融机构提供押运服务", "金融", 0, MENTION, "机构"),
    ("机构", "金融机械加工", "金融", 0, CLAIM, None),
    ("网点", "金融网点的武装守护", "金融", 0, MENTION, "网点"),
    ("网点", "金融信息服务、网点布设", "金融", 0, CLAIM, None),
    ("场所", "银行、金融证券交易场所的安全守护", "金融", 0, MENTION, "场所"),
    ("场所", "金融信息服务；场所出租", "金融", 0, CLAIM, None),
    ("行业", "对房地产业、工业、金融业进行投资", "金融", 0, MENTION, "行业"),
    ("行业", "从事金融业务", "金融", 0, CLAIM, None),
    ("为…提供", "为中小企业的金融需求提供咨询", "金融", 0, MENTION, "为…提供"),
    ("为…提供", "为客户提供服务、金融信息服务", "金融", 0, CLAIM, None),
    ("接受…委托", "接受银行等金融的委托从事外包", "金融", 0, MENTION, "接受…委托"),
    ("接受…委托", "接受委托从事金融外包服务", "金融", 0, CLAIM, None),
    ("对…投资", "对信息、制造、金融等行业进行投资", "金融", 0, MENTION, "对…投资"),
    ("对…投资", "对外投资、金融信息服务、项目投资", "金融", 0, CLAIM, None),
    ("所投资", "受所投资企业董事会的书面委托", "投资", 0, MENTION, "所投资"),
    ("所投资", "娱乐场所投资管理", "投资", 0, CLAIM, None),
    ("投资性公司", "受托经营管理其它投资性公司的创业资本", "投资", 0, MENTION, "投资性公司"),
    ("投资性公司", "投资咨询、性能检测公司", "投资", 0, CLAIM, None),
    ("外商投资", "变更为外商投资企业", "投资", 0, MENTION, "外商投资"),
    ("外商投资", "外商咨询、投资管理", "投资", 0, CLAIM, None),
    ("注册资本", "验证企业注册资本", "资本", 0, MENTION, "注册资本"),
    ("注册资本", "注册代理；资本运营", "资本", 0, CLAIM, None),
    ("验证", "验证企业资本，出具验资报告", "资本", 0, MENTION, "验证"),
    ("验证", "资本运营及验证服务", "资本", 0, CLAIM, None),
    ("部门", "按市国有资产管理部门授权经营", "资产管理", 0, MENTION, "部门"),
    ("部门", "资产管理、部门协调", "资产管理", 0, CLAIM, None),
    ("办公室", "公有资产管理办公室授权管理的企业", "资产管理", 0, MENTION, "办公室"),
    ("办公室", "资产管理、办公室出租", "资产管理", 0, CLAIM, None),
    ("办", "经自治区金融办批准的其他业务", "金融", 0, MENTION, "办"),
    ("办", "金融办公设备", "金融", 0, MENTION, "设备"),
    ("局", "按国有资产管理局的规定", "资产管理", 0, MENTION, "局"),
    ("局", "资产管理局部改造", "资产管理", 0, CLAIM, None),
    ("委员会", "经中国证券监督管理委员会批准的基金销售", "基金", 0, CLAIM, None),
    ("委员会", "金融工作委员会指定的业务", "金融", 0, MENTION, "委员会"),
    ("经…批准", "经金融监管部门批准", "金融", 0, MENTION, "部门"),
    ("经…批准", "经人民银行及金融主管批准的业务", "金融", 0, MENTION, "经…批准"),
    ("经…批准", "经中国银行业监督管理委员会批准的其他金融业务", "金融", 0, CLAIM, None),
    ("按…规定", "按金融管理的有关规定代收", "金融", 0, MENTION, "按…规定"),
    ("按…规定", "按规定开展金融信息服务", "金融", 0, CLAIM, None),
    ("依照…规定", "依照金融法规的规定处置", "金融", 0, MENTION, "依照…规定"),
    ("依照…规定", "依照规定从事金融外包", "金融", 0, CLAIM, None),
    ("工程支付", "工程结算及工程款支付审核", "支付", 0, MENTION, "工程支付"),
    ("工程支付", "工程设计；支付结算", "支付", 0, CLAIM, None),
    ("进度款支付", "进度款支付的审核", "支付", 0, MENTION, "进度款支付"),
    ("进度款支付", "代理支付款项、收取进度款", "支付", 0, CLAIM, None),
    ("支付后", "货物承运前支付后的包装、搬运、装卸服务", "支付", 0, MENTION, "支付后"),
    ("支付后", "网上支付；售后服务", "支付", 0, CLAIM, None),
    ("报告", "支付等事项报告的编制和审核", "支付", 0, MENTION, "报告"),
    ("报告", "资产管理，出具评估报告", "资产管理", 0, CLAIM, None),
    ("上市", "协助企业在证券交易所上市", "交易所", 0, MENTION, "上市"),
    ("上市", "经营交易所；上市咨询", "交易所", 0, CLAIM, None),
    ("交易所自营", "上海黄金交易所自营业务", "交易所", 0, MENTION, "交易所自营"),
    ("交易所自营", "经营交易所及自营进出口", "交易所", 0, CLAIM, None),
    ("交易所进行", "在大连石油交易所进行结算", "交易所", 0, MENTION, "交易所进行"),
    ("交易所进行", "交易所服务、进行咨询", "交易所", 0, CLAIM, None),
]


@pytest.fixture(scope="module")
def cues():
    return load_use_cues(get_settings().keywords_dir / "use_cues.toml")


def test_every_cue_has_a_case_where_it_decides_and_one_where_it_must_not(cues):
    decides = {label for label, *_, expected in CUE_TABLE if expected == label}
    must_not = {label for label, *_, expected in CUE_TABLE if expected != label}
    missing = [cue.label for cue in cues if cue.label not in decides or cue.label not in must_not]
    assert not missing, f"cues without a case where they decide and one where they must not: {missing}"
    assert {label for label, *_ in CUE_TABLE} <= {cue.label for cue in cues}


def hit_of(screener, scope, term, nth, region=ANYWHERE):
    result = screener.screen(1, {"name": "某某有限公司", "scope": scope}, region)
    hits = [h for h in result.counting_hits if h.term == term and h.field == "scope"]
    return result, hits[nth]


@pytest.mark.parametrize("label, scope, term, nth, use, decided_by", CUE_TABLE)
def test_cue_table(screener, cues, label, scope, term, nth, use, decided_by):
    region = BEIJING if term in ("投资", "资本") else ANYWHERE
    _, hit = hit_of(screener, scope, term, nth, region)
    reasons = {cue.label: cue.reason for cue in cues}
    assert hit.use == use
    if decided_by:
        assert hit.use_reason.startswith(reasons[decided_by] + "：")
    else:
        assert hit.use_reason == SCOPE_CLAIM


@pytest.mark.parametrize("name, term, reason", [
    ("天津嘉德中投资产管理有限公司", "资产管理", "名称行业用语：资产管理"),
    ("上海跃华投资管理有限公司梦香莉面包房", "投资管理", "名称行业用语：投资管理"),   # a branch carries its parent's line
    ("北京理财通科技有限公司", "理财", "名称字号：理财通"),
    ("黑龙江绿色食品交易中心", "交易中心", "名称行业用语：食品交易"),
])
def test_a_name_hit_is_a_claim_from_the_names_parse(screener, name, term, reason):
    result = screener.screen(1, {"name": name, "scope": ""}, ANYWHERE)
    hit = next(h for h in result.counting_hits if h.term == term)
    assert (hit.use, hit.use_reason, result.use) == (CLAIM, reason, CLAIM)


def test_a_firm_is_a_claim_when_any_hit_is_and_a_mention_when_all_are(screener):
    claim, _ = hit_of(screener, "销售金融设备；金融信息服务", "金融", 0)
    mention, _ = hit_of(screener, "销售金融设备；为金融机构提供押运服务", "金融", 0)
    assert [h.use for h in claim.counting_hits] == [MENTION, CLAIM] and claim.use == CLAIM
    assert [h.use for h in mention.counting_hits] == [MENTION, MENTION] and mention.use == MENTION
    assert mention.flagged  # the use never changes the verdict


def test_hits_that_do_not_count_have_no_use_and_unflagged_firms_none(screener):
    result = screener.screen(1, {"name": "某某有限公司", "scope": "技术开发（不含金融业务）"}, ANYWHERE)
    assert not result.flagged and result.use is None
    assert all(h.use is None and h.use_reason is None for h in result.hits)


def test_what_cannot_be_judged_is_a_claim_never_dropped(screener):
    _, damaged = hit_of(screener, "销售\ufffd\ufffd金融设备", "金融", 0)
    assert (damaged.use, damaged.use_reason) == (CLAIM, f"{UNJUDGED}（文字残缺）")
    name_only = screener.uses.name(None, 0, 2)
    assert (name_only.use, name_only.reason) == (CLAIM, f"{UNJUDGED}（名称未能解析）")


@pytest.mark.parametrize("body, problem", [
    ('[[cue]]\nlabel = "x"\nkind = "after"\nuse = "mention"\nreason = "r"\n', "cue #1 ('x')"),
    ('[[cue]]\nlabel = "x"\nkind = "pair"\nopener = "为"\nuse = "mention"\nreason = "r"\n', "cue #1 ('x')"),
    ('[[cue]]\nlabel = "x"\nkind = "after"\ntext = "设备"\nuse = "maybe"\nreason = "r"\n', "cue #1 ('x') field use"),
    ('[[cue]]\nlabel = "x"\nkind = "after"\ntext = "a"\nuse = "claim"\nreason = "r"\n'
     '[[cue]]\nlabel = "x"\nkind = "after"\ntext = "b"\nuse = "claim"\nreason = "r"\n', "cue #2 ('x'): duplicate"),
    ('[[cue]\n', "not valid UTF-8 TOML"),
])
def test_a_malformed_cue_file_names_the_file_and_the_entry(tmp_path: Path, body, problem):
    path = tmp_path / "use_cues.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ListError) as error:
        load_use_cues(path)
    assert str(path) in str(error.value) and problem in str(error.value)
