"""Aho-Corasick matching over folded text, and the exactness of the vectorised prefilter."""

from hypothesis import given, settings, strategies as st
import polars as pl
import pytest

from screening.rules.folding import fold_text


@pytest.mark.parametrize("text, expected", [
    ("股权投资基金管理", {"股权投资基金", "股权投资", "投资", "基金管理", "基金"}),
    ("P2P网络借贷", {"P2P", "网络借贷"}),
    ("机械设备销售", set()),
    ("金融街", {"金融"}),
])
def test_occurrences_include_overlaps(screener, text, expected):
    found = {o.folded for o in screener.matcher.occurrences(fold_text(text))}
    assert found == expected


def test_occurrence_spans_slice_the_term(screener):
    text = fold_text("受托管理股权投资基金；投资管理")
    for occurrence in screener.matcher.occurrences(text):
        assert text[occurrence.start:occurrence.end] == occurrence.folded


@pytest.mark.parametrize("text, candidate", [
    ("理 財服务", True),
    ("ｐ２ｐ平台", True),
    ("資產管理", True),
    ("机械设备销售", False),
    ("", False),
    (None, False),
    ("基金会", True),  # a candidate: the full screening decides it is not a word
])
def test_prefilter_cases(screener, text, candidate):
    assert screener.prefilter.candidates(pl.Series([text], dtype=pl.Utf8)).to_list() == [candidate]


TERM_PIECES = st.sampled_from(["理", "财", "金", "融", "P", "p", "２", "资", "產", "管", "理", " ", "\u3000", "网", "貸"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TERM_PIECES, st.characters(exclude_categories=("Cs",))), max_size=30).map("".join))
def test_prefilter_never_misses_what_the_automaton_finds(screener, text):
    found = any(True for _ in screener.matcher.occurrences(fold_text(text)))
    selected = screener.prefilter.candidates(pl.Series([text])).to_list()[0]
    assert selected or not found
