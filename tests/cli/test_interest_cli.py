"""REGSCREEN_INTEREST_MIN_CONFIRMED reaches the store through the CLI: `scan` and `decide` pass it down
(persons of interest and spot checks, 沪府办〔2016〕46号 附件8 四(二)4); a bad value is refused in one line."""

import pytest

from conftest import query, write_csv
from interest_scenario import A, B, FIRST, HEADER, N_SUN, N_WU, SECOND
from screening.settings import get_settings


@pytest.fixture
def threshold(monkeypatch):
    def set_to(value: str) -> None:
        monkeypatch.setenv("REGSCREEN_INTEREST_MIN_CONFIRMED", value)
        get_settings.cache_clear()
    yield set_to
    get_settings.cache_clear()


@pytest.mark.parametrize("value, raised", [("1", True), ("2", False)])
def test_the_threshold_is_read_by_the_cli_and_passed_down(run, tmp_path, threshold, value, raised):
    threshold(value)
    db = tmp_path / "registry.duckdb"
    assert run("scan", write_csv(tmp_path / "one.csv", [HEADER, *FIRST]), "--db", db).exit_code == 0
    for firm in (A, B):
        result = run("decide", firm, "confirm", "--reason", "核实", "--by", "analyst", "--db", db)
        assert result.exit_code == 0, result.output
    assert run("scan", write_csv(tmp_path / "two.csv", [HEADER, *SECOND]), "--db", db).exit_code == 0
    spot = {code for (code,) in query(db, "select credit_code from v_spot_checks")}
    assert N_SUN in spot and (N_WU in spot) is raised  # 吴五 holds shares in one confirmed firm (B)
    assert set(query(db, "select distinct min_confirmed from persons_of_interest where basis = 'shareholder'")) == {
        (int(value),)}


def test_a_threshold_below_one_is_refused(run, tmp_path, threshold):
    threshold("0")
    result = run("scan", write_csv(tmp_path / "one.csv", [HEADER, *FIRST]), "--db", tmp_path / "registry.duckdb")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "REGSCREEN_INTEREST_MIN_CONFIRMED: Input should be greater than 0" in result.output
