"""The counter's decision (screening.intake.decision), as tables of cases from 京政办发〔2016〕24号 三(一):

暂停核准包含"投资""资产""资本""控股""基金""财富管理""融资租赁""非融资性担保"等字样的企业和个体户名称；
暂停登记"项目投资""股权投资""投资管理""投资咨询""投资顾问""资本管理""资产管理""融资租赁""非融资性担保"等
投资类经营项目。同时，名称或经营范围中包含有关表述的企业申请迁入本市且未经批准的，暂停办理工商登记。
"""

from hypothesis import given, settings, strategies as st
import pytest

from screening.errors import ApplicationError
from screening.intake.application import parse_application
from screening.intake.decision import CounterCheck

BEIJING, BEIJING_2, SHANGHAI, JIANGSU, GUANGZHOU = "110105", "110108", "310115", "320102", "440101"
NAME_WORDS = ["投资", "资产", "资本", "控股", "基金", "财富管理", "融资租赁", "非融资性担保"]
SCOPE_ITEMS = ["项目投资", "股权投资", "投资管理", "投资咨询", "投资顾问", "资本管理", "资产管理", "融资租赁", "非融资性担保"]
PLAN = "京政办发〔2016〕24号 三(一)"


@pytest.fixture(scope="module")
def counter(screener) -> CounterCheck:
    return CounterCheck(screener.without_extended())


def decide(counter, **application):
    return counter.decide(parse_application(application))


def refused(decision) -> set[tuple[str, str]]:
    return {(r.field, r.term) for r in decision.reasons if r.effect == "refuse"}


def effects(decision, term: str) -> set[str]:
    return {r.effect for r in decision.reasons if r.term == term}


# ------------------------------------------------------------------ new names and scope items, from the plan's words

@pytest.mark.parametrize("word", NAME_WORDS)
@pytest.mark.parametrize("name", ["北京某某{}有限公司", "北京市朝阳区李四{}服务部"], ids=["firm", "个体户"])
def test_a_new_name_with_a_suspended_word_is_refused_for_firms_and_individual_businesses(counter, word, name):
    decision = decide(counter, kind="new", region=BEIJING, name=name.format(word), scope="技术开发")
    assert decision.decision == "refuse"
    assert ("name", word) in refused(decision)
    reason = next(r for r in decision.reasons if r.effect == "refuse" and r.term == word)
    assert reason.list == "beijing_name_suspension" and reason.action == "suspend"
    assert reason.source.startswith(PLAN) and reason.why.startswith("暂停核准")


@pytest.mark.parametrize("item", SCOPE_ITEMS)
def test_a_new_scope_item_with_a_suspended_word_is_refused(counter, item):
    decision = decide(counter, kind="new", region=BEIJING_2, name="北京某某科技有限公司", scope=f"技术开发；{item}；会议服务")
    assert decision.decision == "refuse"
    assert refused(decision) == {("scope", item)}
    reason = next(r for r in decision.reasons if r.effect == "refuse")
    assert reason.list == "beijing_scope_suspension" and reason.source.startswith(PLAN)
    assert f"「{item}」" in reason.why and reason.why.startswith("暂停登记")


