"""Company names parsed into region, trade name (字号), industry and organisation form."""

from hypothesis import given, settings as hypothesis_settings, strategies as st
import pytest

from screening.rules.company_names import NameParser
from screening.settings import get_settings


@pytest.fixture(scope="module")
def parser() -> NameParser:
    return NameParser.from_file(get_settings().keywords_dir / "name_parts.toml")


def texts(parts) -> tuple:
    """(region, trade name, industry, form, branch) as texts, '' for a missing part."""
    return tuple(part.text if part else "" for _, part in parts.items())


# name → (region, trade name, industry, form, branch)
CASES = [
    ("上海拍拍贷金融信息服务有限公司", ("上海", "拍拍贷", "金融信息服务", "有限公司", "")),
    ("红岭创投电子商务股份有限公司", ("", "红岭创投", "电子商务", "股份有限公司", "")),          # no region
    ("人人贷商务顾问（北京）有限公司", ("北京", "人人贷", "商务顾问", "有限公司", "")),          # region in brackets before the form
    ("微贷（杭州）金融信息服务有限公司", ("杭州", "微贷", "金融信息服务", "有限公司", "")),      # bracketed region after the trade name
    ("开鑫贷融资服务江苏有限公司", ("江苏", "开鑫贷", "融资服务", "有限公司", "")),             # province before the form
    ("广东省广州市天河区某某科技有限公司", ("广东省广州市天河区", "某某", "科技", "有限公司", "")),
    ("广州建材企业集团有限公司水暖器材分公司", ("广州", "建材企业", "", "集团有限公司", "水暖器材分公司")),
    ("中国工商银行股份有限公司广州某某支行", ("中国", "工商银行", "", "股份有限公司", "广州某某支行")),
    ("某某科技分公司", ("", "某某", "科技", "分公司", "")),                                     # a branch without its parent's name
    ("天津市东方广诚医药化工有限公司", ("天津市", "东方广诚", "医药化工", "有限公司", "")),      # 东方市 is in Hainan, not Tianjin
    ("大同航（北京）网络科技有限公司", ("北京", "大同航", "网络科技", "有限公司", "")),          # a region would leave a one-character trade name
    ("某某小额贷款有限公司", ("", "某某", "小额贷款", "有限公司", "")),
    ("金融信息服务有限公司", ("", "金融", "信息服务", "有限公司", "")),                          # the trade name keeps two characters
    ("北京市海淀区中关村科技园区某某投资管理中心（有限合伙）", ("北京市海淀区", "中关村科技园区某某", "投资管理", "中心（有限合伙）", "")),
    ("廣州某某財富管理有限公司", ("廣州", "某某", "財富管理", "有限公司", "")),                  # traditional characters, original spans
    ("剑阁县供销合作社白龙中心社日杂门市部", ("剑阁县", "供销", "", "合作社", "白龙中心社日杂门市部")),
]


@pytest.mark.parametrize("name, expected", CASES)
def test_parse_cases(parser, name, expected):
    assert texts(parser.parse(name)) == expected


@pytest.mark.parametrize("name, words", [
    ("上海你我贷互联网金融信息服务有限公司", ("互联网", "金融信息", "服务")),  # longest words, from the end
    ("沈阳某某机电商贸有限公司", ("机电", "商贸")),        # not 电商 across 机电/商贸
    ("人人贷商务顾问（北京）有限公司", ("商务", "顾问")),
    ("广州市生茂泰茶厂", ()),
])
def test_industry_words(parser, name, words):
    assert parser.parse(name).industry_words == words


def test_round_trip_through_dict(parser):
    from screening.rules.company_names import NameParts

    parts = parser.parse("人人贷商务顾问（北京）有限公司")
    again = NameParts.from_dict(parts.as_dict())
    assert texts(again) == texts(parts)
    assert NameParts.from_dict(None) is None


NAME_PIECES = st.sampled_from(["北京", "北京市", "海淀区", "（", "）", "(", "上海", "某", "贷", "拍", "金融", "信息", "服务",
                               "科技", "有限公司", "股份", "分公司", "集团", "合作社", "厂", "中国", " ", "財富", "江苏"])


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.lists(NAME_PIECES, max_size=10).map("".join))
def test_parts_are_ordered_disjoint_slices_of_the_name(parser, name):
    """Invariant: every part is the original text at its span, and parts do not overlap."""
    parts = [part for _, part in parser.parse(name).items() if part]
    for part in parts:
        assert 0 <= part.start < part.end <= len(name)
        assert name[part.start:part.end] == part.text
    spans = sorted((part.start, part.end) for part in parts)
    assert all(first[1] <= second[0] for first, second in zip(spans, spans[1:]))
