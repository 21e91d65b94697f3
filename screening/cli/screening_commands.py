"""Commands of the rules stage: screen an extract without a store, and show the loaded lists."""

import sys
from pathlib import Path

import click
import orjson

from screening.cli import options


@click.command()
@click.argument("extract", type=click.Path(path_type=Path))
@click.option("--format", "output", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per record on stdout; table: a readable table with hits highlighted.")
@click.option("--flagged-only", is_flag=True, help="Show only flagged records (table format).")
@click.option("--other-regions", is_flag=True,
              help="Table format: also show hits of other regions' lists (hidden by default; they never count "
                   "for the firm). JSON Lines always has every hit.")
@click.option("--no-extended", is_flag=True,
              help="Switch the extended risk tier (关注) off: no extended hits, attention always false "
                   "(default: REGSCREEN_EXTENDED_TIER, on).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that screen chunks side by side (output stays in input order); "
                   "2 on a 2-core machine for a large extract.")
def check(extract: Path, output: str, flagged_only: bool, other_regions: bool, no_extended: bool, workers: int) -> None:
    """Screen every firm of EXTRACT (CSV, .xlsx, .parquet, .jsonl) without touching any database.

    Each record gets ``flagged`` (the plans' lists, 重点监管) and, apart, ``attention`` (the extended
    tier, 关注), with every hit, its tier and the parsed name (region, trade name, industry, form)."""
    from screening.cli.check_table import CheckTable
    from screening.cli.report import progress_frames, stdout_console
    from screening.rules.parallel import screen_frames_on
    from screening.rules.results import firm_result

    options.check_extract(extract)  # a spreadsheet over the limits is refused before anything is loaded
    screener = options.load_screener()
    if no_extended:
        screener = screener.without_extended()
    frames = progress_frames(screen_frames_on(screener, extract, options.settings().chunk_rows, workers), extract)
    if output == "table":
        table = CheckTable(stdout_console(), other_regions, flagged_only)
        table.header()
        for frame in frames:  # each chunk printed as soon as it is screened
            table.rows(firm_result(row) for row in frame.iter_rows(named=True))
        return
    for frame in frames:
        frame.write_ndjson(sys.stdout.buffer)
        sys.stdout.buffer.flush()


@click.command()
@click.option("--format", "output", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def terms(output: str) -> None:
    """The loaded term lists: term, fields, action, category, lead regulator, region, source, version.

    The extended tier (关注) is listed after the plans' lists when it is on, its reason as the source."""
    from screening.cli.report import print_terms, term_rows

    screener = options.load_screener()
    lists = screener.lists + ([screener.extended.term_list] if screener.extended else [])
    if output == "jsonl":
        for row in term_rows(lists):
            sys.stdout.buffer.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
    else:
        print_terms(lists)


COMMANDS = (check, terms)
