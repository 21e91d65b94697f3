"""What every command shares: the settings (read here, once, and passed down), the store path and
the screener over the configured lists."""

from pathlib import Path

import click

from screening.errors import UsageError
from screening.settings import Settings, get_settings


def settings() -> Settings:
    """This process's settings (REGSCREEN_* environment)."""
    return get_settings()


def store_path(db: Path | None) -> Path:
    """The store file: ``--db``, else REGSCREEN_DB_PATH, else data/registry.duckdb."""
    return db or settings().db_path


def run_options(allow_mass_missing: bool = False):
    """How the store works for a scan, from the settings (chunk rows, DuckDB's memory limit and spill folder,
    the parts folder, the missing share a full extract may not exceed)."""
    from screening.store.database import Limits
    from screening.store.scan import RunOptions

    current = settings()
    return RunOptions(current.chunk_rows, Limits(current.duckdb_memory_limit, current.duckdb_temp_dir),
                      current.parts_dir, current.missing_limit, allow_mass_missing)


def load_screener():
    """The screener over the configured lists and registers (a malformed list is a ListError)."""
    from screening.rules.screener import product_screener  # the rules load only for commands that screen

    return product_screener(settings())


class ScreenerWhenNeeded:
    """The configured screener, built the first time a run screens; its list versions come from the lists
    alone before that, so a scan that turns out a repeat never builds it (jieba, automata, registers)."""

    def __init__(self):
        self._screener = None
        self._versions: dict | None = None

    @property
    def versions(self) -> dict[str, str]:
        if self._screener is None and self._versions is None:
            from screening.rules.termlists import list_versions

            self._versions = list_versions(settings().keywords_dir)
        return self._screener.versions if self._screener is not None else self._versions

    def __getattr__(self, name: str):
        if self._screener is None:
            self._screener = load_screener()
        return getattr(self._screener, name)


def fail(message: str) -> None:
    """Stop the command with a usage error (one line, exit status 2)."""
    raise UsageError(message)


def db_option(function):
    """The --db option shared by the store commands."""
    return click.option("--db", type=click.Path(path_type=Path), default=None,
                        help="The DuckDB store file (default: REGSCREEN_DB_PATH or data/registry.duckdb).")(function)
