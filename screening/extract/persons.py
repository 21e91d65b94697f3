"""The people of a registration: legal representatives (法定代表人) and shareholders (股东) read from
their cells, for 延伸监管 (沪府办〔2016〕46号 附件8 四(二)4).

A person is keyed by name plus any ID number written in the cell ("张三(11010519491231002X)"); names
masked in the source ("张*") or empty/N/A are not linked, since they would join unrelated people.
"""

from dataclasses import dataclass
import re

from screening.extract.personal_ids import mask_id

ROLES = ("legal_rep", "shareholder")
SEPARATORS = re.compile(r"[；;,，、\s]+")
ID_IN_PARENS = re.compile(r"\s*[(（]\s*([0-9]{15}|[0-9]{17}[0-9Xx])\s*[)）]")
NOT_A_NAME = {"", "N/A", "NA", "NULL", "NONE", "无", "-", "--", "/", "暂无", "不详"}


@dataclass(frozen=True, slots=True)
class Person:
    """One person named in a cell: key (name, or name|ID) and display name (ID masked)."""

    key: str
    name: str


def persons(cell: str | None, split: bool = True) -> list[Person]:
    """The linkable persons of a 股东 (``split``: a list) or 法定代表人 cell, in order, without repeats."""
    text = ID_IN_PARENS.sub(lambda m: f"({m[1].upper()})", (cell or "").strip())
    parts = SEPARATORS.split(text) if split else [text]
    found: dict[str, Person] = {}
    for part in parts:
        match = re.fullmatch(r"(.*?)\(([0-9X]+)\)", part.strip())
        name, number = (match[1].strip(), match[2]) if match else (part.strip(), None)
        if name.upper() in NOT_A_NAME or "*" in name or "＊" in name:
            continue
        key = f"{name}|{number}" if number else name
        found.setdefault(key, Person(key, f"{name}({mask_id(number)})" if number else name))
    return list(found.values())


def links_of(legal_rep: str | None, shareholders: str | None) -> list[tuple[Person, str]]:
    """(person, role) for one firm version."""
    return [(p, "legal_rep") for p in persons(legal_rep, split=False)] + [
        (p, "shareholder") for p in persons(shareholders)]
