"""The layout of one scope: its brackets and clauses, built once, so that each hit costs its clause.

A scope is items split by ; 。 and line breaks, and brackets. At the top level a comma closes a
clause too; inside a bracket only ; does. A bracket nested inside a clause is part of that clause
but hidden from it (blanked), so a cue inside it never reaches a term outside.

Every hit's work is bounded by its own clause, never by the whole text: the bracket pairs are
matched once; the innermost bracket holding a hit is found by a sweep over hits in text order; a
clause is found by walking outward from the hit, jumping over nested brackets, and is reused by
the next hit that falls inside it. All offsets are in folded text (brackets are ASCII there).
"""

from bisect import bisect_left
from dataclasses import dataclass
import re

OPENERS = {"(": ")", "[": "]", "【": "】", "〔": "〕", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}
ANY_BRACKET = re.compile("[" + re.escape("".join(OPENERS) + "".join(CLOSERS)) + "]")
HARD_STOPS = frozenset(";。\n\r")
SOFT_STOPS = frozenset(",")
BLANK = "□"
_HARD_STOP = re.compile("[" + re.escape("".join(sorted(HARD_STOPS))) + "]")


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """Matched bracket pairs as (open, close) offsets, in closing order; unmatched brackets are ignored."""
    stack: list[tuple[str, int]] = []
    spans = []
    for match in ANY_BRACKET.finditer(text):
        char, index = match.group(), match.start()
        if char in OPENERS:
            stack.append((char, index))
        else:
            while stack and stack[-1][0] != CLOSERS[char]:
                stack.pop()
            if stack:
                spans.append((stack.pop()[1], index))
    return spans


def top_level_items(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` between its hard stops (; 。 line breaks) outside every matched bracket.

    No clause, bracket or word window of a hit reaches across such a stop, so every decision on a hit
    is the same in its item alone as in the whole text: items are what decisions are reused by."""
    outer: list[tuple[int, int]] = []
    for opening, closing in sorted(bracket_spans(text)):
        if not outer or opening > outer[-1][1]:
            outer.append((opening, closing))
    items, start, at = [], 0, 0
    for match in _HARD_STOP.finditer(text):
        stop = match.start()
        while at < len(outer) and outer[at][1] < stop:
            at += 1
        if at < len(outer) and outer[at][0] < stop:
            continue  # inside a bracket
        items.append((start, stop))
        start = stop + 1
    items.append((start, len(text)))
    return items


@dataclass(frozen=True, slots=True)
class Clause:
    """The clause around a hit. ``text`` is folded text[start:end] with nested brackets blanked;
    ``first``/``last`` bound its container (the innermost bracket's inside, or the whole text);
    ``shown`` is the span to quote (a whole bracket, brackets included, when the clause fills it)."""

    text: str
    start: int
    end: int
    first: int
    last: int
    in_bracket: bool
    shown: tuple[int, int]


class Layout:
    """Brackets and clauses of one folded scope. Ask for hits in text order for linear time
    (a hit before the previous one restarts the sweep: correct, only slower)."""

    def __init__(self, text: str):
        self.text = text
        self.spans = sorted(bracket_spans(text))
        self.openers = [opening for opening, _ in self.spans]
        self.partner = {o: c for o, c in self.spans} | {c: o for o, c in self.spans}
        self._reset()
        self._clause: Clause | None = None
        self._container_views: dict[int, str] = {}

    def _reset(self) -> None:
        self._cursor, self._stack, self._last_start = 0, [], -1

    def container(self, start: int, end: int) -> tuple[int, int, bool]:
        """The innermost bracket holding [start, end), as (first, last, is_bracket) of its inside;
        the whole text when there is none."""
        if start < self._last_start:
            self._reset()
        self._last_start = start
        stack = self._stack
        while self._cursor < len(self.spans) and self.spans[self._cursor][0] < start:
            span = self.spans[self._cursor]
            while stack and stack[-1][1] < span[0]:
                stack.pop()
            stack.append(span)
            self._cursor += 1
        while stack and stack[-1][1] < start:
            stack.pop()
        holding = next((span for span in reversed(stack) if span[1] >= end), None)  # the top one, for a real hit
        if holding is None:
            return 0, len(self.text), False
        return holding[0] + 1, holding[1], True

    def _walk(self, index: int, step: int, bound: int, stops: frozenset[str], jumps: list) -> int:
        """From ``index`` towards ``bound`` (exclusive) until a stop, jumping over nested brackets
        (recorded in ``jumps``): the offset of the stop, or ``bound``."""
        text, partner = self.text, self.partner
        while index != bound:
            other = partner.get(index)
            if other is not None and (other - index) * step > 0:
                jumps.append((min(index, other), max(index, other)))
                index = other + step
                continue
            if text[index] in stops:
                return index
            index += step
        return bound

    def clause(self, start: int, end: int) -> Clause:
        """The clause holding the hit [start, end)."""
        first, last, in_bracket = self.container(start, end)
        known = self._clause
        if known and known.first == first and known.start <= start and end <= known.end:
            return known
        stops = HARD_STOPS if in_bracket else HARD_STOPS | SOFT_STOPS
        jumps: list[tuple[int, int]] = []
        left = self._walk(start - 1, -1, first - 1, stops, jumps) + 1
        right = self._walk(end, 1, last, stops, jumps)
        chars = list(self.text[left:right])
        for opening, closing in jumps:
            chars[opening - left:closing - left + 1] = BLANK * (closing - opening + 1)
        shown = (first - 1, last + 1) if in_bracket and (left, right) == (first, last) else (left, right)
        self._clause = Clause("".join(chars), left, right, first, last, in_bracket, shown)
        return self._clause

    def container_view(self, clause: Clause) -> str:
        """The inside of a clause's container with nested brackets shown as one blank each (for
        signatures of a whole bracket, such as the five prohibitions), built once per container."""
        view = self._container_views.get(clause.first)
        if view is None:
            pieces, index = [], clause.first
            while True:
                child = bisect_left(self.openers, index)
                if child == len(self.openers) or self.openers[child] >= clause.last:
                    break
                opening = self.openers[child]
                pieces += [self.text[index:opening], BLANK]
                index = self.partner[opening] + 1
            pieces.append(self.text[index:clause.last])
            view = self._container_views[clause.first] = "".join(pieces)
        return view
