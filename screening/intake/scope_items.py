"""The items of a business scope (经营项目), so that a change can tell a new item from one it keeps.

A scope lists items separated by ；, 。, ，, 、 or line breaks; a separator inside a bracket belongs to
the item (投资咨询（不含金融、证券）is one item). Items are found in folded text (full-width, traditional,
case, spaces and hidden characters folded by the screening engine), so 投资咨询 and 投資諮詢 are the same
item; each keeps its span in the original text. A leading label (一般项目：, 许可项目：) and the standard
footer (依法须经批准的项目，经相关部门批准后方可开展经营活动) are not part of an item.
"""

from dataclasses import dataclass
import re

from screening.rules.clauses import bracket_spans
from screening.rules.folding import fold

SEPARATOR = re.compile("[;。,、\n\r]")
LABEL = re.compile(r"^(?:一般|许可|前置许可|后置许可|一般经营|许可经营)?(?:经营)?项目:")
FOOTER = re.compile(r"\(依法须经批准的项目[^)]*\)$")


@dataclass(frozen=True, slots=True)
class ScopeItem:
    """One item: its span in the original scope, its original text and its folded key."""

    start: int
    end: int
    text: str
    key: str


def item_key(folded: str) -> str:
    """The folded item without a label or the standard footer (what two scopes compare)."""
    if "项目" in folded:
        folded = FOOTER.sub("", LABEL.sub("", folded))
    return folded


def scope_items(scope: str | None) -> list[ScopeItem]:
    """The items of a scope in order (empty items left out)."""
    if not scope:
        return []
    folded = fold(scope)
    text = folded.text
    brackets = bracket_spans(text)
    cuts = [m.start() for m in SEPARATOR.finditer(text) if not any(o < m.start() < c for o, c in brackets)]
    items, first = [], 0
    for cut in cuts + [len(text)]:
        key = item_key(text[first:cut])
        if key:
            start, end = folded.original_span(first, cut)
            items.append(ScopeItem(start, end, scope[start:end], key))
        first = cut + 1
    return items


def item_at(items: list[ScopeItem], start: int) -> ScopeItem | None:
    """The item holding the original position ``start``."""
    return next((item for item in items if item.start <= start < item.end), None)
