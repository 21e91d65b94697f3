"""Term lists as data: every list loads, versions follow content, bad files name the entry."""

from pathlib import Path
import shutil

import pytest

from screening.settings import get_settings
from screening.errors import ListError as TermListError
from screening.rules.termlists import content_version, load_lists

KEYWORDS = get_settings().keywords_dir
NATIONAL = ["交易所", "交易中心", "金融", "资产管理", "理财", "基金", "基金管理", "投资管理", "财富管理",
            "股权投资基金", "网贷", "网络借贷", "P2P", "股权众筹", "互联网保险", "支付"]


@pytest.fixture()
def keywords(tmp_path: Path) -> Path:
    copy = tmp_path / "keywords"
    shutil.copytree(KEYWORDS, copy)
    return copy


def test_shipped_lists_load():
    lists = {lst.id: lst for lst in load_lists(KEYWORDS)}
    assert set(lists) == {"national", "beijing_watch", "beijing_name_suspension", "beijing_scope_suspension",
                          "jiangsu", "shanghai_p2p"}
    assert [t.term for t in lists["national"].terms] == NATIONAL
    assert lists["national"].regions == ()


@pytest.mark.parametrize("list_id, term, action, fields, regulator, regions", [
    ("national", "P2P", "watch", ("name", "scope"), "银监局", ()),
    ("national", "股权众筹", "watch", ("name", "scope"), "证监局", ()),
    ("national", "互联网保险", "watch", ("name", "scope"), "保监局", ()),
    ("national", "支付", "watch", ("name", "scope"), "人民银行", ()),
    ("national", "交易所", "watch", ("name", "scope"), "金融办", ()),
    ("beijing_watch", "众筹", "watch", ("name", "scope"), "证监局", ("11",)),
    ("beijing_name_suspension", "控股", "suspend", ("name",), "金融办", ("11",)),
    ("beijing_scope_suspension", "投资咨询", "suspend", ("scope",), "金融办", ("11",)),
    ("jiangsu", "第三方理财", "watch", ("name", "scope"), "金融办", ("32",)),
    ("shanghai_p2p", "网贷", "watch", ("name", "scope"), "银监局", ("31",)),
])
def test_term_attributes(list_id, term, action, fields, regulator, regions):
    lists = {lst.id: lst for lst in load_lists(KEYWORDS)}
    entry = next(t for t in lists[list_id].terms if t.term == term)
    assert (entry.action, entry.fields, entry.regulator, entry.regions) == (action, fields, regulator, regions)
    assert entry.source and entry.list_version == lists[list_id].version


def test_version_changes_with_content(keywords):
    before = {lst.id: lst.version for lst in load_lists(keywords)}
    path = keywords / "jiangsu.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("江苏省实施方案 二(八)", "江苏省实施方案 二（八）", 1),
                    encoding="utf-8")
    after = {lst.id: lst.version for lst in load_lists(keywords)}
    assert after["jiangsu"] != before["jiangsu"]
    assert after["national"] == before["national"]


def test_content_version_is_order_independent_for_keys():
    assert content_version({"a": 1, "b": [1, 2]}) == content_version({"b": [1, 2], "a": 1})
    assert content_version({"a": 1}) != content_version({"a": 2})


@pytest.mark.parametrize("edit, message", [
    (('term = "支付"', 'term = ""'), r"national.toml: entry #16 \(''\) field term"),
    (('category = "第三方支付"', 'category = "外星支付"'), r"national.toml: entry #16 \('支付'\): unknown category"),
    (('term = "支付"\n', 'term = "支付"\nbogus = 1\n'), r"national.toml: entry #16 \('支付'\) field bogus"),
    (('action = "watch"', 'action = "ban"'), r"national.toml: action"),
    (('term = "支付"', 'term = "交易所"'), r"national.toml: duplicate term\(s\) 交易所"),
    (('regions = []', 'regions = ["Beijing"]'), r"national.toml: regions"),
    (('id = "national"', 'id = "national'), r"national.toml: not valid UTF-8 TOML"),
])
def test_malformed_list_names_file_and_entry(keywords, edit, message):
    path = keywords / "national.toml"
    old, new = edit
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TermListError, match=message):
        load_lists(keywords)


def test_list_versions_from_the_files_alone_are_the_loaded_lists_versions(screener, tmp_path):
    """A scan knows the versions before it builds a screener (a repeat never builds one): they must agree."""
    import shutil

    from screening.rules.termlists import list_versions
    from screening.settings import get_settings

    assert list_versions(get_settings().keywords_dir) == screener.versions
    keywords = tmp_path / "keywords"
    shutil.copytree(get_settings().keywords_dir, keywords)
    national = keywords / "national.toml"
    national.write_text(national.read_text(encoding="utf-8") + '\n[[term]]\nterm = "众投"\ncategory = "股权众筹"\n'
                        'source = "test"\n', encoding="utf-8")
    changed = list_versions(keywords)
    assert changed == {term_list.id: term_list.version for term_list in load_lists(keywords)}
    assert changed["national"] != screener.versions["national"]
