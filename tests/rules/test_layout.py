"""The layout of a scope (screening/rules/layout.py): each hit costs its own clause, so screening is
linear in a record's length (issue: a scope of 金融； × 20,000 took 56 s)."""

import time

import pytest

from screening.rules.folding import fold_text
from screening.rules.layout import Layout
from screening.rules.regions import Region


def clause_work(text: str, term: str) -> int:
    """Characters of clause text the layout builds for the occurrences of ``term``, asked in order
    (a clause reused by the next hit is built once), plus one bracket view per container."""
    layout, kept, built, views, index = Layout(text), [], {}, {}, text.find(term)
    while index >= 0:
        clause = layout.clause(index, index + len(term))
        kept.append(clause)  # kept alive, so that an id is never reused for another clause
        built[id(clause)] = len(clause.text)
        if clause.in_bracket:
            views[clause.first] = len(layout.container_view(clause))
        index = text.find(term, index + 1)
    return sum(built.values()) + sum(views.values())


@pytest.mark.parametrize("item, wrap", [("金融;", "{}"), ("金融,投资", "技术开发({})"), ("金融(证券);", "{}"),
                                        ("金融、", "投资咨询[{}]")])
def test_the_work_per_hit_is_bounded_by_its_clause(item, wrap):
    small, large = (fold_text(wrap.format(item * n)) for n in (500, 1000))
    work_small, work_large = clause_work(small, "金融"), clause_work(large, "金融")
    assert work_large <= 2.2 * work_small, (work_small, work_large)


def test_a_clause_is_shared_by_the_hits_inside_it():
    text = fold_text("金融" * 1000)  # one clause, 1,000 hits: built once, not 1,000 times
    layout = Layout(text)
    clauses = {id(layout.clause(i, i + 2)) for i in range(0, len(text), 2)}
    assert len(clauses) == 1


def cpu_seconds(screener, items: int) -> float:
    """Best of three: CPU seconds to screen one record with a scope of ``items`` items."""
    fields = {"name": "某某科技有限公司", "scope": "金融；" * items}
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        screener.screen(1, fields, Region("440101", "credit_code"))
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.slow
def test_doubling_a_scope_about_doubles_the_time(screener):
    """A generous bound: linear work gives a ratio near 2, the quadratic parser gave near 4."""
    cpu_seconds(screener, 200)  # warm the caches of jieba and folding
    ratio = cpu_seconds(screener, 8_000) / cpu_seconds(screener, 4_000)
    assert ratio < 3.0, ratio