# (case, kind, region, name, scope, previous, approved, decision, refused terms)
CASES = [
    # new registrations that must not be refused
    ("plain firm", "new", BEIJING, "北京某某科技有限公司", "技术开发；技术咨询", None, False, "pass", set()),
    ("个体户 plain", "new", BEIJING, "北京市东城区张三小吃店", "餐饮服务", None, False, "pass", set()),
    ("个体户 no scope", "new", BEIJING, "北京市东城区张三小吃店", None, None, False, "pass", set()),
    ("foundation is not 基金", "new", BEIJING, "北京某某慈善基金会", "资助教育", None, False, "pass", set()),
    ("资金融通 is not 金融", "new", BEIJING, "北京某某贸易有限公司", "资金融通咨询（不含许可项目）", None, False, "pass", set()),
    ("watch word only", "new", BEIJING, "北京某某众筹科技有限公司", "技术开发", None, False, "report", set()),
    ("national word only", "new", BEIJING, "北京某某网络科技有限公司", "P2P网络借贷信息中介", None, False, "report", set()),
    # a negated term in the scope: 投资咨询 is refused, 金融 inside 不含 does not count
    ("negated 金融", "new", BEIJING, "北京某某科技有限公司", "投资咨询（不含金融业务）", None, False, "refuse",
     {("scope", "投资咨询")}),
    ("only negated", "new", BEIJING, "北京某某科技有限公司", "技术开发（不含投资咨询、投资管理）", None, False, "pass", set()),
    ("five prohibitions", "new", BEIJING, "北京某某科技有限公司",
     "技术开发（1、未经有关部门批准，不得以公开方式募集资金；2、不得公开开展证券类产品和金融衍生品交易活动；3、不得发放贷款）",
     None, False, "pass", set()),
    # hidden and folded characters: one engine with the screening
    ("zero-width in the name", "new", BEIJING, "北京某某投\u200b资有限公司", None, None, False, "refuse", {("name", "投资")}),
    ("zero-width joiner in scope", "new", BEIJING, "北京某某科技有限公司", "投\u200d资咨询", None, False, "refuse",
     {("scope", "投资咨询")}),
    ("soft hyphen", "new", BEIJING, "北京某某控\u00ad股有限公司", None, None, False, "refuse", {("name", "控股")}),
    ("traditional", "new", BEIJING, "北京某某投資有限公司", "資產管理", None, False, "refuse",
     {("name", "投资"), ("scope", "资产管理")}),
    ("full-width spaces", "new", BEIJING, "北京某某基　金有限公司", None, None, False, "refuse", {("name", "基金")}),
    # moves in: held unless approved
    ("move in, name", "move_in", BEIJING, "北京某某投资有限公司", "技术开发", None, False, "refuse", {("name", "投资")}),
    ("move in, scope", "move_in", BEIJING, "北京某某科技有限公司", "资产管理；技术开发", None, False, "refuse",
     {("scope", "资产管理")}),
    ("move in, approved", "move_in", BEIJING, "北京某某投资有限公司", "资产管理", None, True, "report", set()),
    ("move in, nothing", "move_in", BEIJING, "北京某某科技有限公司", "技术开发", None, False, "pass", set()),
    ("move in, approved, nothing", "move_in", BEIJING, "北京某某科技有限公司", "技术开发", None, True, "pass", set()),
    # changes: only what the change adds
    ("change adds a name word", "change", BEIJING, "北京甲投资有限公司", None,
     {"name": "北京甲科技有限公司", "scope": "技术开发"}, False, "refuse", {("name", "投资")}),
    ("change keeps a name word", "change", BEIJING, "北京乙投资有限公司", None,
     {"name": "北京甲投资有限公司", "scope": "技术开发"}, False, "report", set()),
    ("change keeps one, adds another", "change", BEIJING, "北京甲投资控股有限公司", None,
     {"name": "北京甲投资有限公司"}, False, "refuse", {("name", "控股")}),
    ("change adds a second one", "change", BEIJING, "北京甲投资乙投资有限公司", None,
     {"name": "北京甲投资有限公司"}, False, "refuse", {("name", "投资")}),
    ("change drops a name word", "change", BEIJING, "北京甲科技有限公司", None,
     {"name": "北京甲投资有限公司", "scope": "技术开发"}, False, "pass", set()),
    ("change adds a scope item", "change", BEIJING, None, "技术开发；投资咨询",
     {"name": "北京甲科技有限公司", "scope": "技术开发"}, False, "refuse", {("scope", "投资咨询")}),
    ("change keeps a scope item", "change", BEIJING, None, "技术开发；投资咨询；会议服务",
     {"name": "北京甲科技有限公司", "scope": "投资咨询；技术开发"}, False, "report", set()),
    ("change keeps it written otherwise", "change", BEIJING, None, "技术开发，投资咨询",
     {"name": "北京甲科技有限公司", "scope": "投資諮詢；技術開發"}, False, "report", set()),
    ("change rewords an item", "change", BEIJING, None, "投资咨询（不含中介服务）",
     {"name": "北京甲科技有限公司", "scope": "投资咨询"}, False, "refuse", {("scope", "投资咨询")}),
    ("change lifts a negation", "change", BEIJING, None, "技术开发；投资咨询",
     {"name": "北京甲科技有限公司", "scope": "技术开发（不含投资咨询）"}, False, "refuse", {("scope", "投资咨询")}),
    ("change of scope keeps the name", "change", BEIJING, None, "技术开发；会议服务",
     {"name": "北京甲投资有限公司", "scope": "技术开发"}, False, "report", set()),
    ("change of name keeps the scope", "change", BEIJING, "北京乙科技有限公司", None,
     {"name": "北京甲科技有限公司", "scope": "项目投资；技术开发"}, False, "report", set()),
    ("change with a label", "change", BEIJING, None, "一般项目：技术开发；投资咨询",
     {"name": "北京甲科技有限公司", "scope": "投资咨询；技术开发"}, False, "report", set()),
    # other regions: the Beijing lists never apply; their own lists do
    ("Shanghai, same negated scope", "new", SHANGHAI, "上海某某科技有限公司", "投资咨询（不含金融业务）", None, False, "pass",
     set()),
    ("Shanghai 控股", "new", SHANGHAI, "上海某某控股有限公司", "企业管理", None, False, "pass", set()),
    ("Shanghai national word", "new", SHANGHAI, "上海某某投资管理有限公司", "投资管理", None, False, "report", set()),
    ("Shanghai move in", "move_in", SHANGHAI, "上海某某投资有限公司", "项目投资", None, False, "pass", set()),
    ("Jiangsu's own list", "new", JIANGSU, "南京某某科技有限公司", "投资理财咨询", None, False, "report", set()),
    ("Guangzhou 个体户", "new", GUANGZHOU, "广州市天河区李四财富管理工作室", None, None, False, "report", set()),
]


