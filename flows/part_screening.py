"""What a Dask worker runs for the nightly flow: screen one part, by path, with this process's screener.

Plain functions, submitted with the Dask client of the flow's task runner: a worker needs the package
installed and the settings' lists and registers (REGSCREEN_KEYWORDS_DIR, REGSCREEN_REGISTERS_DIR), the
parts folder at the same path as the flow, and no Prefect API. Each call gets two paths and returns a
small summary; the rows stay in the files.
"""

from functools import lru_cache
from pathlib import Path

from screening.rules.screener import Screener, product_screener
from screening.settings import get_settings
from screening.store import parts


@lru_cache(maxsize=1)
def process_screener() -> Screener:
    """One screener per process (the flow's, and each Dask worker's) over the configured lists."""
    return product_screener(get_settings())


def screen_part(part: str, results_dir: str) -> dict:
    """Screen the part at ``part`` and write its results into ``results_dir``; a small summary."""
    return parts.screen_part(process_screener(), Path(part), Path(results_dir))
