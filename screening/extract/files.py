"""Files as the product receives and writes them: their content fingerprint."""

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks (an extract of any size)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