@pytest.mark.parametrize("case,kind,region,name,scope,previous,approved,expected,refusing", CASES,
                         ids=[c[0] for c in CASES])
def test_decision(counter, case, kind, region, name, scope, previous, approved, expected, refusing):
    decision = decide(counter, kind=kind, region=region, name=name, scope=scope, previous=previous, approved=approved)
    assert decision.decision == expected, [r.why for r in decision.reasons]
    assert refused(decision) == refusing
    assert all(r.list in decision.list_versions and r.source and r.why for r in decision.reasons)
    if region[:2] != "11":
        assert not any(r.list.startswith("beijing") for r in decision.reasons)
        assert not any(lst.startswith("beijing") for lst in decision.list_versions)


def test_a_negated_term_is_a_reason_that_does_not_act(counter):
    for region in (BEIJING, SHANGHAI):
        decision = decide(counter, kind="new", region=region, name="某某科技有限公司", scope="投资咨询（不含金融业务）")
        assert effects(decision, "金融") == {"none"}
        why = next(r.why for r in decision.reasons if r.term == "金融")
        assert why.startswith("不计") and "不含" in why


def test_the_same_application_in_beijing_and_in_shanghai(counter):
    application = {"kind": "new", "name": "某某投资管理有限公司", "scope": "投资管理；项目投资"}
    beijing = decide(counter, region=BEIJING, **application)
    shanghai = decide(counter, region=SHANGHAI, **application)
    assert beijing.decision == "refuse"
    assert refused(beijing) == {("name", "投资"), ("scope", "投资管理"), ("scope", "项目投资")}
    assert shanghai.decision == "report"  # 投资管理 is a national word: watched everywhere, suspended nowhere else
    assert effects(shanghai, "投资管理") == {"report"} and not refused(shanghai)


def test_hidden_characters_are_reported_in_the_original_text(counter):
    decision = decide(counter, kind="new", region=BEIJING, name="北京某某投\u200b资有限公司")
    reason = next(r for r in decision.reasons if r.effect == "refuse")
    assert reason.matched == "投\u200b资" and "北京某某投\u200b资有限公司"[reason.start:reason.end] == reason.matched


def test_kept_and_approved_terms_say_why_they_do_not_act(counter):
    kept = decide(counter, kind="change", region=BEIJING, name="北京乙投资有限公司", previous={"name": "北京甲投资有限公司"})
    assert [r.why for r in kept.reasons if r.action == "suspend"][0].startswith("不暂停：变更前的名称已含「投资」")
    approved = decide(counter, kind="move_in", region=BEIJING, name="北京某某基金有限公司", approved=True)
    assert any(r.why.startswith("不暂停：迁入已经批准") for r in approved.reasons)


def test_the_summary_is_chinese_and_names_the_terms(counter):
    decision = decide(counter, kind="new", region=BEIJING, name="北京某某控股有限公司", scope="投资顾问")
    assert decision.summary.startswith("暂停") and "「控股」" in decision.summary and "「投资顾问」" in decision.summary
    assert PLAN in decision.summary


