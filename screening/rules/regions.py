"""Where a firm is registered, which picks the lists that apply to it.

From characters 3-8 of a valid credit code (the registering authority's GB/T 2260 code);
when the code is missing or invalid, from the address with ``cpca`` (province and district
columns help where the address leaves them out). A code's place name comes from cpca's GB/T 2260
table (``resources/adcodes.csv``, read as a file: loading cpca itself loads pandas).
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
import importlib.util
import logging
from pathlib import Path
import warnings

import polars as pl

from screening.rules.identifiers import key_columns, key_region

NOT_AN_ADDRESS = {"", "N/A", "NA", "NULL", "NONE", "-", "无"}
GROUPINGS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}  # table rows that name no place


@dataclass(frozen=True, slots=True)
class Region:
    """A region code and where it came from: credit_code, address, or none."""

    code: str | None
    source: str


@lru_cache(maxsize=1)
def _cpca():
    """cpca, imported on first use (it loads pandas and its place tables)."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca
    return cpca


@lru_cache(maxsize=65_536)
def region_from_address(*parts: str | None) -> str | None:
    """The most specific adcode cpca finds in the address parts, tried alone then joined."""
    cleaned = [p.strip() for p in parts if p and p.strip().upper() not in NOT_AN_ADDRESS]
    for candidate in (cleaned[:1], ["".join(reversed(cleaned))]):
        if not candidate or not candidate[0]:
            continue
        row = _cpca().transform(candidate).iloc[0]
        adcode = row.get("adcode")
        if isinstance(adcode, str) and adcode.isdigit():
            return adcode
    return None


def regions_from_addresses(addresses: list[tuple[str | None, ...]]) -> list[str | None]:
    """``region_from_address`` for many records: one cpca call for all first tries."""
    cleaned = [[p.strip() for p in parts if p and p.strip().upper() not in NOT_AN_ADDRESS] for parts in addresses]
    firsts = [parts[0] if parts else "" for parts in cleaned]
    found = list(_cpca().transform(firsts)["adcode"]) if any(firsts) else [None] * len(firsts)
    return [code if isinstance(code, str) and code.isdigit() else (region_from_address(*parts) if parts else None)
            for code, parts in zip(found, addresses)]


def region_of_firm(code: str | None, address: str | None, province: str | None, district: str | None,
                   registration_number: str | None = None) -> Region:
    """The firm's region: from its credit code or 15-digit registration number when valid, else from its
    address (the same rules as the columns of a chunk, for one firm)."""
    keyed = pl.DataFrame({"credit_code": [code], "registration_number": [registration_number]},
                         schema={"credit_code": pl.Utf8, "registration_number": pl.Utf8})
    keyed = keyed.select(key_columns(pl.col("credit_code"), pl.col("registration_number")))
    found = keyed.select(key_region(pl.col("credit_code"), pl.col("key_kind")), "key_kind").row(0)
    if found[0]:
        return Region(found[0], "credit_code" if found[1] == "uscc" else "registration_number")
    found = region_from_address(address, district, province)
    return Region(found, "address") if found else Region(None, "none")


@lru_cache(maxsize=1)
def _area_names() -> dict[str, str]:
    """Six-digit GB/T 2260 codes → area names (北京市, 市辖区, 朝阳区 …), from cpca's table."""
    spec = importlib.util.find_spec("cpca")
    table = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with open(table, encoding="utf-8", newline="") as handle:
        return {row["adcode"][:6]: row["name"] for row in csv.DictReader(handle) if not row["adcode"][6:].strip("0")}


def place_name(code: str | None) -> str | None:
    """The place a region code names, province first: 310115 → 上海市浦东新区, 330205 → 浙江省宁波市江北区,
    11 → 北京市. Levels the table does not know (a code retired since) are left out; None when it knows
    none of them or the code is not 2, 4 or 6 digits."""
    if not code or not code.isascii() or not code.isdigit() or len(code) not in (2, 4, 6):
        return None
    code, names = code.ljust(6, "0"), _area_names()
    levels = dict.fromkeys((code[:2] + "0000", code[:4] + "00", code))
    parts = [names[level] for level in levels if names.get(level) and names[level] not in GROUPINGS]
    return "".join(parts) or None


def province_name(code: str | None) -> str | None:
    """The province (first level) of a region code: 11… → 北京市."""
    return place_name(code[:2]) if code and len(code) >= 2 else None
