"""Precision and recall of the verdict against hand labels, beside naive substring matching, and
claim/mention recall and precision of the counting hits' use against their own hand labels.

Labels live in ``tests/labelled/`` keyed by (source_file, source_line) of the real samples,
which stay in the shared folder (their licence keeps them out of this repository).
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from screening.rules.hits import FirmResult
from screening.rules.folding import fold_text
from screening.rules.pipeline import screen_extract
from screening.rules.screener import Screener


@dataclass(frozen=True, slots=True)
class Score:
    """Confusion counts and the two rates."""

    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positive = self.true_positive + self.false_negative
        return self.true_positive / positive if positive else 1.0


def score(pairs: list[tuple[bool, bool]]) -> Score:
    """Score (predicted, expected) pairs."""
    return Score(
        sum(p and e for p, e in pairs), sum(p and not e for p, e in pairs),
        sum(e and not p for p, e in pairs), sum(not p and not e for p, e in pairs),
    )


def read_labels(path: Path) -> dict[tuple[str, str], dict]:
    """Labels by (source_file, source_line)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {(row["source_file"], row["source_line"]): row for row in csv.DictReader(handle)}


def naive_flag(screener: Screener, row: dict) -> bool:
    """Naive substring matching: any national term anywhere in the raw name or scope."""
    text = (row.get("name") or "") + (row.get("scope") or "")
    return any(t.term in text for t in screener.lists[0].terms)


def labelled_results(screener: Screener, sample: Path, labels: dict) -> list[tuple[dict, FirmResult, dict]]:
    """(label, result, source row) for every labelled record of ``sample``."""
    from screening.extract.readers import read_extract

    rows = {}
    for chunk in read_extract(sample):
        for row in chunk.filter(chunk["source_line"].is_not_null()).iter_rows(named=True):
            key = (row["source_file"], row["source_line"])
            if key in labels:
                rows[row["record"]] = (labels[key], row)
    results = [r for r in screen_extract(screener, sample) if r.record in rows]
    return [(rows[r.record][0], r, rows[r.record][1]) for r in results]


def evaluate(screener: Screener, sample: Path, labels_path: Path) -> dict:
    """Scores of the product and of naive matching, and the disagreements."""
    triples = labelled_results(screener, sample, read_labels(labels_path))
    product = score([(r.flagged, label["flagged"] == "1") for label, r, _ in triples])
    naive = score([(naive_flag(screener, row), label["flagged"] == "1") for label, _, row in triples])
    misses = [(label, r) for label, r, _ in triples if r.flagged != (label["flagged"] == "1")]
    return {"records": len(triples), "product": product, "naive": naive, "disagreements": misses}


def read_use_labels(path: Path) -> dict[tuple, dict]:
    """Use labels by (source_file, source_line, field, start, end, term)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {(r["source_file"], r["source_line"], r["field"], int(r["start"]), int(r["end"]), r["term"]): r
                for r in csv.DictReader(handle)}


@dataclass(frozen=True, slots=True)
class UseDisagreement:
    """A labelled hit whose judged use differs from its label (or that the product does not count)."""

    key: tuple
    label: str
    judged: str | None
    reason: str | None

    def line(self) -> str:
        """One line for a report: where, the term, labelled → judged, and why."""
        source_file, source_line, field, start, end, term = self.key
        return f"{source_file}:{source_line} {field}[{start}:{end}] {term}: {self.label} → {self.judged} ({self.reason})"


def evaluate_use(screener: Screener, sample: Path, labels_path: Path) -> dict:
    """Claim and mention recall and precision of the counting hits' use on hand labels, and the
    disagreements (a labelled hit that no longer counts is one, judged None)."""
    labels = read_use_labels(labels_path)
    records = {(file, line) for file, line, *_ in labels}
    judged: dict[tuple, tuple[str | None, str | None]] = {}
    for label, result, row in labelled_results(screener, sample, {key: {} for key in records}):
        for hit in result.counting_hits:
            key = (row["source_file"], row["source_line"], hit.field, hit.start, hit.end, hit.term)
            judged[key] = (hit.use, hit.use_reason)
    pairs = [(judged.get(key, (None, None))[0], row["use"]) for key, row in labels.items()]
    scores = {use: score([(p == use, e == use) for p, e in pairs]) for use in ("claim", "mention")}
    misses = [UseDisagreement(key, row["use"], *judged.get(key, (None, None)))
              for key, row in labels.items() if judged.get(key, (None, None))[0] != row["use"]]
    return {"hits": len(labels), "claim": scores["claim"], "mention": scores["mention"], "disagreements": misses}


def fold_name(name: str) -> str:
    """Folded firm name (for P2P operator lists)."""
    return fold_text(name)
