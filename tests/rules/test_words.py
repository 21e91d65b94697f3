"""Word evidence: straddles found by jieba, and false friends kept as data."""

from pathlib import Path

import pytest

from screening.errors import ListError

from screening.rules.company_names import NameParts, Part
from screening.rules.folding import fold, fold_text
from screening.settings import get_settings
from screening.rules.words import (COMMON_WORD, PUNCTUATION, WordJudge, load_false_friends, name_view,
                                   window_bounds)


@pytest.fixture(scope="module")
def words(screener):
    return screener.words


# (text, term, expected: None when it is a word, else the start of the reason)
CASES = [
    ("资金融通", "金融", "not a word: 资金/融通"),
    ("代理财产保险", "理财", "not a word: 代理/财产保险"),
    ("办理财产保险", "理财", "not a word: 办理/财产保险"),
    ("管理财务", "理财", "not a word: 管理/财务"),
    ("代理财务", "理财", "not a word: 代理/财务"),
    ("北京市慈善基金会", "基金", "false friend: 基金会 (a charitable foundation (基金会), registered under the foundation rules, "
                                "not a fund)"),
    ("西城区金融街", "金融", "place name: 金融街 (a street)"),
    ("一二三四五六七金融街", "金融", "place name: 金融街 (a street)"),  # the window starts past the text's start
    ("一二三四五六七交易所得", "交易所", "not a word: 交易/所得"),
    ("资金融通业务", "金融", "not a word: 资金/融通"),  # only the words the term straddles
    ("新支付出", "支付", None),  # 付出 is a word, but a term of two characters is not read as head/tail
    ("一二三四五六七资金融通", "金融", "not a word: 资金/融通"),
    ("交易所得了", "交易所", "not a word: 交易/所得"),  # the tail is two characters, whatever follows
    ("金融信息服务", "金融", None),
    ("投资管理咨询", "投资管理", None),
    ("手机支付业务", "支付", None),
    ("项目投资管理", "投资管理", None),
    ("国有资产管理", "资产管理", None),
    ("资产管理中心", "资产管理", None),
    ("受托管理股权投资基金", "股权投资基金", None),
    ("个人理财", "理财", None),
    ("金融业", "金融", None),
]


@pytest.mark.parametrize("text, term, expected", CASES)
def test_not_a_word_cases(words, text, term, expected):
    folded, folded_term = fold_text(text), fold_text(term)
    start = folded.index(folded_term)
    reason = words.not_a_word(folded, start, start + len(folded_term), folded_term)
    assert reason == expected


def test_false_friends_file_has_a_reason_for_each():
    friends = load_false_friends(get_settings().keywords_dir / "false_friends.toml")
    assert {f.text for f in friends} >= {"基金会"}
    assert all(f.reason and f.term in f.folded for f in friends)


def test_false_friend_must_contain_its_term(tmp_path: Path):
    path = tmp_path / "false_friends.toml"
    path.write_text('[[false_friend]]\ntext = "慈善会"\nterm = "基金"\nreason = "x"\n', encoding="utf-8")
    with pytest.raises(ListError, match="慈善会"):
        load_false_friends(path)


# Every term is checked for straddles (SCREENING_RULES.md section 2): (term, a text in which it straddles
# two words and the reason's words, or None where Chinese has no such reading, a text where it stands).
STRADDLES = {
    "交易所": ("股权交易所得", "交易/所得", "证券交易所"),
    "交易中心": ("交易中心脏", "交易/中/心脏", "旧机动车交易中心"),
    "金融": ("资金融通", "资金/融通", "金融信息服务"),
    "资产管理": (None, None, "国有资产管理"),
    "理财": ("代理财务", "代理/财务", "个人理财业务"),
    "基金": (None, None, "基金销售"),
    "基金管理": (None, None, "基金管理服务"),
    "投资管理": (None, None, "项目投资管理"),
    "财富管理": (None, None, "财富管理咨询"),
    "股权投资基金": (None, None, "受托管理股权投资基金"),
    "网贷": ("网贷款", "网/贷款", "网贷平台"),
    "网络借贷": ("网络借贷款", "网络/借/贷款", "网络借贷信息中介"),
    "P2P": (None, None, "P2P网络借贷"),
    "股权众筹": (None, None, "股权众筹平台"),
    "互联网保险": (None, None, "互联网保险经纪"),
    "支付": (None, None, "手机支付业务"),
    "众筹": ("大众筹办", "大众/筹办", "众筹平台"),
    "投资": (None, None, "项目投资"),
    "资本": ("师资本科", "师资/本科", "资本运营"),
    "融资租赁": (None, None, "融资租赁业务"),
    "非融资性": (None, None, "非融资性担保"),
    "投资理财": (None, None, "投资理财咨询"),
    "非融资性担保": (None, None, "非融资性担保业务"),
    "第三方理财": (None, None, "第三方理财服务"),
    "资产": ("物资产品", "物资/产品", "资产评估"),
    "控股": ("遥控股份", "遥控/股份", "控股公司"),
    "项目投资": (None, None, "项目投资咨询"),
    "股权投资": (None, None, "股权投资业务"),
    "投资咨询": (None, None, "投资咨询服务"),
    "投资顾问": (None, None, "投资顾问服务"),
    "资本管理": (None, None, "资本管理咨询"),
}


