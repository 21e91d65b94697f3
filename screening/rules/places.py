"""Place names of GB/T 2260 region codes, for readers: ``110108`` → 北京市海淀区.

From cpca's table of administrative divisions (the same one :mod:`screening.rules.regions` reads
addresses with). A code the table no longer has (a district merged since the firm registered, such as
上海 卢湾区 310103) gets the most specific level it does have (上海市); an unknown code gets None.
"""

from functools import lru_cache

from screening.rules.regions import _cpca

GROUPING = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}  # levels that are not places


@lru_cache(maxsize=8192)
def place_name(code: str | None) -> str | None:
    """The place a region code stands for, province first (北京市海淀区), or None when unknown."""
    if not code or not code.isdigit() or len(code) < 2:
        return None
    names = []
    for length in (2, 4, 6):
        if len(code) < length:
            break
        name = _cpca().adcode_name(code[:length])
        if name and name not in GROUPING and name not in names:
            names.append(name)
    return "".join(names) or None


def province_name(code: str | None) -> str | None:
    """The province (first level) of a region code: 11 → 北京市."""
    return place_name(code[:2]) if code and len(code) >= 2 else None