@pytest.mark.parametrize("application,field", [
    ({"kind": "new", "region": "110105"}, "name"),
    ({"kind": "newish", "region": "110105", "name": "x"}, "kind"),
    ({"kind": "new", "region": "1101", "name": "x"}, "region"),
    ({"kind": "new", "region": "990000", "name": "x"}, "region"),
    ({"kind": "new", "region": "１１０１０５", "name": "x"}, "region"),
    ({"kind": "change", "region": "110105", "name": "x"}, "previous"),
    ({"kind": "change", "region": "110105", "previous": {"name": "x"}}, "name"),
    ({"kind": "new", "region": "110105", "name": "x", "previous": {"name": "y"}}, "previous"),
    ({"kind": "new", "region": "110105", "name": "x", "approved": True}, "approved"),
    ({"kind": "new", "region": "110105", "name": "x" * 201}, "name"),
    ({"kind": "new", "region": "110105", "name": "x", "aproved": True}, "aproved"),
    ({"kind": "change", "region": "110105", "name": "x", "previous": {"nmae": "y"}}, "previous.nmae"),
])
def test_a_malformed_application_names_the_field(application, field):
    with pytest.raises(ApplicationError) as raised:
        parse_application(application)
    assert field in [p["field"] for p in raised.value.problems]
    assert str(raised.value).startswith("申请有误：") and f"{field}：" in str(raised.value)


def test_persons_of_no_interest_leave_the_decision_as_it_is(counter):
    """Persons are checked by the Counter against the store (tests/intake/test_persons_check.py); the
    lists' decision alone never changes for the names given."""
    plain = decide(counter, kind="new", region=BEIJING, name="北京某某科技有限公司")
    with_people = decide(counter, kind="new", region=BEIJING, name="北京某某科技有限公司", legal_reps=["张三"],
                         shareholders=["李四", "王五"])
    assert with_people.as_dict() == plain.as_dict()


# ------------------------------------------------------------------ properties

TEXT = st.lists(st.sampled_from(NAME_WORDS + SCOPE_ITEMS + ["技术开发", "不含", "（", "）", "；", "，", "、", "金融", "科技",
                                                           "\u200b", "投", "资", " ", "有限公司"]), max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(name=TEXT, scope=TEXT, region=st.sampled_from([BEIJING, BEIJING_2, SHANGHAI, JIANGSU]))
def test_a_change_that_changes_nothing_never_refuses(counter, name, scope, region):
    previous = {"name": "北京" + name + "有限公司", "scope": scope or "技术开发"}
    decision = decide(counter, kind="change", region=region, name=previous["name"], scope=previous["scope"],
                      previous=previous)
    assert decision.decision != "refuse"
    new = decide(counter, kind="new", region=region, name=previous["name"], scope=previous["scope"])
    assert {(r.field, r.term, r.start) for r in decision.reasons if r.effect == "report"} == \
        {(r.field, r.term, r.start) for r in new.reasons if r.effect == "report"}


@settings(max_examples=150, deadline=None)
@given(name=TEXT, scope=TEXT, old_name=TEXT, old_scope=TEXT)
def test_a_change_never_refuses_more_than_a_new_registration_of_the_same(counter, name, scope, old_name, old_scope):
    previous = {"name": "北京" + old_name + "公司", "scope": old_scope or "技术开发"}
    change = decide(counter, kind="change", region=BEIJING, name="北京" + name + "公司", scope=scope or "会议服务",
                    previous=previous)
    new = decide(counter, kind="new", region=BEIJING, name="北京" + name + "公司", scope=scope or "会议服务")
    assert refused(change) <= refused(new)
    assert (change.decision == "refuse") <= (new.decision == "refuse")


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_body_is_an_application_or_an_error_naming_a_field(body):
    from screening.intake.application import parse_application_json

    try:
        parse_application_json(body)
    except ApplicationError as error:
        assert error.problems and all(p["field"] for p in error.problems)


@settings(max_examples=200, deadline=None)
@given(name=st.text(min_size=1, max_size=60), scope=st.text(max_size=120),
       kind=st.sampled_from(["new", "move_in"]), region=st.sampled_from([BEIJING, SHANGHAI, GUANGZHOU]))
def test_any_text_is_decided_and_every_reason_points_into_the_original(counter, name, scope, kind, region):
    if not name.strip():
        return
    application = parse_application({"kind": kind, "region": region, "name": name, "scope": scope or None})
    decision = counter.decide(application)
    assert decision.decision in ("refuse", "report", "pass")
    for reason in decision.reasons:
        text = application.name if reason.field == "name" else application.scope
        assert text[reason.start:reason.end] == reason.matched
