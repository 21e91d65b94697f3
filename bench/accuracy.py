"""Accuracy report: precision and recall of ``flagged`` on the hand-labelled real records,
next to naive substring matching, and the share of the 558 real P2P operators flagged by name.

Run: ``.venv/bin/python bench/accuracy.py`` (reads ../shared/data/registry in place).
"""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from screening.rules.accuracy import evaluate
from screening.rules.pipeline import screen_extract
from screening.rules.screener import Screener, product_screener
from screening.settings import get_settings

LABELS = Path(__file__).resolve().parent.parent / "tests" / "labelled"
SETS = [("development 1978-2003", "erd_1978_2003_sample20k.csv", "dev_1978_2003.csv"),
        ("evaluation 2004", "erd_2004_sample20k.csv", "eval_2004.csv")]


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
    flagged, total, misses = p2p_share(screener, registry)
    console.print(f"P2P operators flagged by name: {flagged}/{total} = {flagged / total:.1%}")
    console.print("first misses: " + "、".join(misses[:15]))


if __name__ == "__main__":
    main()
