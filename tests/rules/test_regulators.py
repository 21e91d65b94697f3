"""Regulators as data: keywords/regulators.toml loads, names resolve, bad files name the file and entry,
and categories.toml may only name regulators it defines."""

from pathlib import Path
import shutil

import pytest

from screening.errors import ConfigError, ListError
from screening.rules.regulators import load_regulators
from screening.rules.termlists import load_categories, load_lists
from screening.settings import get_settings

KEYWORDS = get_settings().keywords_dir
SHIPPED = {"银监局": "cbrc", "证监局": "csrc", "保监局": "circ", "人民银行": "pbc", "金融办": "jrb"}


@pytest.fixture()
def keywords(tmp_path: Path) -> Path:
    copy = tmp_path / "keywords"
    shutil.copytree(KEYWORDS, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file (which must hold it)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_regulators_are_the_plans_five_in_order():
    regulators = load_regulators(KEYWORDS)
    assert {r.name: r.slug for r in regulators} == SHIPPED and regulators.names == list(SHIPPED)
    assert all(r.title and r.slug.isascii() for r in regulators)


@pytest.mark.parametrize("name, regulator", [
    ("银监局", "银监局"), ("cbrc", "银监局"), ("CBRC", "银监局"), (" 银保监局 ", "银监局"),
    ("国家金融监督管理总局监管局", "银监局"), ("金融监管局", "银监局"),
    ("证监局", "证监局"), ("保监局", "保监局"), ("circ", "保监局"),
    ("人民银行省级分行", "人民银行"), ("中国人民银行", "人民银行"),
    ("金融办", "金融办"), ("地方金融监督管理局", "金融办"), ("金融局", "金融办"), ("jrb", "金融办"),
    # must NOT resolve
    ("发改委", None), ("", None), (None, None), ("../etc", None), ("银", None), ("jrb_", None),
])
def test_a_regulator_is_found_by_any_of_its_names_or_its_slug(name, regulator):
    found = load_regulators(KEYWORDS).find(name)
    assert (found.name if found else None) == regulator


def test_an_unknown_regulator_is_refused_with_the_choices():
    with pytest.raises(ConfigError, match="unknown regulator '发改委'; one of 银监局, 证监局, 保监局, 人民银行, 金融办"):
        load_regulators(KEYWORDS).get("发改委")


def test_the_merger_of_the_insurance_office_points_at_an_entry():
    regulators = load_regulators(KEYWORDS)
    circ = regulators.get("保监局")
    assert circ.merged_into == "银保监局" and regulators.get(circ.merged_into).name == "银监局"


@pytest.mark.parametrize("old, new, message", [
    ('slug = "jrb"', 'slug = "JRB"', r"regulators.toml: entry #5 \('金融办'\) field slug"),
    ('slug = "jrb"', 'slug = "j_r"', r"regulators.toml: entry #5 \('金融办'\) field slug"),
    ('slug = "jrb"', 'slug = "cbrc"', r"regulators.toml: entry #5 \('金融办'\): 'cbrc' is already a name or slug of entry #1"),
    ('name = "地方金融监督管理局"', 'name = "银保监局"', r"entry #5 \('金融办'\): '银保监局' is already a name or slug of entry #1"),
    ('name = "金融局"', 'name = "金融办"', r"entry #5 \('金融办'\): '金融办' is already a name or slug of itself"),
    ('merged_into = "银保监局"', 'merged_into = "保险局"', r"entry #3 \('保监局'\) field merged_into: '保险局' is not a name"),
    ('merged_into = "银保监局"', 'merged_into = "circ"', r"entry #3 \('保监局'\) field merged_into: 'circ' is not a name of another"),
    ('title = "中国人民银行分支机构"\n', 'title = "中国人民银行分支机构"\nbogus = 1\n', r"entry #4 \('人民银行'\) field bogus"),
    ('since = 2023\nnote = "国家金融监督管理总局各地', 'since = 1800\nnote = "国家金融监督管理总局各地', r"entry #1 \('银监局'\) field names/4/since"),
    ('name = "银监局"', 'name = ""', r"entry #1 \(''\) field name"),
    ('[[regulator]]\nname = "银监局"', '[[regulator]\nname = "银监局"', r"regulators.toml: not valid UTF-8 TOML"),
])
def test_a_malformed_regulators_file_names_the_file_and_entry(keywords, old, new, message):
    edit(keywords / "regulators.toml", old, new)
    with pytest.raises(ListError, match=message):
        load_regulators(keywords)
    with pytest.raises(ListError, match=message):  # the lists do not load either
        load_lists(keywords)


def test_a_missing_regulators_file_is_named(keywords):
    (keywords / "regulators.toml").unlink()
    with pytest.raises(ListError, match=r"regulators.toml: cannot be read"):
        load_categories(keywords)


def test_a_category_naming_an_unknown_regulator_fails_naming_the_file_and_entry(keywords):
    edit(keywords / "categories.toml", 'regulators = ["保监局"]', 'regulators = ["保险局"]')
    with pytest.raises(ListError, match=r"categories.toml: entry #3 \('互联网保险'\): unknown regulator '保险局';"
                                        r" known: 银监局, 证监局, 保监局, 人民银行, 金融办 \(add it to regulators.toml\)"):
        load_lists(keywords)


def test_a_category_may_name_a_regulator_by_another_name_and_gets_the_entry(keywords):
    edit(keywords / "categories.toml", 'regulators = ["银监局", "金融办"]', 'regulators = ["银保监局", "地方金融监督管理局", "金融办"]')
    categories = load_categories(keywords)
    assert categories["P2P网络借贷"].regulators == ["银监局", "金融办"]  # resolved, each once
    p2p = next(t for lst in load_lists(keywords) for t in lst.terms if t.term == "P2P")
    assert p2p.regulator == "银监局" and p2p.regulators == ("银监局", "金融办")


def test_a_rename_is_one_edit_of_regulators_toml(keywords):
    edit(keywords / "regulators.toml", 'name = "金融办"\nslug = "jrb"', 'name = "地方金融管理局"\nslug = "dfjrj"')
    edit(keywords / "regulators.toml", 'name = "地方金融管理局"\nsince = 2024', 'name = "金融办"\nuntil = 2018')
    categories = load_categories(keywords)  # categories.toml still says 金融办
    assert categories["投资类企业"].regulators == ["地方金融管理局"]
    assert load_regulators(keywords).get("金融办").slug == "dfjrj"
