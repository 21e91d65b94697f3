"""The extended tier (关注) measured: how many real P2P operators each tier catches, and how many
ordinary firms the extended tier raises that the plans do not.

- P2P: the 558 operating companies of P2P lending platforms of 2017 (names only, so only the national
  list applies), caught by the plans' lists (``flagged``), by the extended tier only (``attention``),
  and at some tier. Goal: at least 95% at some tier.
- Ordinary firms: the 20,000-firm development sample of 1978-2003, minus the firms the plans flag;
  the share the extended tier raises (``attention``). Goal: under 1%.
- ``--evaluation`` also reports the extra rate on the 2004 evaluation sample (not used for tuning).

Run: ``.venv/bin/python bench/extended_tier.py [--evaluation] [--show-extra]`` (reads ../shared in place).
"""

from dataclasses import dataclass
from pathlib import Path
import sys

from screening.rules.hits import FirmResult
from screening.rules.pipeline import screen_extract
from screening.rules.screener import Screener, product_screener
from screening.settings import get_settings

P2P = "p2p_platform_operators_2017.csv"
DEVELOPMENT = "erd_1978_2003_sample20k.csv"
EVALUATION = "erd_2004_sample20k.csv"


@dataclass(frozen=True, slots=True)
class P2PShares:
    """Real P2P operators caught by each tier, and the names no tier catches."""

    total: int
    plans: int
    extended_only: int
    misses: list[str]

    @property
    def any_tier(self) -> int:
        """Caught by the plans' lists or the extended tier."""
        return self.plans + self.extended_only


@dataclass(frozen=True, slots=True)
class ExtraRate:
    """Ordinary firms (not flagged by the plans) that the extended tier raises."""

    ordinary: int
    raised: list[FirmResult]

    @property
    def rate(self) -> float:
        """Share of the ordinary firms raised."""
        return len(self.raised) / self.ordinary if self.ordinary else 0.0


def p2p_shares(screener: Screener, registry: Path) -> P2PShares:
    """Screen the real P2P operators' names and count them per tier."""
    results = list(screen_extract(screener, registry / P2P))
    plans = sum(r.flagged for r in results)
    extended = sum(r.attention for r in results)
    misses = [r.name for r in results if not (r.flagged or r.attention)]
    return P2PShares(len(results), plans, extended, misses)


def extra_rate(screener: Screener, sample: Path) -> ExtraRate:
    """Firms of ``sample`` the plans do not flag, and those of them the extended tier raises."""
    ordinary = [r for r in screen_extract(screener, sample) if not r.flagged]
    return ExtraRate(len(ordinary), [r for r in ordinary if r.attention])


def describe(result: FirmResult) -> str:
    """One line: the name, its trade name and industry, and the extended hits."""
    parts = result.name_parts
    split = f"{parts.trade_name.text if parts and parts.trade_name else '-'}|{parts.industry.text if parts and parts.industry else '-'}"
    return f"{result.name}  [{split}]  " + ", ".join(f"{h.term}:{h.matched}" for h in result.attention_hits)


def main(argv: list[str]) -> None:
    screener = product_screener(get_settings())
    if screener.extended is None:
        sys.exit("the extended tier is switched off (REGSCREEN_EXTENDED_TIER); switch it on to measure it")
    registry = get_settings().registry_dir
    shares = p2p_shares(screener, registry)
    print(f"extended tier version {screener.extended.version}")
    print(f"P2P operators ({shares.total}): plans' lists {shares.plans} ({shares.plans / shares.total:.1%}), "
          f"extended tier only {shares.extended_only} ({shares.extended_only / shares.total:.1%}), "
          f"any tier {shares.any_tier} ({shares.any_tier / shares.total:.1%}); goal >= 95%")
    samples = [("development 1978-2003", DEVELOPMENT)] + ([("evaluation 2004", EVALUATION)] if "--evaluation" in argv else [])
    for title, sample in samples:
        extra = extra_rate(screener, registry / sample)
        print(f"ordinary firms, {title} ({extra.ordinary} not flagged): extended tier raises {len(extra.raised)} "
              f"({extra.rate:.2%}); goal < 1%")
        if "--show-extra" in argv:
            for result in extra.raised:
                print("  raised:", describe(result))
    print(f"misses ({len(shares.misses)}):")
    for name in shares.misses:
        print("  ", name)


if __name__ == "__main__":
    main(sys.argv[1:])
