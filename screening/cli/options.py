"""What every command shares: the settings (read here, once, and passed down), the store path, the
screener over the configured lists and the regulators of the configured keywords folder."""

from pathlib import Path

import click

from screening.errors import RegscreenError, UsageError
from screening.rules.regulators import Regulators, load_regulators
from screening.rules.screener import Screener, product_screener
from screening.settings import Settings, get_settings


def settings() -> Settings:
    """This process's settings (REGSCREEN_* environment)."""
    return get_settings()


def store_path(db: Path | None) -> Path:
    """The store file: ``--db``, else REGSCREEN_DB_PATH, else data/registry.duckdb."""
    return db or settings().db_path


def load_screener() -> Screener:
    """The screener over the configured lists and registers (a malformed list is a ListError)."""
    return product_screener(settings())


def regulators() -> Regulators:
    """The regulators of the configured keywords folder (``regulators.toml``; malformed: a ListError)."""
    return load_regulators(settings().keywords_dir)


class RegulatorChoice(click.ParamType):
    """A regulator of ``regulators.toml``, by its name, another name or its slug: the choices are read
    from the configured keywords folder when the command runs."""

    name = "regulator"

    def get_metavar(self, param, ctx=None) -> str:
        try:
            return "[" + "|".join(regulators().names) + "]"
        except RegscreenError:
            return "REGULATOR"

    def convert(self, value, param, ctx) -> str:
        try:
            return regulators().get(value).name
        except RegscreenError as error:
            self.fail(str(error), param, ctx)


def fail(message: str) -> None:
    """Stop the command with a usage error (one line, exit status 2)."""
    raise UsageError(message)


def db_option(function):
    """The --db option shared by the store commands."""
    return click.option("--db", type=click.Path(path_type=Path), default=None,
                        help="The DuckDB store file (default: REGSCREEN_DB_PATH or data/registry.duckdb).")(function)
