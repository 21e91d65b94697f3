"""What every command shares: the settings (read here, once, and passed down), the store path, the
screener over the configured lists and the regulators of the configured keywords folder."""

from pathlib import Path

import click
from pydantic import ValidationError

from screening.errors import ConfigError, RegscreenError, UsageError
from screening.extract.workbook_limits import SPREADSHEETS, WorkbookLimits, check_workbook
from screening.rules.regulators import Regulators, load_regulators
from screening.rules.screener import Screener, product_screener
from screening.settings import Settings, get_settings
from screening.store.database import QueryBounds
from screening.store.location import check_output_folder, check_store


def settings() -> Settings:
    """This process's settings (REGSCREEN_* environment); a malformed one is a ConfigError naming the variable."""
    try:
        return get_settings()
    except ValidationError as error:
        wrong = "; ".join(f"REGSCREEN_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                          for e in error.errors(include_url=False, include_input=False))
        raise ConfigError(f"{wrong}; correct it in the environment (or .env) and run again") from None


def store_path(db: Path | None) -> Path:
    """The store file: ``--db``, else REGSCREEN_DB_PATH, else data/registry.duckdb (not checked)."""
    return db or settings().db_path


def store_to_read(db: Path | None) -> Path:
    """The store a reading command opens (sql, status, dossier, related), checked to be a regscreen store."""
    return check_store(store_path(db), create=False, writing=False)


def store_to_write(db: Path | None, create: bool = False) -> Path:
    """The store a writing command opens (decide, export, push; with ``create``: scan, nightly, which may
    make a new one), checked to be a regscreen store, or a place where one can be created."""
    return check_store(store_path(db), create=create, writing=True)


def output_folder(folder: Path) -> Path:
    """A folder for files (export --to, nightly --export-dir), created when missing, checked writable."""
    return check_output_folder(folder)


def query_bounds(timeout: float | None = None) -> QueryBounds:
    """The bounds of an analyst's query: memory, threads and time from the settings (``timeout`` overrides)."""
    configured = settings()
    return QueryBounds(configured.sql_memory_limit, configured.sql_threads, timeout or configured.sql_timeout)


def workbook_limits() -> WorkbookLimits:
    """The limits a spreadsheet extract is checked against (REGSCREEN_XLSX_*)."""
    return WorkbookLimits.configured(settings())


def check_extract(extract: Path) -> Path:
    """The extract, a spreadsheet checked against the configured limits before anything reads it (the
    readers then honour that check); ExtractError (exit 2) when it is over one."""
    if extract.suffix.lower() in SPREADSHEETS and extract.is_file():
        check_workbook(extract, workbook_limits())
    return extract


def run_options(allow_mass_missing: bool = False):
    """How the store works for a scan, from the settings (chunk rows, DuckDB's memory limit and spill folder,
    the parts folder, the missing share a full extract may not exceed)."""
    from screening.store.database import Limits
    from screening.store.scan import RunOptions

    current = settings()
    return RunOptions(current.chunk_rows, Limits(current.duckdb_memory_limit, current.duckdb_temp_dir),
                      current.parts_dir, current.missing_limit, allow_mass_missing,
                      current.interest_min_confirmed)


def load_screener() -> Screener:
    """The screener over the configured lists and registers (a malformed list is a ListError)."""
    from screening.rules.screener import product_screener  # the rules load only for commands that screen

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
