"""Column headers of registration extracts, matched by alias (Chinese and English).

A column the product reads may be given once. Two headers for the same column (企业名称 and 名称, two
经营范围, 住所 and 注册地址…) are refused, naming both: taking the first would leave the other unread
(a second name or scope column would never be screened), and guessing which one is meant is not
ours to do. The clerk keeps the one to use and renames or removes the other.
"""

from pathlib import Path

from screening.errors import ExtractError
from screening.extract.damaged_text import misreading

ALIASES: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "credit_code", "uscc"),
    "registration_number": ("注册号", "工商注册号", "营业执照注册号", "企业注册号", "registration_number", "reg_no"),
    "name": ("企业名称", "名称", "企业（机构）名称", "name", "company_name"),
    "scope": ("经营范围", "scope", "business_scope"),
    "address": ("住所", "注册地址", "地址", "address"),
    "province": ("所在省份", "省份", "province"),
    "district": ("地区", "district"),
    "legal_rep": ("法定代表人", "法人代表", "legal_rep"),
    "status": ("登记状态", "status"),
    "registered_on": ("成立日期", "注册日期", "registered_on"),
    "capital": ("注册资本", "注册资金", "capital"),
    "abnormal": ("经营异常", "abnormal"),
    "shareholders": ("股东", "shareholders"),
    "company_type": ("企业类型", "company_type"),
    "source_file": ("source_file",),
    "source_line": ("source_line",),
}
REQUIRED = ("name",)
CANONICAL = tuple(ALIASES)
_BY_ALIAS = {alias.strip().lower(): canonical for canonical, aliases in ALIASES.items() for alias in aliases}


def canonical_name(header: str) -> str | None:
    """The canonical column for a header cell, or None for a column the product does not use."""
    cleaned = (header or "").replace("\ufeff", "").strip().strip('"').strip().lower()
    return _BY_ALIAS.get(cleaned)


def resolve_headers(headers: list[str], path: Path) -> dict[int, str]:
    """Column index -> canonical name; fails naming a missing required column and its aliases, or two
    columns for the same canonical column."""
    columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        canonical = canonical_name(header)
        if canonical in columns.values():
            first = next(i for i, name in columns.items() if name == canonical)
            raise ExtractError(
                f"{path}: two columns for {canonical!r}: {headers[first].strip()!r} (column {first + 1}) and "
                f"{header.strip()!r} (column {index + 1}); only one can be read, and the other would be ignored."
                " Keep the column to use and rename or remove the other.")
        if canonical:
            columns[index] = canonical
    for required in REQUIRED:
        if required not in columns.values():
            raise ExtractError(
                f"{path}: no column for {required!r}; accepted headers: {', '.join(ALIASES[required])}."
                f" Found: {', '.join(h for h in headers if h) or '(none)'}. Rename the column or add it."
                + garbled_hint(headers)
            )
    return columns


def garbled_hint(headers: list[str]) -> str:
    """A sentence for a header row that is mojibake (the whole file was misread), else ''."""
    found = misreading(",".join(h for h in headers if h))
    if not found:
        return ""
    return (f" The header is garbled: '{found.shown}' reads as '{found.meant}' ({found.mistake});"
            " re-export the file in UTF-8.")
