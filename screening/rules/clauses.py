"""Clauses of a business scope and the exclusions that scope a term out.

A scope is items (split by ; 。 and line breaks) and brackets. An exclusion or prohibition
(除…外, 除…, 不含, 不得从事, 未经…批准…不得, 不从事, 非…性, 不…, 禁止, the Beijing five-prohibitions
clause) negates the terms that follow it, and …除外 the terms before it, but only within its
own clause or bracket: in 金融信息服务（除金融业务） the first 金融 counts, the second does not.
At the top level a comma closes a clause; inside a bracket only ; does.

All offsets are in folded text (see ``screening.rules.folding``): brackets are ASCII there.
"""

from dataclasses import dataclass
import re

from screening.rules.segmenter import Segmenter

OPENERS = {"(": ")", "[": "]", "【": "】", "〔": "〕", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}
ANY_BRACKET = re.compile("[" + re.escape("".join(OPENERS) + "".join(CLOSERS)) + "]")
HARD_STOPS = set(";。\n\r")
SOFT_STOPS = set(",")
PREFIX_CUES = (
    "不得", "不含", "不包含", "不包括", "不从事", "不经营", "不涉及", "不准", "不可", "不能", "不开展",
    "不进行", "不允许", "禁止", "严禁", "未经", "除",
)
CUES_AT = {first: tuple(c for c in PREFIX_CUES if c[0] == first) for first in {c[0] for c in PREFIX_CUES}}
SUFFIX_CUES = ("除外",)
DIRECT_NEGATORS = ("非", "不")  # right before the term: 非金融性投资, 不支付固定回报
FIVE_PROHIBITIONS = ("不得以公开方式募集资金", "不得公开开展证券类产品", "不得发放贷款", "不得向投资者承诺")


@dataclass(frozen=True, slots=True)
class Negation:
    """Why an occurrence is scoped out: the cue, and the clause it governs as a folded span."""

    cue: str
    start: int
    end: int


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """Matched bracket pairs as (open, close) offsets; unmatched brackets are ignored."""
    if not ANY_BRACKET.search(text):
        return []
    stack: list[tuple[str, int]] = []
    spans = []
    for index, char in enumerate(text):
        if char in OPENERS:
            stack.append((char, index))
        elif char in CLOSERS:
            while stack and stack[-1][0] != CLOSERS[char]:
                stack.pop()
            if stack:
                spans.append((stack.pop()[1], index))
    return spans


def container_of(spans: list[tuple[int, int]], length: int, start: int, end: int) -> tuple[int, int, bool]:
    """The innermost bracket holding [start, end) as (first, last+1, is_bracket), else the whole text."""
    holding = [(o, c) for o, c in spans if o < start and end <= c]
    if not holding:
        return 0, length, False
    opening, closing = max(holding)
    return opening + 1, closing, True


def masked(text: str, spans: list[tuple[int, int]], first: int, last: int) -> str:
    """``text[first:last]`` with nested brackets blanked out (same length, positions kept)."""
    chars = list(text[first:last])
    for opening, closing in spans:
        if first <= opening and closing < last:
            chars[opening - first:closing - first + 1] = "□" * (closing - opening + 1)
    return "".join(chars)


def clause_bounds(view: str, start: int, end: int, stops: set[str]) -> tuple[int, int]:
    """The clause of ``view`` around [start, end), delimited by any of ``stops``."""
    left = max(view.rfind(stop, 0, start) for stop in stops) + 1
    ends = [found for stop in stops if (found := view.find(stop, end)) >= 0]
    return left, min(ends, default=len(view))


def _closed_before(clause: str, cue_at: int, hit_at: int, segmenter: Segmenter) -> bool:
    """For 除: whether a 外 (以外, 之外) closes the exclusion before the hit."""
    for index in range(cue_at + 1, hit_at):
        for closer in ("以外", "之外", "外"):
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
                continue
            if cue == "除" and _closed_before(clause, index, hit_at, segmenter):
                continue
            return cue
    return None


def _suffix_cue(clause: str, hit_end: int, segmenter: Segmenter) -> str | None:
    """An exclusion cue after the hit that reaches back to it (…除外)."""
    for cue in SUFFIX_CUES:
        index = clause.find(cue, hit_end)
        if index >= 0 and segmenter.is_whole(clause, index, index + len(cue)):
            return cue
    return None


class ClauseJudge:
    """Decides whether an occurrence in a scope is negated by an exclusion around it."""

    def __init__(self, segmenter: Segmenter):
        self.segmenter = segmenter

    def negation(self, folded: str, start: int, end: int, term: str,
                 spans: list[tuple[int, int]] | None = None) -> Negation | None:
        """The exclusion that scopes [start, end) out, or None when the occurrence stands.
        ``spans`` are the text's bracket spans, when the caller already has them."""
        spans = bracket_spans(folded) if spans is None else spans
        first, last, in_bracket = container_of(spans, len(folded), start, end)
        view = masked(folded, spans, first, last)
        if in_bracket and any(signature in view for signature in FIVE_PROHIBITIONS):
            return Negation("五不得", first - 1, last + 1)
        stops = HARD_STOPS if in_bracket else HARD_STOPS | SOFT_STOPS
        left, right = clause_bounds(view, start - first, end - first, stops)
        clause, hit_at, hit_end = view[left:right], start - first - left, end - first - left
        shown = (first - 1, last + 1) if in_bracket and (left, right) == (0, len(view)) else (
            first + left, first + right)
        if hit_at > 0 and clause[hit_at - 1] in DIRECT_NEGATORS and not term.startswith(clause[hit_at - 1]):
            return Negation(clause[hit_at - 1], *shown)
        cue = _prefix_cue(clause, hit_at, self.segmenter) or _suffix_cue(clause, hit_end, self.segmenter)
        return Negation(cue, *shown) if cue else None
