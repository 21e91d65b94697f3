"""Exclusions reach only their own clause or bracket."""

from hypothesis import given, settings, strategies as st
import pytest

from screening.rules.clauses import (DIRECT_NEGATORS, EXCEPT_CLOSERS, FIVE_PROHIBITIONS, PREFIX_CUES, SUFFIX_CUES,
                                     ClauseJudge, bracket_spans)
from screening.rules.folding import fold_text
from screening.rules.layout import Layout


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


# The Beijing five-prohibitions clause, written out here (not taken from the parser): each one alone marks it.
SIGNATURES = ("不得以公开方式募集资金", "不得公开开展证券类产品", "不得发放贷款", "不得向投资者承诺")

# Every cue and closer of the parser, by its own lists: (cue, scope, term, nth, expected cue or None).
# Each cue has at least one case where it negates and one where it must not (test_every_cue_has_both_cases).
CUE_TABLE = [
    ("不得", "不得从事金融业务", "金融", 0, "不得"),
    ("不得", "不得从事房地产中介，金融信息服务", "金融", 0, None),
    ("不含", "技术咨询（不含金融）", "金融", 0, "不含"),
    ("不含", "金融信息服务（不含证券）", "金融", 0, None),
    ("不包含", "不包含金融业务", "金融", 0, "不包含"),
    ("不包含", "不包含证券业务，金融信息服务", "金融", 0, None),
    ("不包括", "不包括金融业务", "金融", 0, "不包括"),
    ("不包括", "金融信息服务；不包括证券", "金融", 0, None),
    ("不从事", "技术开发（不从事金融业务）", "金融", 0, "不从事"),
    ("不从事", "技术开发（不从事证券业务）；金融信息服务", "金融", 0, None),
    ("不经营", "不经营金融业务", "金融", 0, "不经营"),
    ("不经营", "不经营证券，资产管理", "资产管理", 0, None),
    ("不涉及", "投资咨询（不涉及金融业务）", "金融", 0, "不涉及"),
    ("不涉及", "投资管理（不涉及证券）", "投资管理", 0, None),
    ("不准", "不准从事理财业务", "理财", 0, "不准"),
    ("不准", "理财咨询，不准从事吸储", "理财", 0, None),
    ("不可", "不可开展资产管理业务", "资产管理", 0, "不可"),
    ("不可", "资产管理；不可吸收存款", "资产管理", 0, None),
    ("不能", "不能从事基金业务", "基金", 0, "不能"),
    ("不能", "基金销售（不能吸收存款）", "基金", 0, None),
    ("不开展", "不开展支付业务", "支付", 0, "不开展"),
    ("不开展", "支付结算，不开展吸储", "支付", 0, None),
    ("不进行", "不进行投资管理", "投资管理", 0, "不进行"),
    ("不进行", "投资管理（不进行证券交易）", "投资管理", 0, None),
    ("不允许", "不允许从事P2P网络借贷", "P2P", 0, "不允许"),
    ("不允许", "网络借贷信息中介（不允许吸储）", "网络借贷", 0, None),
    ("禁止", "禁止从事金融业务", "金融", 0, "禁止"),
    ("禁止", "金融信息服务（禁止吸储）", "金融", 0, None),
    ("严禁", "严禁从事理财业务", "理财", 0, "严禁"),
    ("严禁", "理财咨询；严禁吸收公众存款", "理财", 0, None),
    ("未经", "未经金融监管部门批准", "金融", 0, "未经"),
    ("未经", "资产管理（未经批准不得集资）", "资产管理", 0, None),
    ("除", "投资咨询（除金融、证券）", "金融", 0, "除"),
    ("除", "除尘设备、投资管理", "投资管理", 0, None),
    ("除外", "经济信息咨询（金融、证券、期货、保险除外）", "金融", 0, "除外"),
    ("除外", "投资管理，法律法规规定需审批的除外", "投资管理", 0, None),
    ("非", "非金融性投资", "金融", 0, "非"),
    ("非", "非融资性担保", "非融资性", 0, None),
    ("不", "不对外吸储放贷、不支付固定回报", "支付", 0, "不"),
    ("不", "不锈钢制品销售、支付结算服务", "支付", 0, None),
    ("以外", "除法律法规规定的投资管理", "投资管理", 0, "除"),
    ("以外", "除法律法规规定以外的投资管理", "投资管理", 0, None),
    ("之外", "除证券期货业务的资产管理", "资产管理", 0, "除"),
    ("之外", "除证券期货业务之外的资产管理", "资产管理", 0, None),
    ("外", "除海外投资管理", "投资管理", 0, "除"),
    ("外", "除金融外的投资管理", "投资管理", 0, None),
] + [(signature, f"（1、{signature}；2、投资管理）", "投资管理", 0, "五不得") for signature in SIGNATURES] + [
    (signature, f"投资管理（{signature}）", "投资管理", 0, None) for signature in SIGNATURES]

PARSER_CUES = PREFIX_CUES + SUFFIX_CUES + DIRECT_NEGATORS + EXCEPT_CLOSERS + FIVE_PROHIBITIONS


def test_every_cue_has_both_cases():
    negates = {cue for cue, *_, expected in CUE_TABLE if expected is not None}
    stands = {cue for cue, *_, expected in CUE_TABLE if expected is None}
    missing = [cue for cue in PARSER_CUES if cue not in negates or cue not in stands]
    assert not missing, f"cues without a case where they negate and one where they must not: {missing}"
    assert {cue for cue, *_ in CUE_TABLE} <= set(PARSER_CUES)


