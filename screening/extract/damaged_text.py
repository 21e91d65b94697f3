"""Text that is not what the office registered: control characters, lost characters and mojibake.

A record with damaged text is rejected naming the field and the fix; it is never loaded garbled.

- Control characters (C0 except tab and line breaks, DEL, C1, and the invisible direction marks):
  they are not folded away, so "网\\x7f贷" would slip past the term "网贷".
- Lost characters: U+FFFD, put where a tool could not decode the text before the extract was
  made (894 names of the real 1978–2004 corpus read "�Ϻ�…���޹�˾"); they cannot be recovered.
- Mojibake: text decoded with the wrong codec and saved again. Two mistakes are recognised by
  reversing them: UTF-8 read as GBK ("北京" saved as "鍖椾含": the field re-encoded as GB18030
  reads as UTF-8) and GBK read as Latin-1 ("北京" saved as "±±¾©"). ftfy, the usual library for
  mojibake, does not handle Chinese codecs (rspeer/python-ftfy#34), hence this documented
  heuristic: a field is garbled when reversing the mistake gives at least 3 CJK characters and at
  most twice as many decoding failures. On the 1.1 million real records (8 text fields each) no
  field is flagged; of 40,000 real names and scopes garbled both ways (errors replaced or
  dropped), 99.9% are.

Checking every field in Python would cost 16 s per million records, so ``suspects`` first
selects, with one regex per column, the few records that can be damaged (9,391 of the 1.1
million real ones, in 0.7 s), and only those are examined.
"""

from dataclasses import dataclass
from functools import lru_cache
import re

import polars as pl

CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
CONTROL_CHAR = re.compile(f"[{CONTROL}]")
LOST = "\ufffd"
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SEPARATORS = re.compile("[\x00-\x7f\ufffd\ud800-\udfff]+")  # ASCII, lost characters, undecodable bytes
LATIN_RUN = re.compile("[\xa1-\xfe]{4,}")
MIN_CJK = 3
UTF8_AS_GBK = "UTF-8 text read as GBK and saved again"
GBK_AS_LATIN = "GBK text read as Latin-1 and saved again"


@dataclass(frozen=True, slots=True)
class Misreading:
    """Mojibake found in a field: an excerpt, what it reads as once the mistake is reversed, the mistake."""

    shown: str
    meant: str
    mistake: str


def _ranges(chars: set[str]) -> list[tuple[int, int]]:
    """Sorted code-point ranges covering ``chars``."""
    points, ranges = sorted(ord(c) for c in chars), []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ranges


@lru_cache(maxsize=1)
def utf8_lead_class() -> str:
    """A regex class (Rust syntax) of the GBK characters whose first byte is a UTF-8 lead byte of a
    CJK character (0xE4–0xE9): every 2 characters of UTF-8 read as GBK give at least one of them."""
    chars = set()
    for lead in range(0xE4, 0xEA):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            try:
                chars.add(bytes([lead, trail]).decode("gbk"))
            except UnicodeDecodeError:
                continue
    return "[" + "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in _ranges(chars)) + "]"


def suspects(column: pl.Expr) -> pl.Expr:
    """True where the text may be damaged (one regex pass over the column; ``damage`` decides): a
    control or lost character, a run of Latin-1 letters, or two characters UTF-8 read as GBK gives."""
    lead = utf8_lead_class()
    return column.str.contains(f"(?s)[{CONTROL}{LOST}]|[\xa1-\xfe]{{4,}}|{lead}.*{lead}").fill_null(False)


def _evidence(back: str) -> tuple[int, int]:
    """(CJK characters, decoding failures) of a reversed reading."""
    return len(CJK.findall(back)), back.count(LOST)


def _convincing(good: int, bad: int) -> bool:
    """Enough recovered characters, few enough failures."""
    return good >= MIN_CJK and bad <= 2 * good


def utf8_read_as_gbk(text: str) -> Misreading | None:
    """The field's UTF-8 bytes were decoded as GBK: re-encoded as GB18030, it reads as UTF-8."""
    back = SEPARATORS.sub(" ", text).encode("gb18030").decode("utf-8", "replace")
    if not _convincing(*_evidence(back)):
        return None
    excerpt = text[:12]
    meant = excerpt.replace(LOST, "").encode("gb18030", "replace").decode("utf-8", "replace")
    return Misreading(excerpt, meant.strip(LOST).replace(LOST, "?"), UTF8_AS_GBK)


def gbk_read_as_latin(text: str) -> Misreading | None:
    """The field's GBK bytes were decoded as Latin-1: runs of Latin-1 letters read as GB18030."""
    runs = [run for run in LATIN_RUN.findall(text) if len(set(run)) >= 3]
    backs = [run.encode("latin-1").decode("gb18030", "replace") for run in runs]
    evidence = [_evidence(back) for back in backs]
    if not _convincing(sum(good for good, _ in evidence), sum(bad for _, bad in evidence)):
        return None
    return Misreading(runs[0][:16], backs[0][:8], GBK_AS_LATIN)


def misreading(text: str) -> Misreading | None:
    """Mojibake in ``text``, or None."""
    return utf8_read_as_gbk(text) or (gbk_read_as_latin(text) if LATIN_RUN.search(text) else None)


def damage(field: str, text: str | None) -> str | None:
    """Why the text of ``field`` cannot be loaded as it is (the reject reason), or None."""
    if not text:
        return None
    if control := CONTROL_CHAR.search(text):
        return f"control character U+{ord(control[0]):04X} in {field}; delete it at the source and export again"
    if found := misreading(text):
        return (f"garbled {field}: '{found.shown}' reads as '{found.meant}' ({found.mistake});"
                " re-export the extract in UTF-8")
    if LOST in text:
        return (f"lost characters (U+FFFD) in {field}: the text was damaged before this extract;"
                " correct the record at the source")
    return None
