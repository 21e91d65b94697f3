"""A regulator that exists only in data gets its own hand-off: a copy of keywords/ whose categories.toml
names 地方金融监督管理局 (the 2018 successor of the 金融办), or a new 商务局, as the lead regulator of a new
list. The firm goes on the watch list with that lead, `regscreen export --all` writes its complete file
set and manifest, and the CLI's --regulator choices are read from that data when the command runs."""

from datetime import date, datetime
from pathlib import Path
import shutil

import orjson
import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.errors import ConfigError
from screening.handoff.export import export
from screening.rules.regulators import load_regulators
from screening.rules.screener import Screener
from screening.settings import get_settings
from screening.store.scan import scan

SETTINGS = get_settings()
FACTOR = "91310115MA0000001" + uscc.calc_check_digit("91310115MA0000001")
ADVISER = "91310115MA0000002" + uscc.calc_check_digit("91310115MA0000002")
EXTRACT = [["企业名称", "统一社会信用代码", "经营范围"],
           ["上海某某商业保理有限公司", FACTOR, "商业保理；技术开发"],
           ["上海乙投资管理有限公司", ADVISER, "投资管理"]]
FACTORING_LIST = """id = "factoring"
title = "商业保理（测试用名单）"
tier = "重点监管"
action = "watch"
regions = []
document = "a list that only this test defines"

[[term]]
term = "商业保理"
category = "商业保理"
source = "a list that only this test defines"
"""
# each variant: (edits of regulators.toml, the new category's regulators, the lead and slug it goes to,
#                the lead and slug the 金融办's own categories go to)
VARIANTS = {
    "renamed": ([('name = "金融办"\nslug = "jrb"', 'name = "地方金融监督管理局"\nslug = "dfjrj"'),
                 ('name = "地方金融监督管理局"\nsince = 2018', 'name = "金融办"\nuntil = 2018')],
                '["地方金融监督管理局"]', ("地方金融监督管理局", "dfjrj"), ("地方金融监督管理局", "dfjrj")),
    "new": ([("", '[[regulator]]\nname = "商务局"\nslug = "swj"\ntitle = "商务主管部门"\nsource = "the project\'s own record"\n\n')],
            '["商务局", "金融办"]', ("商务局", "swj"), ("金融办", "jrb")),
}


