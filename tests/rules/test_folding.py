"""Folding: full-width, traditional, case and spaces; offsets back to the original."""

from hypothesis import given, settings, strategies as st
import pytest

from screening.rules.folding import HIDDEN, SEPARATORS, fold, fold_text, hidden_how, skeleton


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


# Issue 12's examples, then the class: every default-ignorable code point, format character and
# combining mark is dropped, whatever its block.
@pytest.mark.parametrize("char", [
    "\u2063", "\u2062", "\u2064", "\u2060", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u180e",
    "\u034f", "\ufe00", "\ufe0f", "\U000e0020", "\U000e007f", "\U000e0100", "\u061c", "\u3164", "\u115f",
    "\u1160", "\uffa0", "\u0301", "\u20dd", "\u00ad", "\ufeff", "\u202e",
])
def test_hidden_characters_fold_away(char):
    assert fold_text(f"投{char}资管{char}理") == "投资管理"
    assert hidden_how(char).split()[0] in ("不可见字符", "组合符号")


def test_the_hidden_class_comes_from_unicode_properties():
    hidden = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and HIDDEN.match(chr(c))]
    assert len(hidden) > 4000  # every Cf, Mn, Me and default-ignorable code point, not a hand list
    assert all(fold_text(c) == "" for c in hidden[::7])
    assert not any(HIDDEN.match(c) for c in "金融投资PpP2２（）;，、 ")


@pytest.mark.parametrize("text, folded, how", [
    ("Р2Р", "P2P", "形近字母 Р(U+0420)→P"),   # Cyrillic Er
    ("Ρ2Ρ", "P2P", "形近字母 Ρ(U+03A1)→P"),   # Greek Rho
    ("р2р", "P2P", "形近字母 р(U+0440)→P"),   # Cyrillic small er, then upper case
    ("ᑭ2ᑭ", "P2P", "形近字母 ᑭ(U+146D)→P"),   # Canadian syllabics
    ("Ｐ２Ｐ", "P2P", None),                  # full width is ordinary folding, not hiding
    ("理 财", "理财", None),                   # so are spaces
    ("資產管理", "资产管理", None),              # and traditional characters
])
def test_look_alike_letters_map_to_their_skeleton(text, folded, how):
    assert fold_text(text) == folded
    assert (hidden_how(text[0]) if how else None) == how
    assert all(hidden_how(c) is None for c in text) == (how is None)


def test_chinese_text_is_left_alone_by_the_skeleton():
    text = "北京市朝阳区金融街投资管理有限公司経済ㄅ한국"
    assert all(skeleton(c) == c for c in text)


@pytest.mark.parametrize("char, separator", [
    ("-", True), (".", True), ("·", True), ("_", True), ("/", True), ("－", True), ("．", True), ("／", True),
    ("—", True), ("・", True), ("、", False), (",", False), ("；", False), ("（", False), ("金", False),
])
def test_separators_are_dashes_connectors_dots_and_slashes(char, separator):
    folded = fold_text(char)
    assert bool(folded and SEPARATORS.fullmatch(folded)) == separator
    assert folded  # a separator stays in folded text: only inside a term is it seen through
