"""The people of a registration: legal representatives (法定代表人) and shareholders (股东) read from
their cells, for 延伸监管 (沪府办〔2016〕46号 附件8 四(二)4).

A person is a name plus any ID number written with it — in brackets (``张三(11010519491231002X)``),
straight after the name (``张三110105…``), after a label (``张三 身份证号：110105…``), in full-width
digits or split by spaces or invisible characters (:func:`screening.extract.personal_ids.find_ids`).
The number never leaves this module in clear: a person's key is the name, or, with an ID, the name,
the masked ID and a keyed hash (HMAC-SHA256 with the store's secret) of name and ID in its 18-digit
form, so the same person is the same key on every card generation and no one can read the ID back.
Names masked in the source ("张*") or empty/N/A are not linked, since they would join unrelated people.
"""

from dataclasses import dataclass
import hashlib
import hmac
import re

from screening.extract.personal_ids import find_ids, mask_id

ROLES = ("legal_rep", "shareholder")
SEPARATORS = re.compile(r"[；;,，、\s]+")
MARKER = "\ue000"  # a private-use character standing for a found ID while the cell is split
MARKED = re.compile(MARKER + r"(\d+)" + MARKER)
LABELS = re.compile(r"(?:身份证号码|身份证号|身份证|证件号码|证件号|公民身份号码|ID|No\.?)?[\s:：#()（）\[\]【】]*$", re.IGNORECASE)
NOT_A_NAME = {"", "N/A", "NA", "NULL", "NONE", "无", "-", "--", "/", "暂无", "不详"}
MASK_MARKS = re.compile(r"[*＊∗⁎✱✲×╳●○■□◆◇?？]")  # characters that stand for hidden ones (王*, 王××, 王○○)
PLACEHOLDER_NAME_CHARS = 4  # 王某, 王某某: a personal name this short written with 某 is a placeholder
KEY_BYTES = 16  # hex characters of the keyed hash kept in a key: 128 bits


@dataclass(frozen=True, slots=True)
class Person:
    """One person named in a cell: the display name (any ID masked), the name alone and the ID in its
    18-digit form (None without one). Only :func:`person_key` may look at ``number``."""

    name: str
    plain_name: str
    number: str | None = None


def marked_ids(cell: str) -> tuple[str, list[str]]:
    """The cell with every ID number replaced by a marker (so a split cannot cut it), and the IDs."""
    found = find_ids(cell)
    numbers = [match.canonical for match in found]
    for index, match in reversed(list(enumerate(found))):
        cell = cell[:match.start] + f"{MARKER}{index}{MARKER}" + cell[match.end:]
    return cell, numbers


def clean_name(text: str) -> str:
    """A name without the brackets, labels and punctuation written around an ID."""
    return LABELS.sub("", text.strip()).strip(" ()（）:：")


def persons(cell: str | None, split: bool = True) -> list[Person]:
    """The linkable persons of a 股东 (``split``: a list) or 法定代表人 cell, in order, without repeats."""
    text, numbers = marked_ids((cell or "").strip())
    parts = SEPARATORS.split(text) if split else [text]
    named: list[list] = []  # [name, number] in order; an ID standing alone belongs to the name before it
    for part in parts:
        ids = [numbers[int(n)] for n in MARKED.findall(part)]
        name = clean_name(MARKED.sub("", part))
        if not name and ids and named and named[-1][1] is None:
            named[-1][1] = ids[0]
        elif name:
            named.append([name, ids[0] if ids else None])
    found: dict[tuple, Person] = {}
    for name, number in named:
        if name.upper() in NOT_A_NAME or masked_name(name):
            continue
        found.setdefault((name, number), Person(f"{name}({mask_id(number)})" if number else name, name, number))
    return list(found.values())


def masked_name(name: str) -> bool:
    """A name masked at the source (王*, 李＊＊, 张××, 王○, 王某某): it would join unrelated people, so it links
    nothing. A class of marks, not one character; 某 only in a name of at most four characters after its first."""
    return bool(MASK_MARKS.search(name)) or (len(name) <= PLACEHOLDER_NAME_CHARS and "某" in name[1:])


def person_key(person: Person, secret: bytes) -> str:
    """The person's key in the store: the name alone, or name|masked ID|HMAC-SHA256(secret, name|ID)."""
    if person.number is None:
        return person.plain_name
    digest = hmac.new(secret, f"{person.plain_name}|{person.number}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{person.plain_name}|{mask_id(person.number)}|{digest[:2 * KEY_BYTES]}"


def links_of(legal_rep: str | None, shareholders: str | None) -> list[tuple[Person, str]]:
    """(person, role) for one firm version."""
    return [(p, "legal_rep") for p in persons(legal_rep, split=False)] + [
        (p, "shareholder") for p in persons(shareholders)]
