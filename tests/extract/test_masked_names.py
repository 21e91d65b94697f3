"""Names masked at the source link nothing (screening.extract.persons.masked_name): a class of marks, not
one character, and no real name caught by it."""

import pytest

from screening.extract.persons import links_of, masked_name, persons

ID = "11010519491231002X"


@pytest.mark.parametrize("name", ["王*", "王**", "李＊", "张××", "王○", "赵●●", "刘■", "孙∗", "钱？", "王?", "周✱",
                                  "王某", "王某某", "欧阳某某", "*", "＊＊"])
def test_masked_names_are_recognised(name):
    assert masked_name(name)
    assert persons(name, split=False) == [] and persons(f"{name}({ID})", split=False) == []


@pytest.mark.parametrize("name", ["王五", "欧阳娜娜", "张三丰", "某甲", "上海某某投资管理有限公司", "李某某科技有限公司",
                                  "John Smith", "阿卜杜拉·买买提"])
def test_real_names_and_firms_are_not_masked(name):
    assert not masked_name(name)
    assert [p.plain_name for p in persons(name, split=False)] == [name]


def test_a_cell_mixing_masked_and_real_names_links_only_the_real_ones():
    assert [(p.plain_name, role) for p, role in links_of("王*", "王五；李＊；张××、赵六，刘某")] == [
        ("王五", "shareholder"), ("赵六", "shareholder")]
