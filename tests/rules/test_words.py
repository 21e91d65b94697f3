"""Word evidence: straddles found by jieba, and false friends kept as data."""

from pathlib import Path

import pytest

from screening.errors import ListError

from screening.rules.folding import fold_text
from screening.settings import get_settings
from screening.rules.words import load_false_friends


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
    ("北京市慈善基金会", "基金", "false friend: 基金会"),
    ("西城区金融街", "金融", "place name: 金融街"),
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
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and reason.startswith(expected)


def test_false_friends_file_has_a_reason_for_each():
    friends = load_false_friends(get_settings().keywords_dir / "false_friends.toml")
    assert {f.text for f in friends} >= {"基金会"}
    assert all(f.reason and f.term in f.folded for f in friends)


def test_false_friend_must_contain_its_term(tmp_path: Path):
    path = tmp_path / "false_friends.toml"
    path.write_text('[[false_friend]]\ntext = "慈善会"\nterm = "基金"\nreason = "x"\n', encoding="utf-8")
    with pytest.raises(ListError, match="慈善会"):
        load_false_friends(path)
