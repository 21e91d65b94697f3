"""Which text encoding a CSV extract is in: UTF-8 (with or without BOM) or GB18030 (GBK, GB2312)."""

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

CANDIDATES = ("utf-8-sig", "gb18030")
BLOCK = 1 << 20
ESCAPED = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class Encoding:
    """The encoding to read with, and whether every byte decoded cleanly under it."""

    name: str
    clean: bool


def decode_errors(path: Path, encoding: str) -> int:
    """How many bytes of ``path`` do not decode under ``encoding`` (0 means clean)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    errors = 0
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            errors += len(ESCAPED.findall(decoder.decode(block)))
        errors += len(ESCAPED.findall(decoder.decode(b"", final=True)))
    return errors


def detect_encoding(path: Path) -> Encoding:
    """The first candidate that decodes the whole file, else the one with the fewest errors."""
    counts = {}
    for encoding in CANDIDATES:
        counts[encoding] = decode_errors(path, encoding)
        if counts[encoding] == 0:
            return Encoding(encoding, True)
    best = min(counts, key=counts.get)
    return Encoding(best, False)
