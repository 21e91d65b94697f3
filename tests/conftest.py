"""Fixture policy.

- Tests make their own small extracts in ``tmp_path``; nothing in the repository is written.
- The term lists, false friends and registers are the real ones from ``keywords/`` and
  ``data/registers/`` (they are the product's data, so tests exercise them as shipped).
- Tests that read the real registry files in ``../shared/data/registry`` carry the
  ``shared_data`` marker and are skipped, with a reason, when that folder is absent; when the
  environment variable ``CI`` is set they fail instead (CI must run the real-data gates).
- One ``Screener`` per session (loading jieba and the lists takes about a second).
- Expected behaviour is written as tables of cases (``pytest.mark.parametrize``), including
  cases that must not match.
"""

import os
from pathlib import Path

from click.testing import CliRunner
import pytest

import screening.cli as cli
import screening.cli.options as cli_options

from screening.rules.screener import Screener, product_screener
from screening.store.database import open_store
from screening.settings import get_settings

REGISTRY = get_settings().registry_dir


@pytest.fixture(scope="session")
def screener() -> Screener:
    """The product's screener over the shipped lists and registers."""
    return product_screener(get_settings())


@pytest.fixture(scope="session")
def registry_dir() -> Path:
    """The real registry extracts; skip without them, but fail in CI (``CI`` set), where the real-data
    gates (accuracy, P2P operators) must run."""
    if not (REGISTRY / "erd_1978_2003_sample20k.csv").exists():
        message = f"real registry data not found at {REGISTRY} (set REGSCREEN_SHARED_DIR)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the real-data gates; put ../shared beside the checkout", pytrace=False)
        pytest.skip(message)
    return REGISTRY


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write a small CSV extract (rows include the header), quoting only where needed."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def run(monkeypatch, screener):
    """Invoke the CLI in-process with the session's screener (the real lists, loaded once)."""
    monkeypatch.setattr(cli_options, "load_screener", lambda: screener)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


def query(db: Path, sql: str, params=None) -> list[tuple]:
    """Rows of a read-only query on a store file (or a snapshot), its ledgers attached as the views expect."""
    con = open_store(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
