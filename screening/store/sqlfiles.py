"""The SQL files under ``sql/``: named, documented statements (datasette style).

``sql/schema.sql`` and ``sql/schema_*.sql`` hold the store's tables, ``sql/views/`` the analysts'
views, ``sql/ledgers/`` the tables of the ledgers beside the store, and ``sql/run/`` the statements
of a run (staging, delta, commit, watch list), each a file whose header says what it does. Values
always travel as parameters (``$name``); no SQL is built from input.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
import re

from screening.errors import ConfigError

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"  # the product's schema and views, shipped with it
HEADER = re.compile(r"^-- title: (?P<title>.+)\n-- description: (?P<description>.+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SqlFile:
    """A named SQL file with its title and description comment."""

    name: str
    title: str
    description: str
    sql: str


def read_sql_file(path: Path) -> SqlFile:
    """A SQL file; it must start with its ``-- title:`` and ``-- description:`` lines."""
    text = path.read_text(encoding="utf-8")
    header = HEADER.match(text)
    if not header:
        raise ConfigError(f"{path}: must start with '-- title: …' and '-- description: …' lines")
    return SqlFile(path.stem, header["title"], header["description"], text)


def schema_files(sql_dir: Path | None = None) -> list[SqlFile]:
    """``sql/schema.sql`` and then every ``sql/schema_*.sql`` (tables of later stages), in name order."""
    folder = sql_dir or SQL_DIR
    return [read_sql_file(folder / "schema.sql")] + [read_sql_file(p) for p in sorted(folder.glob("schema_*.sql"))]


def view_files(sql_dir: Path | None = None) -> list[SqlFile]:
    """Every view under ``sql/views/``, in file-name order (later views may use earlier ones)."""
    return [read_sql_file(p) for p in sorted((sql_dir or SQL_DIR).joinpath("views").glob("*.sql"))]


@lru_cache(maxsize=None)
def statement(name: str) -> str:
    """The statement of ``sql/run/<name>.sql`` (one statement per file; values as ``$parameters``)."""
    return read_sql_file(SQL_DIR / "run" / f"{name}.sql").sql