def test_every_term_is_checked_for_straddles(screener):
    terms = {t.term for term_list in screener.lists for t in term_list.terms}
    assert terms == set(STRADDLES), f"terms without a straddle check: {sorted(terms - set(STRADDLES))}"


@pytest.mark.parametrize("term", sorted(STRADDLES))
def test_straddles_of_every_term(words, term):
    straddle, reason, stands = STRADDLES[term]
    folded_term = fold_text(term)
    if straddle:
        folded = fold_text(straddle)
        start = folded.index(folded_term)
        assert words.not_a_word(folded, start, start + len(folded_term), folded_term) == f"not a word: {reason}"
    folded = fold_text(stands)
    start = folded.index(folded_term)
    assert words.not_a_word(folded, start, start + len(folded_term), folded_term) is None


# Places and buildings as a class: every place word of keywords/place_names.toml names a place in one case
# and must not in another; every context word makes 中心 a place.
PLACES = {
    "街": ("西城区金融街", "金融街头"),
    "大街": ("北京金融大街支行", "金融大街道"),
    "路": ("金融路8号", "金融路演"),
    "大道": ("金融大道88号", "金融大道理"),
    "城": ("陆家嘴金融城", "金融城市建设"),
    "港": ("武汉金融港", "金融港口物流"),
    "广场": ("国际金融广场", "金融广告设计"),
    "大厦": ("渣打金融大厦", "金融大厦门"),
    "大楼": ("人民金融大楼", "金融大楼梯"),
    "园区": ("金融园区管理", "金融园区划"),
    "中心": ("上海环球金融中心支行", "金融中心理论"),
}


@pytest.fixture(scope="module")
def places(words):
    return words.places


def test_every_place_word_has_both_cases(places):
    assert {suffix.text for suffix in places.suffixes} == set(PLACES)


@pytest.mark.parametrize("suffix", sorted(PLACES))
def test_place_words(words, suffix):
    place, not_place = PLACES[suffix]
    for text, expected in ((place, True), (not_place, False)):
        folded = fold_text(text)
        start = folded.index("金融")
        found = words.place(folded, start, start + 2)
        assert (found is not None) == expected, (text, found)
        assert not expected or found.startswith(f"place name: 金融{suffix}")


@pytest.mark.parametrize("word", ["国际", "环球", "世界", "亚洲", "东方"])
def test_every_word_before_makes_a_centre_a_place(words, places, word):
    assert word in places.before
    folded = fold_text(f"{word}金融中心")
    assert words.place(folded, len(word), len(word) + 2) == "place name: 金融中心 (a tower or district)"


def test_every_word_after_makes_a_centre_a_place(words, places):
    for word in places.after:
        folded = fold_text(f"金融中心{word}")
        assert words.place(folded, 0, 2) == "place name: 金融中心 (a tower or district)", word
    assert words.place(fold_text("金融中心服务"), 0, 2) is None


@pytest.mark.parametrize("term, text", [("投资", "国际投资大厦"), ("交易中心", "交易中心大厦"), ("基金", "基金大厦管理")])
def test_places_are_a_class_for_every_term(words, term, text):
    folded = fold_text(text)
    start = folded.index(term)
    assert words.not_a_word(folded, start, start + len(term), term).startswith("place name: ")


