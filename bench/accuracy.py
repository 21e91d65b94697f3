"""Accuracy report: precision and recall of ``flagged`` on the hand-labelled real records,
next to naive substring matching; claim and mention recall and precision of the counting hits'
use on their hand labels (with every disagreement); and the share of the 558 real P2P operators
flagged by name.

Run: ``.venv/bin/python bench/accuracy.py`` (reads ../shared/data/registry in place).
"""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from screening.rules.accuracy import evaluate, evaluate_use
from screening.rules.pipeline import screen_extract
from screening.rules.screener import Screener, product_screener
from screening.settings import get_settings

LABELS = Path(__file__).resolve().parent.parent / "tests" / "labelled"
SETS = [("development 1978-2003", "erd_1978_2003_sample20k.csv", "dev_1978_2003.csv"),
        ("evaluation 2004", "erd_2004_sample20k.csv", "eval_2004.csv")]
USE_SETS = [("development 1978-2003 (tuned on)", "erd_1978_2003_sample20k.csv", "use_dev_1978_2003.csv"),
            ("evaluation 2004 (not tuned on)", "erd_2004_sample20k.csv", "use_eval_2004.csv")]
USE_GOAL = "goal on the evaluation labels: mention recall ≥ 0.8, claim recall ≥ 0.98"


def accuracy_table(screener: Screener, registry: Path) -> Table:
    """Precision/recall of the product and of naive matching on each labelled set."""
    table = Table(title="flagged vs hand labels")
    for column in ("set", "records", "product P", "product R", "naive P", "naive R", "disagreements"):
        table.add_column(column)
    for title, sample, labels in SETS:
        report = evaluate(screener, registry / sample, LABELS / labels)
        product, naive = report["product"], report["naive"]
        table.add_row(title, str(report["records"]), f"{product.precision:.3f}", f"{product.recall:.3f}",
                      f"{naive.precision:.3f}", f"{naive.recall:.3f}", str(len(report["disagreements"])))
    return table


def use_table(screener: Screener, registry: Path) -> tuple[Table, list[str]]:
    """Claim and mention recall and precision of the use on each labelled set, and the disagreements."""
    table = Table(title=f"use (claim / mention) vs hand labels; {USE_GOAL}")
    for column in ("set", "counting hits", "claim R", "claim P", "mention R", "mention P", "disagreements"):
        table.add_column(column)
    lines = []
    for title, sample, labels in USE_SETS:
        report = evaluate_use(screener, registry / sample, LABELS / labels)
        claim, mention = report["claim"], report["mention"]
        table.add_row(title, str(report["hits"]), f"{claim.recall:.3f}", f"{claim.precision:.3f}",
                      f"{mention.recall:.3f}", f"{mention.precision:.3f}", str(len(report["disagreements"])))
        lines += [f"{title}: {d.line()}" for d in report["disagreements"]]
    return table, lines


def p2p_share(screener: Screener, registry: Path) -> tuple[int, int, list[str]]:
    """(flagged, total, names not flagged) for the real P2P operators, by name only."""
    results = list(screen_extract(screener, registry / "p2p_platform_operators_2017.csv"))
    misses = [r.name for r in results if not r.flagged]
    return len(results) - len(misses), len(results), misses


def main() -> None:
    console = Console()
    screener = product_screener(get_settings())
    registry = get_settings().registry_dir
    console.print(accuracy_table(screener, registry))
    table, disagreements = use_table(screener, registry)
    console.print(table)
    for line in disagreements:
        console.print("  " + line, markup=False, highlight=False)
    flagged, total, misses = p2p_share(screener, registry)
    console.print(f"P2P operators flagged by name: {flagged}/{total} = {flagged / total:.1%}")
    console.print("first misses: " + "、".join(misses[:15]))


if __name__ == "__main__":
    main()
