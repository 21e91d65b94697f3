"""Human-readable output of screening results and term lists (rich)."""

from collections.abc import Iterable, Iterator
import os
from pathlib import Path
import sys

import polars as pl
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from screening.hits import FirmResult
from screening.termlists import TermList


def stdout_console() -> Console:
    """A console for stdout, wide enough for Chinese text when output goes to a file or pipe."""
    return Console() if sys.stdout.isatty() else Console(width=200)


def progress_frames(frames: Iterable[pl.DataFrame], path: Path) -> Iterator[pl.DataFrame]:
    """Pass result frames through, counting records on stderr when it is a terminal."""
    console = Console(stderr=True)
    disabled = not console.is_terminal or os.environ.get("CI")
    columns = (TextColumn("[bold]screening[/] {task.description}"), BarColumn(), TextColumn("{task.completed:,} records"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, disable=bool(disabled), transient=True) as progress:
        task = progress.add_task(Path(path).name, total=None)
        for frame in frames:
            yield frame
            progress.advance(task, frame.height)


def highlighted(text: str | None, result: FirmResult, field: str) -> Text:
    """The field's text with counting hits in bold red and other hits dimmed and underlined."""
    shown = Text(text or "")
    for hit in result.hits:
        if hit.field == field:
            shown.stylize("bold red" if hit.counts else "underline dim", hit.start, hit.end)
    return shown


def explanation(result: FirmResult) -> Text:
    """One line per distinct hit: term, list, and why it does or does not count."""
    lines, seen = Text(), set()
    for hit in result.hits:
        key = (hit.term, hit.field, hit.start, hit.list)
        if key in seen:
            continue
        seen.add(key)
        style = "red" if hit.counts else "dim"
        lines.append(f"{hit.term} [{hit.field} {hit.start}:{hit.end}] {hit.list}: ", style=style)
        lines.append(("counts → " + hit.regulator) if hit.counts else (hit.why or ""), style=style)
        lines.append("\n")
    if result.exempt:
        lines.append(f"exempt: {result.exempt['reason']} — {result.exempt['evidence']}", style="green")
    return lines


def verdict(result: FirmResult) -> Text:
    """FLAGGED, exempt, rejected or clear."""
    if result.rejected:
        return Text(("FLAGGED, " if result.flagged else "") + f"rejected: {result.rejected}", style="yellow")
    if result.flagged:
        return Text("FLAGGED", style="bold red")
    return Text("exempt" if result.exempt else "clear", style="green" if result.exempt else "")


def print_table(results: Iterable[FirmResult], flagged_only: bool = False) -> None:
    """A table of records with their verdict, highlighted name and hits."""
    table = Table(title="regscreen check", show_lines=True, expand=True)
    for column in ("#", "credit code", "name", "region", "verdict", "hits"):
        table.add_column(column, overflow="fold")
    for result in results:
        if flagged_only and not result.flagged:
            continue
        region = f"{result.region or '-'} ({result.region_source})"
        table.add_row(str(result.record), result.credit_code or "", highlighted(result.name, result, "name"),
                      region, verdict(result), explanation(result))
    stdout_console().print(table)


def term_rows(lists: list[TermList]) -> Iterator[dict]:
    """One dict per term of every list."""
    for term_list in lists:
        for term in term_list.terms:
            yield {
                "term": term.term, "fields": list(term.fields), "action": term.action, "category": term.category,
                "regulator": term.regulator, "regulators": list(term.regulators),
                "region": "/".join(term.regions) or "全国", "source": term.source,
                "list": term.list_id, "list_version": term.list_version, "tier": term.tier,
            }


def print_terms(lists: list[TermList]) -> None:
    """The term lists as a table."""
    table = Table(title="regscreen terms", expand=True)
    for column in ("list@version", "term", "fields", "action", "category", "lead regulator", "region", "source"):
        table.add_column(column, overflow="fold")
    for row in term_rows(lists):
        table.add_row(f"{row['list']}@{row['list_version']}", row["term"], ",".join(row["fields"]), row["action"],
                      row["category"], "、".join(row["regulators"]), row["region"], row["source"])
    stdout_console().print(table)
