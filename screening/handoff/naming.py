"""Hand-off file names: one function, from the regulator's slug, the run, the time, the part and the
format — never from firm data. ``jrb_run3_20261125_093000.xlsx``, ``…_gb18030.csv`` (the watch list),
``…_mention_utf8bom.csv``, ``…_exempt_gb18030.csv``, ``…_manifest.json``.
"""

from datetime import datetime
from pathlib import Path

from screening.rules.regulators import Regulator

MANIFEST_SUFFIX = "_manifest.json"


def file_stem(regulator: Regulator, run_id: int, when: datetime) -> str:
    """The base name of one hand-off's files: slug, run id and time, e.g. ``jrb_run3_20261125_120455``."""
    return f"{regulator.slug}_run{int(run_id)}_{when:%Y%m%d_%H%M%S}"


def file_name(stem: str, suffix: str, tag: str | None = None) -> str:
    """A file of the hand-off ``stem``: its part's ``tag`` (none for the watch list and the workbook),
    then the format's ``suffix`` (``.xlsx``, ``_gb18030.csv``, ``_manifest.json`` …)."""
    return f"{stem}_{tag}{suffix}" if tag else f"{stem}{suffix}"


def manifest_name(stem: str) -> str:
    """The manifest of the hand-off ``stem`` (written last: a set without it is not complete)."""
    return file_name(stem, MANIFEST_SUFFIX)


def unused_stem(out_dir: Path, stem: str, taken: set[str] = frozenset()) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` … when files of that name are already in ``out_dir`` (or in ``taken``)."""
    candidate, n = stem, 1
    while candidate in taken or any(out_dir.glob(f"{candidate}.*")) or any(out_dir.glob(f"{candidate}_*")):
        n += 1
        candidate = f"{stem}-{n}"
    return candidate