@pytest.mark.parametrize("cue, scope, term, nth, expected", CUE_TABLE)
def test_cue_table(judge, cue, scope, term, nth, expected):
    folded, start, end = occurrence(scope, term, nth)
    negation = judge.negation(folded, start, end, fold_text(term))
    assert (negation.cue if negation else None) == expected


def reference_negation(judge, folded, start, end, term):
    """The parser as it was before the layout (a whole-text bracket search and masked copy per hit):
    quadratic in the text, kept here as the oracle of the linear one."""
    from screening.rules import clauses

    spans = bracket_spans(folded)
    holding = [(o, c) for o, c in spans if o < start and end <= c]
    first, last, in_bracket = (max(holding)[0] + 1, max(holding)[1], True) if holding else (0, len(folded), False)
    chars = list(folded[first:last])
    for opening, closing in spans:
        if first <= opening and closing < last:
            chars[opening - first:closing - first + 1] = "□" * (closing - opening + 1)
    view = "".join(chars)
    if in_bracket and any(signature in view for signature in FIVE_PROHIBITIONS):
        return clauses.Negation("五不得", first - 1, last + 1)
    stops = set(";。\n\r") if in_bracket else set(";。\n\r,")
    left = max(view.rfind(stop, 0, start - first) for stop in stops) + 1
    right = min([f for stop in stops if (f := view.find(stop, end - first)) >= 0], default=len(view))
    clause, hit_at, hit_end = view[left:right], start - first - left, end - first - left
    shown = (first - 1, last + 1) if in_bracket and (left, right) == (0, len(view)) else (first + left, first + right)
    if hit_at > 0 and clause[hit_at - 1] in DIRECT_NEGATORS and not term.startswith(clause[hit_at - 1]):
        return clauses.Negation(clause[hit_at - 1], *shown)
    cue = clauses._prefix_cue(clause, hit_at, judge.segmenter) or clauses._suffix_cue(clause, hit_end, judge.segmenter)
    return clauses.Negation(cue, *shown) if cue else None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(SCOPE_PIECES, st.sampled_from(list("[]【】{}"))), max_size=40).map("".join))
def test_layout_gives_the_reference_answer_for_every_hit_in_order(judge, text):
    """One layout per text, hits asked in text order (as the screener does): the same negation as the
    reference parser for every occurrence of every piece that holds no bracket."""
    folded = fold_text(text)
    layout = Layout(folded)
    spans = sorted({(i, i + len(p)) for p in ("金融", "投资管理", "外", "性") for i in range(len(folded)) if folded.startswith(p, i)})
    for start, end in spans:
        term = folded[start:end]
        assert judge.negation(folded, start, end, term, layout) == reference_negation(judge, folded, start, end, term)


# (scope, term, nth, cue, the folded text the negation shows): the clause or bracket it governs, exactly.
SPANS = [
    ("投资咨询（1、不得发放贷款；2、投资管理）", "投资管理", 0, "五不得", "(1、不得发放贷款;2、投资管理)"),
    ("技术开发；投资咨询（1、不得发放贷款；2、投资管理）；咨询", "投资管理", 0, "五不得", "(1、不得发放贷款;2、投资管理)"),
    ("技术开发，不含金融业务，投资咨询", "金融", 0, "不含", "不含金融业务"),
    ("投资咨询（除金融、证券）", "金融", 0, "除", "（除金融、证券）"),  # a bracket shows with its brackets
    ("技术开发、非金融性投资；咨询", "金融", 0, "非", "技术开发、非金融性投资"),
    ("经济信息咨询（金融、证券、期货、保险除外）", "金融", 0, "除外", "（金融、证券、期货、保险除外）"),
]


@pytest.mark.parametrize("scope, term, nth, cue, shown", SPANS)
def test_a_negation_shows_exactly_the_clause_it_governs(judge, scope, term, nth, cue, shown):
    folded, start, end = occurrence(scope, term, nth)
    negation = judge.negation(folded, start, end, fold_text(term))
    assert (negation.cue, folded[negation.start:negation.end]) == (cue, fold_text(shown))


# Cases at the edges of each rule: (scope, term, nth, expected cue or None).
EDGES = [
    # a negator right before the term counts unless the term itself begins with that character
    ("融资非资本运作", "资本", 0, "非"),
    ("融资不支付回报", "支付", 0, "不"),
    ("资不资本运作", "资本", 0, "不"),
    # a cue that runs into the hit does not govern it (禁止 | 止损)
    ("禁止损失", "止损", 0, None),
    ("禁止止损", "止损", 0, "禁止"),
    # …除外 counts only as a word of its own after the hit: 除外汇 is 除/外汇
    ("投资咨询及除外汇以外的结算业务", "投资", 0, None),
    ("（投资咨询、金融衍生品除外）", "投资", 0, "除外"),
    ("（投资咨询、金融衍生品除外汇业务）", "投资", 0, None),
    # 除 is closed by 外, 以外 or 之外 only between it and the hit
    ("除金融以外的投资管理", "金融", 0, "除"),
    ("除金融之外的投资管理", "金融", 0, "除"),
    ("除金融外的投资管理", "投资管理", 0, None),
    ("除以外的投资管理", "投资管理", 0, None),  # a closer right after 除 closes it
    ("外除金融", "金融", 0, "除"),  # a 外 before 除 does not
    ("投资管理除外汇以外的业务", "投资管理", 0, None),
]


@pytest.mark.parametrize("scope, term, nth, expected", EDGES)
def test_edge_cases(judge, scope, term, nth, expected):
    folded, start, end = occurrence(scope, term, nth)
    negation = judge.negation(folded, start, end, fold_text(term))
    assert (negation.cue if negation else None) == expected