@pytest.mark.parametrize("body, problem", [
    ('[[suffix]]\ntext = ""\nreason = "x"\n[context]\nbefore = ["国际"]\nafter = ["大厦"]\n', "text"),
    ('[[suffix]]\ntext = "街"\nreason = ""\n[context]\nbefore = ["国际"]\nafter = ["大厦"]\n', "reason"),
    ('[[suffix]]\ntext = "街"\nreason = "x"\n[context]\nbefore = []\nafter = ["大厦"]\n', "before"),
    ('[[suffix]]\ntext = "街"\nreason = "x"\n[context]\nbefore = ["国际"]\nafter = []\n', "after"),
    ('suffix = []\n[context]\nbefore = ["国际"]\nafter = ["大厦"]\n', "suffix"),
    ('[[suffix]]\ntext = "街"\n', "suffix #1 ('街') field reason"),
    ('[[suffix]]\ntext = "街"\nreason = "a street"\n', "context"),
])
def test_a_malformed_place_file_names_the_file_and_the_entry(tmp_path: Path, body, problem):
    from screening.rules.words import load_place_suffixes

    path = tmp_path / "place_names.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ListError) as error:
        load_place_suffixes(path)
    assert str(path) in str(error.value) and problem in str(error.value)


# ---------------------------------------------------------------- the window jieba sees

NOT_PUNCTUATION = "X中a1 -_金"


def test_the_window_reaches_six_characters_each_side():
    text = "一二三四五六七八九十金融一二三四五六七八九十"
    assert window_bounds(text, 10, 12) == (4, 18)
    assert window_bounds("三四金融五六", 2, 4) == (0, 6)  # the text's ends bound it too
    assert window_bounds("二,一金融一,二", 3, 5) == (2, 6)  # one character each side, up to the commas
    assert window_bounds("金融一二三", 0, 2) == (0, 5)


def test_the_window_stops_at_every_punctuation_mark_and_at_nothing_else():
    for mark in PUNCTUATION:
        assert window_bounds(f"前{mark}金融{mark}后", 2, 4) == (2, 4), mark
    for char in NOT_PUNCTUATION:
        assert window_bounds(f"前{char}金融{char}后", 2, 4) == (0, 6), char


def test_a_tail_word_as_common_as_the_threshold_reads_as_a_word_and_one_less_does_not(places):
    from screening.rules.segmenter import Segmenter

    segmenter = Segmenter(["股权投资基金", "股权投资基"])  # a head that is a word, to reach the tail's test
    judge = WordJudge(segmenter, [], places)
    assert segmenter.tokenizer.FREQ["金条"] == COMMON_WORD and segmenter.tokenizer.FREQ["金玉"] == COMMON_WORD - 1
    assert judge.tail_straddle("股权投资基金条", 0, 6) == "股权投资基/金条"
    assert judge.tail_straddle("股权投资基金玉", 0, 6) is None


# ---------------------------------------------------------------- a name's trade name and industry

CROSSING = "not a word: {}/{} (crosses the name's trade name and industry)"
NAMES = [  # (name, term, nth, (industry span or None, reason or None))
    ("天津嘉德中投资产管理有限公司", "投资", 0, (None, CROSSING.format("嘉德中投", "资产管理"))),
    ("天津嘉德中投资产管理有限公司", "投资产管", 0, (None, CROSSING.format("嘉德中投", "资产管理"))),
    ("天津嘉德资产管理有限公司", "德资产", 0, (None, CROSSING.format("嘉德", "资产管理"))),
    ("天津嘉德中投资产管理有限公司", "资产管理", 0, ((6, 10), None)),
    ("天津嘉德中投\u200b资产管理有限公司", "资产管理", 0, ((6, 10), None)),  # folded offsets: the space is gone
    ("天津嘉德中投\u200b资产管理有限公司", "投资", 0, (None, CROSSING.format("嘉德中投", "资产管理"))),
    # must not: in the trade name, covering the whole first industry word, or past the industry part
    ("天津嘉德中投资产管理有限公司", "嘉德", 0, (None, None)),
    ("天津嘉德中投资产管理有限公司", "中投资产管理", 0, (None, None)),
    ("天津嘉德中投资产管理有限公司", "管理有限", 0, (None, None)),
    ("北京嘉德有限公司", "嘉德", 0, (None, None)),  # no industry part
]