def keywords_copy(tmp_path: Path, variant: str) -> Path:
    """keywords/ with a new list, its category and the variant's regulators.toml."""
    copy = tmp_path / "keywords"
    shutil.copytree(SETTINGS.keywords_dir, copy)
    edits, regulators, _, _ = VARIANTS[variant]
    path = copy / "regulators.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1) if old else new + text
    path.write_text(text, encoding="utf-8")
    with open(copy / "categories.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[[category]]\nname = "商业保理"\npriority = 9\nregulators = {regulators}\nsource = "test"\n')
    (copy / "factoring.toml").write_text(FACTORING_LIST, encoding="utf-8")
    return copy


@pytest.fixture(params=list(VARIANTS))
def setup(request, tmp_path, monkeypatch):
    """(variant, keywords copy, store scanned with it); the CLI reads that keywords folder."""
    keywords = keywords_copy(tmp_path, request.param)
    screener = Screener.load(keywords, SETTINGS.registers_dir, extended=False)
    db = tmp_path / "store.duckdb"
    scan(write_csv(tmp_path / "extract.csv", EXTRACT), db, screener, as_of=date(2026, 11, 22))
    monkeypatch.setenv("REGSCREEN_KEYWORDS_DIR", str(keywords))
    get_settings.cache_clear()
    yield request.param, keywords, db
    get_settings.cache_clear()


def test_the_firm_goes_on_the_watch_list_with_the_regulator_of_the_data(setup):
    variant, _, db = setup
    lead, _ = VARIANTS[variant][2]
    assert query(db, "select lead_regulator, lead_category from watchlist where credit_code = ?", [FACTOR]) == [
        (lead, "商业保理")]


def test_export_all_writes_its_complete_file_set_and_manifest(setup, run, tmp_path):
    variant, _, db = setup
    (lead, slug), (office, office_slug) = VARIANTS[variant][2], VARIANTS[variant][3]
    out = tmp_path / "out"
    result = run("export", "--to", out, "--db", db, "--all")
    assert result.exit_code == 0, result.output
    rows = 1 if slug != office_slug else 2  # renamed: the 金融办's firm goes to the same entry
    assert f"{lead}：观察名单 {rows} 家（截至第 1 次运行的全部） → {out}/{slug}_run1_" in result.output
    names = sorted(p.name for p in out.iterdir() if p.name.startswith(f"{slug}_"))
    stem = names[0].removesuffix(".xlsx")
    assert names == sorted(f"{stem}{s}" for s in (".xlsx", "_gb18030.csv", "_utf8bom.csv", "_manifest.json"))
    manifest = orjson.loads((out / f"{stem}_manifest.json").read_bytes())
    assert (manifest["regulator"], manifest["regulator_slug"], manifest["rows"]) == (lead, slug, rows)
    assert {f["name"] for f in manifest["files"]} == set(names) - {f"{stem}_manifest.json"}
    assert any(p.name.startswith(f"{office_slug}_") for p in out.iterdir())  # the 金融办's firm goes to its office
    assert query(db, "select regulator from exports order by export_id")[-1][0] in (lead, office)


def test_the_cli_choices_come_from_the_data_when_the_command_runs(setup, run, tmp_path):
    variant, _, db = setup
    lead, slug = VARIANTS[variant][2]
    helped = run("export", "--help")
    assert lead in helped.output
    only = run("export", "--to", tmp_path / "only", "--db", db, "--regulator", slug, "--all")
    assert only.exit_code == 0 and {p.name.split("_")[0] for p in (tmp_path / "only").iterdir()} == {slug}
    by_old_name = run("export", "--to", tmp_path / "old", "--db", db, "--regulator", "金融办", "--all")
    assert by_old_name.exit_code == 0, by_old_name.output  # 金融办 is still a name of an entry
    refused = run("export", "--to", tmp_path / "no", "--db", db, "--regulator", "发改委")
    assert refused.exit_code == 2 and "unknown regulator '发改委'" in refused.output


def test_with_the_shipped_regulators_a_known_name_resolves_and_an_unknown_one_is_refused(setup, tmp_path):
    variant, _, db = setup
    lead, _ = VARIANTS[variant][2]
    shipped = load_regulators(SETTINGS.keywords_dir)
    if variant == "renamed":  # 地方金融监督管理局 is another name of the shipped 金融办: its hand-off goes there
        records = export(db, tmp_path / "out", shipped, since_last=False, now=datetime(2026, 11, 25))
        assert [(r["regulator"], r["rows"]) for r in records] == [("金融办", 2)]
        return
    with pytest.raises(ConfigError, match=f"would go to no regulator: {FACTOR} 上海某某商业保理有限公司 \\(regulator: {lead}\\)"):
        export(db, tmp_path / "out", shipped, since_last=False, now=datetime(2026, 11, 25))
    assert not list((tmp_path / "out").iterdir())


def test_a_renamed_regulator_continues_from_the_last_hand_off_under_its_old_name(setup, tmp_path):
    variant, keywords, db = setup
    if variant != "renamed":
        pytest.skip("only a rename keeps the old name")
    shipped, renamed = load_regulators(SETTINGS.keywords_dir), load_regulators(keywords)
    assert [r["regulator"] for r in export(db, tmp_path / "before", shipped, now=datetime(2026, 11, 25))] == ["金融办"]
    assert export(db, tmp_path / "after", renamed, now=datetime(2026, 11, 26)) == []  # nothing new since
    again = export(db, tmp_path / "after", renamed, since_last=False, now=datetime(2026, 11, 26))
    assert [(r["regulator"], r["slug"]) for r in again] == [("地方金融监督管理局", "dfjrj")]
