"""Region from the credit code or the 15-digit registration number, else from the address (cpca)."""

import pytest

from screening.rules.regions import region_of_firm


@pytest.mark.parametrize("code, address, province, district, region, source", [
    ("91440101190508453C", None, None, None, "440101", "credit_code"),
    ("91440101190508453X", "广州市天河区沙河元岗", None, None, "440106", "address"),
    ("", "局前街78号", "江苏", "常州", "320400", "address"),
    (None, "北京市西城区金融大街", None, None, "110102", "address"),
    ("", "N/A", "N/A", "N/A", None, "none"),
    # an existing firm under its old 工商注册号: the first six digits are the registering authority's
    ("320404000009558", "北京市朝阳区", None, None, "320404", "registration_number"),
    # a 15-digit number with a wrong check digit is no key: the address decides
    ("320404000009559", "北京市朝阳区建国路", None, None, "110105", "address"),
])
def test_region_cases(code, address, province, district, region, source):
    found = region_of_firm(code, address, province, district)
    assert (found.code, found.source) == (region, source)


def test_region_from_a_registration_number_in_its_own_column():
    found = region_of_firm(None, "北京市朝阳区", None, None, registration_number="320404000009558")
    assert (found.code, found.source) == ("320404", "registration_number")
