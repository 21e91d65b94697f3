"""Exclusions reach only their own clause or bracket."""

from hypothesis import given, settings, strategies as st
import pytest

from screening.rules.clauses import ClauseJudge, bracket_spans
from screening.rules.folding import fold_text


@pytest.fixture(scope="module")
def judge(screener) -> ClauseJudge:
    return screener.clauses


def occurrence(text: str, term: str, nth: int) -> tuple[str, int, int]:
    folded, index = fold_text(text), -1
    for _ in range(nth + 1):
        index = folded.index(fold_text(term), index + 1)
    return folded, index, index + len(fold_text(term))


# (scope, term, which occurrence, expected cue or None when the occurrence stands)
CASES = [
    ("投资咨询（除金融、证券）", "金融", 0, "除"),
    ("投资咨询（除金融、证券）", "投资", 0, None),
    ("不含金融业务", "金融", 0, "不含"),
    ("不得从事金融租赁", "金融", 0, "不得"),
    ("未经金融等监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务", "金融", 0, "未经"),
    ("未经金融等监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务", "理财", 0, "不得"),
    ("未经金融等监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务", "金融", 1, "不得"),
    ("经济信息咨询（金融、证券、期货、保险除外）", "金融", 0, "除外"),
    ("非金融性投资", "金融", 0, "非"),
    ("不对外吸储放贷、不支付固定回报", "支付", 0, "不"),
    ("金融信息服务（除金融业务）", "金融", 0, None),
    ("金融信息服务（除金融业务）", "金融", 1, "除"),
    ("除尘设备、投资管理", "投资管理", 0, None),
    ("除金融外的投资管理", "投资管理", 0, None),
    ("投资管理，法律法规规定需审批的除外", "投资管理", 0, None),
    ("投资管理;技术开发（不含金融）", "投资管理", 0, None),
    ("（1、未经有关部门批准，不得以公开方式募集资金；2、不得公开开展证券类产品和金融衍生品交易活动；"
     "3、不得发放贷款；4、不得对所投资企业以外的其他企业提供担保）", "投资", 0, "五不得"),
    ("投资管理（1、未经有关部门批准，不得以公开方式募集资金；2、不得公开开展证券类产品和金融衍生品交易活动）",
     "投资管理", 0, None),
    ("非融资性担保", "非融资性", 0, None),
    ("消除金融风险咨询", "金融", 0, None),
    ("资产管理（不得从事金融业务），投资咨询", "资产管理", 0, None),
]


@pytest.mark.parametrize("scope, term, nth, cue", CASES)
def test_negation_cases(judge, scope, term, nth, cue):
    folded, start, end = occurrence(scope, term, nth)
    negation = judge.negation(folded, start, end, fold_text(term))
    assert (negation.cue if negation else None) == cue
    if negation:
        assert negation.start <= start and end <= negation.end


@pytest.mark.parametrize("text, spans", [
    ("a(b)c", [(1, 3)]),
    ("a(b(c)d)e", [(3, 5), (1, 7)]),
    ("a(b", []),
    ("a)b(c)", [(3, 5)]),
    ("【x】(y]", [(0, 2)]),
])
def test_bracket_spans(text, spans):
    assert bracket_spans(text) == spans


SCOPE_PIECES = st.sampled_from(["金融", "除", "外", "不得", "(", ")", "（", "）", ";", "，", "、", "非", "性", "投资管理", "未经", "除外"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(SCOPE_PIECES, st.characters()), max_size=40).map("".join), st.data())
def test_clause_parser_never_crashes_and_stays_in_bounds(judge, text, data):
    folded = fold_text(text)
    if not folded:
        return
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, len(folded)))
    negation = judge.negation(folded, start, end, folded[start:end])
    if negation:
        assert 0 <= negation.start <= start and end <= negation.end <= len(folded)
