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


TERM_PIECES = st.sampled_from(["理", "财", "金", "融", "P", "p", "２", "资", "產", "管", "理", " ", "\u3000", "网", "貸",
                               "-", ".", "·", "/", "_", "－", "\u2063", "Р", "\u0301"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TERM_PIECES, st.characters(exclude_categories=("Cs",))), max_size=30).map("".join))
def test_prefilter_never_misses_what_the_automaton_finds(screener, text):
    found = any(True for _ in screener.matcher.occurrences(fold_text(text)))
    selected = screener.prefilter.candidates(pl.Series([text])).to_list()[0]
    assert selected or not found


@pytest.mark.parametrize("text, term, span, separators", [
    ("P-2-P平台", "P2P", (0, 5), "-"),
    ("P.2.P", "P2P", (0, 5), "."),
    ("P·2·P", "P2P", (0, 5), "·"),
    ("P_2/P", "P2P", (0, 5), "_/"),
    ("理.财产品", "理财", (0, 3), "."),
    ("网络-借-贷", "网络借贷", (0, 6), "-"),
    ("资产管理", "资产管理", (0, 4), ""),
])
def test_separators_inside_a_term_are_seen_through(screener, text, term, span, separators):
    folded = fold_text(text)
    found = [o for o in screener.matcher.occurrences(folded) if o.folded == fold_text(term)]
    assert [(o.start, o.end, o.separators) for o in found] == [(*span, separators)]
    if separators:
        joined, start, end = found[0].joined
        assert joined[start:end] == fold_text(term)


@pytest.mark.parametrize("text", ["P2P-", "-P2P", "金融-", "1.金融", "-投资管理-"])
def test_separators_at_a_terms_edge_are_not_inside_it(screener, text):
    assert all(not o.separators for o in screener.matcher.occurrences(fold_text(text)))


@pytest.mark.parametrize("text", ["P-2-P", "Р2Р", "P\u20632P", "金·融", "资／产／管／理"])
def test_prefilter_keeps_hidden_terms(screener, text):
    assert screener.prefilter.candidates(pl.Series([text])).to_list() == [True]


# Terms planted at known places among filler characters that belong to no term: the answer is known by
# construction (a plain substring search of each planted term for every key), not from the automaton.
FILLER_CANDIDATES = "的是在有和与及或等中大上下技术开发服务销售设备机械电子软件咨询农业种植养殖建筑工程,;、()"


@pytest.fixture(scope="module")
def planting(screener):
    from screening.rules.folding import SEPARATORS
    keys = sorted(screener.matcher.entries)
    term_chars = set("".join(keys))
    filler = [c for c in FILLER_CANDIDATES if c not in term_chars and fold_text(c) == c and not SEPARATORS.match(c)]
    separators = [c for c in "-.·/_" if fold_text(c) == c and SEPARATORS.match(c)]
    assert len(filler) >= 20 and len(separators) >= 3
    return keys, filler, separators


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_planted_term_is_found_and_nothing_else(screener, planting, data):
    keys, filler, separators = planting
    text, expected = "", set()
    for _ in range(data.draw(st.integers(0, 6))):
        text += "".join(data.draw(st.lists(st.sampled_from(filler), min_size=1, max_size=4)))
        term = data.draw(st.sampled_from(keys))
        positions = []
        for index, char in enumerate(term):
            if index and data.draw(st.integers(0, 4)) == 0:  # now and then a separator inside the term
                text += data.draw(st.sampled_from(separators))
            positions.append(len(text))
            text += char
        for key in keys:
            at = term.find(key)
            while at >= 0:
                expected.add((positions[at], positions[at + len(key) - 1] + 1, key))
                at = term.find(key, at + 1)
    text += "".join(data.draw(st.lists(st.sampled_from(filler), max_size=3)))
    found = {(o.start, o.end, o.folded) for o in screener.matcher.occurrences(text)}
    assert found == expected
