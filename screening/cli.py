"""The ``regscreen`` command line."""

import sys
from pathlib import Path

import click
import orjson

from screening.extract.headers import ExtractError
from screening.settings import get_settings
from screening.termlists import TermListError


def fail(message: str) -> None:
    """Print a one-line error on stderr and exit with status 2."""
    click.echo(f"regscreen: error: {message}", err=True)
    sys.exit(2)


def load_screener():
    """The screener over the configured lists, or a clear error."""
    from screening.screener import Screener

    try:
        return Screener.from_settings(get_settings())
    except (TermListError, ValueError, OSError) as error:
        fail(str(error))


@click.group()
def main() -> None:
    """Screen business registrations for the plans' restricted words (互联网金融风险专项整治)."""


@main.command()
@click.argument("extract", type=click.Path(path_type=Path))
@click.option("--format", "output", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per record on stdout; table: a readable table with hits highlighted.")
@click.option("--flagged-only", is_flag=True, help="Show only flagged records (table format).")
def check(extract: Path, output: str, flagged_only: bool) -> None:
    """Screen every firm of EXTRACT (CSV, .xlsx, .parquet, .jsonl) without touching any database."""
    from screening.pipeline import screen_frames
    from screening.report import print_table, progress_frames
    from screening.results import firm_result

    screener = load_screener()
    try:
        frames = progress_frames(screen_frames(screener, extract, get_settings().chunk_rows), extract)
        if output == "table":
            print_table((firm_result(row) for frame in frames for row in frame.iter_rows(named=True)), flagged_only)
            return
        for frame in frames:
            frame.write_ndjson(sys.stdout.buffer)
            sys.stdout.buffer.flush()
    except ExtractError as error:
        fail(str(error))
    except BrokenPipeError:
        sys.stderr.close()


@main.command()
@click.option("--format", "output", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def terms(output: str) -> None:
    """The loaded term lists: term, fields, action, category, lead regulator, region, source, version."""
    from screening.report import print_terms, term_rows

    screener = load_screener()
    if output == "jsonl":
        for row in term_rows(screener.lists):
            sys.stdout.buffer.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
    else:
        print_terms(screener.lists)
