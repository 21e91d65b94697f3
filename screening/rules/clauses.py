"""Clauses of a business scope and the exclusions that scope a term out.

A scope is items (split by ; 。 and line breaks) and brackets. An exclusion or prohibition
(除…外, 除…, 不含, 不得从事, 未经…批准…不得, 不从事, 非…性, 不…, 禁止, the Beijing five-prohibitions
clause) negates the terms that follow it, and …除外 the terms before it, but only within its
own clause or bracket: in 金融信息服务（除金融业务） the first 金融 counts, the second does not.
At the top level a comma closes a clause; inside a bracket only ; does.

Brackets and clause bounds come from ``screening.rules.layout`` (built once per scope, so each hit
costs its own clause). All offsets are in folded text (see ``screening.rules.folding``).
"""

from dataclasses import dataclass

from screening.rules.layout import Clause, Layout, bracket_spans  # noqa: F401  (bracket_spans: re-exported)
from screening.rules.segmenter import Segmenter

PREFIX_CUES = (
    "不得", "不含", "不包含", "不包括", "不从事", "不经营", "不涉及", "不准", "不可", "不能", "不开展",
    "不进行", "不允许", "禁止", "严禁", "未经", "除",
)
CUES_AT = {first: tuple(c for c in PREFIX_CUES if c[0] == first) for first in {c[0] for c in PREFIX_CUES}}
SUFFIX_CUES = ("除外",)
DIRECT_NEGATORS = ("非", "不")  # right before the term: 非金融性投资, 不支付固定回报
EXCEPT_CLOSERS = ("以外", "之外", "外")  # close a 除 before the hit: 除法律法规规定以外的投资管理 stands
FIVE_PROHIBITIONS = ("不得以公开方式募集资金", "不得公开开展证券类产品", "不得发放贷款", "不得向投资者承诺")


@dataclass(frozen=True, slots=True)
class Negation:
    """Why an occurrence is scoped out: the cue, and the clause it governs as a folded span."""

    cue: str
    start: int
    end: int


def _closed_before(clause: str, cue_at: int, hit_at: int, segmenter: Segmenter) -> bool:
    """For 除: whether a 外 (以外, 之外) closes the exclusion before the hit."""
    for index in range(cue_at + 1, hit_at):
        for closer in EXCEPT_CLOSERS:
            if clause.startswith(closer, index) and segmenter.is_whole(clause, index, index + len(closer)):
                return True
    return False


def _prefix_cue(clause: str, hit_at: int, segmenter: Segmenter) -> str | None:
    """The first exclusion cue before ``hit_at`` in ``clause`` that still governs the hit."""
    for index in range(hit_at):
        for cue in CUES_AT.get(clause[index], ()):
            if not clause.startswith(cue, index) or index + len(cue) > hit_at:
                continue
            if not segmenter.is_whole(clause, index, index + len(cue)):
                continue  # pragma: no mutate (continue -> break): no cue starts another
            if cue == "除" and _closed_before(clause, index, hit_at, segmenter):
                continue  # pragma: no mutate (continue -> break): the only cue at 除
            return cue
    return None


def _suffix_cue(clause: str, hit_end: int, segmenter: Segmenter) -> str | None:
    """An exclusion cue after the hit that reaches back to it (…除外)."""
    for cue in SUFFIX_CUES:
        index = clause.find(cue, hit_end)
        # pragma: no mutate (0 -> 1): found at hit_end (> 0) or later
        if index >= 0 and segmenter.is_whole(clause, index, index + len(cue)):
            return cue
    return None


class ClauseJudge:
    """Decides whether an occurrence in a scope is negated by an exclusion around it."""

    def __init__(self, segmenter: Segmenter):
        self.segmenter = segmenter

    def negation(self, folded: str, start: int, end: int, term: str, layout: Layout | None = None) -> Negation | None:
        """The exclusion that scopes [start, end) out, or None when the occurrence stands.
        ``layout`` is the text's layout, when the caller already has one (hits in text order)."""
        layout = Layout(folded) if layout is None else layout
        return self.negation_in(layout, layout.clause(start, end), start, end, term)

    def negation_in(self, layout: Layout, clause: Clause, start: int, end: int, term: str) -> Negation | None:
        """The exclusion that scopes [start, end) out of its ``clause``, or None."""
        if clause.in_bracket and any(signature in layout.container_view(clause) for signature in FIVE_PROHIBITIONS):
            return Negation("五不得", clause.first - 1, clause.last + 1)
        text, hit_at, hit_end = clause.text, start - clause.start, end - clause.start
        if hit_at > 0 and text[hit_at - 1] in DIRECT_NEGATORS and not term.startswith(text[hit_at - 1]):
            return Negation(text[hit_at - 1], *clause.shown)
        cue = _prefix_cue(text, hit_at, self.segmenter) or _suffix_cue(text, hit_end, self.segmenter)
        return Negation(cue, *clause.shown) if cue else None
