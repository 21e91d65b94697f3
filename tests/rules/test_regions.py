"""Region from the credit code or the 15-digit registration number, else from the address (cpca)."""

import pytest

from screening.rules.regions import place_name, province_name, region_of_firm


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


@pytest.mark.parametrize("code, place", [
    ("310115", "上海市浦东新区"),         # 310100 市辖区 names no place: left out
    ("330205", "浙江省宁波市江北区"),
    ("410311", "河南省洛阳市洛龙区"),
    ("110105", "北京市朝阳区"),
    ("110000", "北京市"), ("11", "北京市"), ("4103", "河南省洛阳市"),
    ("419001", "河南省济源市"),           # 省直辖县级行政区划 names no place
    ("441900", "广东省东莞市"),
    ("310103", "上海市"),                 # 卢湾区, merged away in 2011: only the level still known
    # must NOT name a place
    ("999999", None), ("", None), (None, None), ("41030", None), ("3101150", None), ("31011A", None),
    ("３１０１１５", None),               # full-width digits are not a code
])
def test_place_name_of_a_region_code(code, place):
    assert place_name(code) == place


@pytest.mark.parametrize("code, province", [("110105", "北京市"), ("4103", "河南省"), ("", None), (None, None)])
def test_province_name_of_a_region_code(code, province):
    assert province_name(code) == province
