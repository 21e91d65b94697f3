"""Accuracy of the verdict on hand-labelled real records (SCREENING_RULES.md), beside naive matching.

The labels in ``tests/labelled/`` were made by reading each record under the rules, without the
engine: all 986 records of the development sample that contain a term once folded, plus 150
random others; and 340 records of the 2004 evaluation sample (300 with a term, 40 without).
"""

import csv
from pathlib import Path

import pytest

from screening.rules.accuracy import evaluate

LABELS = Path(__file__).resolve().parents[1] / "labelled"
GOAL_PRECISION, GOAL_RECALL = 0.97, 0.99


@pytest.mark.parametrize("labels, minimum", [("dev_1978_2003.csv", 300), ("eval_2004.csv", 300)])
def test_label_files_are_complete(labels, minimum):
    with open(LABELS / labels, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= minimum
    assert all(row["flagged"] in "01" and row["exempt"] in "01" and row["reason"] for row in rows)
    assert not any(row["flagged"] == "1" and row["exempt"] == "1" for row in rows)


@pytest.mark.shared_data
@pytest.mark.parametrize("sample, labels", [
    ("erd_1978_2003_sample20k.csv", "dev_1978_2003.csv"),
    ("erd_2004_sample20k.csv", "eval_2004.csv"),
])
def test_precision_and_recall_meet_the_goal(screener, registry_dir, sample, labels):
    report = evaluate(screener, registry_dir / sample, LABELS / labels)
    with open(LABELS / labels, encoding="utf-8") as handle:
        assert report["records"] == sum(1 for _ in handle) - 1
    assert report["product"].precision >= GOAL_PRECISION, report["disagreements"]
    assert report["product"].recall >= GOAL_RECALL, report["disagreements"]
    assert report["naive"].precision < report["product"].precision
