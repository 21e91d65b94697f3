"""Folding: full-width, traditional, case and spaces; offsets back to the original."""

from hypothesis import given, settings, strategies as st
import pytest

from screening.rules.folding import fold, fold_text


@pytest.mark.parametrize("original, folded", [
    ("Ｐ２Ｐ", "P2P"),
    ("p2p", "P2P"),
    ("資產管理", "资产管理"),
    ("理 财", "理财"),
    ("理\u3000财", "理财"),
    ("網絡借貸", "网络借贷"),
    ("（除金融、证券）", "(除金融、证券)"),
    ("投资管理；资产管理", "投资管理;资产管理"),
    ("金融\u200b信息", "金融信息"),
    ("", ""),
])
def test_fold_cases(original, folded):
    assert fold_text(original) == folded
    assert fold(original).text == folded


@pytest.mark.parametrize("original, term, span", [
    ("北京Ｐ２Ｐ网贷", "P2P", (2, 5)),
    ("理 财产品", "理财", (0, 3)),
    ("资 產 管 理", "资产管理", (0, 7)),
])
def test_span_maps_back_to_original(original, term, span):
    text = fold(original)
    start = text.text.index(term)
    assert text.original_span(start, start + len(term)) == span
    assert fold_text(original[span[0]:span[1]]) == term


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fast_path_equals_character_by_character(text):
    from screening.rules.folding import fold_char

    assert fold_text(text) == "".join(fold_char(c) for c in text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_is_idempotent(text):
    once = fold_text(text)
    assert fold_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(), st.data())
def test_every_folded_span_slices_back(text, data):
    folded = fold(text)
    if folded.origin is None:
        assert len(folded.text) == len(text)
    else:
        assert len(folded.origin) == len(folded.text)
    if not folded.text:
        return
    start = data.draw(st.integers(0, len(folded.text) - 1))
    end = data.draw(st.integers(start + 1, len(folded.text)))
    first, last = folded.original_span(start, end)
    assert fold_text(text[first:last]).find(folded.text[start:end]) >= 0
