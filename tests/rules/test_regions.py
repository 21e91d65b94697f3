"""Region from the credit code, else from the address (cpca)."""

import pytest

from screening.rules.identifiers import credit_code_problem
from screening.rules.regions import region_of_firm


@pytest.mark.parametrize("code, address, province, district, region, source", [
    ("91440101190508453C", None, None, None, "440101", "credit_code"),
    ("91440101190508453X", "广州市天河区沙河元岗", None, None, "440106", "address"),
    ("", "局前街78号", "江苏", "常州", "320400", "address"),
    (None, "北京市西城区金融大街", None, None, "110102", "address"),
    ("", "N/A", "N/A", "N/A", None, "none"),
])
def test_region_cases(code, address, province, district, region, source):
    found = region_of_firm(code, address, province, district)
    assert (found.code, found.source) == (region, source)


@pytest.mark.parametrize("code, problem", [
    ("91440101190508453C", None),
    ("91440101190508453X", "invalid credit code checksum"),
    ("9144010119050845", "invalid credit code length (expected 18 characters)"),
    ("", "missing credit code"),
    (None, "missing credit code"),
])
def test_credit_code_problems(code, problem):
    assert credit_code_problem(code) == problem