@pytest.mark.parametrize("name, term, nth, expected", NAMES)
def test_name_view(screener, name, term, nth, expected):
    text, parts = fold(name), screener.names.parse(name)
    start = -1
    for _ in range(nth + 1):
        start = text.text.index(term, start + 1)
    assert name_view(text, parts, start, start + len(term)) == expected


INDUSTRY = Part("资产管理", 2, 6)


@pytest.mark.parametrize("parts, span, expected", [
    (None, (2, 4), (None, None)),  # no parse
    (NameParts(None, None, INDUSTRY, None, None, ()), (2, 6), (None, None)),  # an industry part read as no words
    (NameParts(None, None, INDUSTRY, None, None, ("资产管理",)), (2, 6), ((2, 6), None)),
    (NameParts(None, None, INDUSTRY, None, None, ("资产管理",)), (1, 3), (None, None)),  # no trade name: no crossing
    (NameParts(None, Part("京", 1, 2), INDUSTRY, None, None, ("资产管理",)), (1, 3), (None, CROSSING.format("京", "资产管理"))),
    (NameParts(None, Part("京", 1, 2), Part("资产管理", 20, 24), None, None, ("资产管理",)), (1, 3), (None, None)),
])
def test_name_view_of_a_given_parse(parts, span, expected):
    assert name_view(fold("北京资产管理有限公司"), parts, *span) == expected


def test_the_smallest_place_file_and_false_friend_load(tmp_path: Path):
    from screening.rules.words import load_place_suffixes

    places = tmp_path / "place_names.toml"
    places.write_text('[[suffix]]\ntext = "廈"\nreason = "x"\n[context]\nbefore = ["國"]\nafter = ["樓"]\n',
                      encoding="utf-8")
    loaded = load_place_suffixes(places)  # folded as the text they are matched in
    assert ([(s.text, s.reason, s.needs_context) for s in loaded.suffixes], loaded.before, loaded.after) == (
        [("厦", "x", False)], ("国",), ("楼",))
    friends = tmp_path / "false_friends.toml"
    friends.write_text('[[false_friend]]\ntext = "金街"\nterm = "金"\nreason = "x"\n', encoding="utf-8")
    assert [(f.text, f.term, f.reason) for f in load_false_friends(friends)] == [("金街", "金", "x")]


@pytest.mark.parametrize("entry", ['text = "金"\nterm = "金"\nreason = "x"', 'text = "金街"\nterm = ""\nreason = "x"',
                                   'text = "金街"\nterm = "金"\nreason = ""'])
def test_a_false_friend_below_its_sizes_is_refused(tmp_path: Path, entry):
    friends = tmp_path / "false_friends.toml"
    friends.write_text(f"[[false_friend]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ListError, match="false_friends.toml"):
        load_false_friends(friends)


@pytest.mark.parametrize("text, start, term, friend, expected", [
    ("某慈善基金会", 3, "基金", "慈善基金会", True),  # the term inside the friend, not at its start
    ("某基金会", 1, "基金", "慈善基金会", False),  # the friend is not spelled out around it
    ("哈哈哈会", 1, "哈哈", "哈哈哈会", True),  # the term twice in the friend, overlapping: the second counts
    ("哈哈哈会", 0, "哈哈", "哈哈哈会", True),
    ("哈哈会", 0, "哈哈", "哈哈哈会", False),
])
def test_a_false_friend_is_found_wherever_the_term_sits_in_it(words, text, start, term, friend, expected):
    from screening.rules.words import FalseFriend

    judge = WordJudge(words.segmenter, [FalseFriend(friend, friend, term, "x")], words.places)
    found = judge.false_friend(text, start, term)
    assert (found.text if found else None) == (friend if expected else None)


@pytest.mark.parametrize("text, span, within, expected", [
    ("资金融通有限公司", (1, 3), (0, 4), "资金/融通"),
    ("资金融通有限公司", (1, 3), None, "资金/融通"),
    ("北京金融街控股", (2, 4), (2, 7), None),
])
def test_straddle_within_a_stretch(words, text, span, within, expected):
    assert words.straddle(fold_text(text), *span, within) == expected
