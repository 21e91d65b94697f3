"""Human-readable output of screening results and term lists (rich).

Every value shown is data, made inert first (:mod:`screening.cli.terminal`): cells are rich ``Text``
objects, never strings that rich would read as markup, and control characters are shown escaped.
"""

from collections.abc import Iterable, Iterator
import csv
import os
from pathlib import Path
import sys

import polars as pl
from rich.console import Console
from rich.markup import escape as escape_markup
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from screening.cli.terminal import inert, inert_offsets, text
from screening.extract.personal_ids import mask_ids
from screening.handoff.safe_cells import neutralise
from screening.rules.hits import EXTENDED_TIER, FirmResult
from screening.rules.termlists import TermList


def stdout_console() -> Console:
    """A console for stdout at the terminal's width, or ``COLUMNS`` when set; 200 cells wide (enough for
    Chinese text) when output goes to a file or pipe without ``COLUMNS``."""
    return Console() if sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit() else Console(width=200)


def progress_frames(frames: Iterable[pl.DataFrame], path: Path) -> Iterator[pl.DataFrame]:
    """Pass result frames through, counting records on stderr when it is a terminal."""
    console = Console(stderr=True)
    disabled = not console.is_terminal or os.environ.get("CI")
    columns = (TextColumn("[bold]screening[/] {task.description}"), BarColumn(), TextColumn("{task.completed:,} records"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, disable=bool(disabled), transient=True) as progress:
        task = progress.add_task(progress_label(path), total=None)
        for frame in frames:
            yield frame
            progress.advance(task, frame.height)


def progress_label(path: Path) -> str:
    """A file's name for a progress line, which rich formats as markup: inert, and its brackets escaped."""
    return escape_markup(inert(Path(path).name))


def highlighted(value: str | None, result: FirmResult, field: str) -> Text:
    """The field's inert text with counting hits in bold red (extended tier: bold yellow) and other hits
    dimmed and underlined (spans of the original text mapped onto the escaped one)."""
    shown, offsets = inert_offsets(value)
    styled = Text(shown)
    for hit in result.hits:
        if hit.field == field and 0 <= hit.start <= hit.end < len(offsets):
            style = "bold yellow" if hit.tier == EXTENDED_TIER else "bold red" if hit.counts else "underline dim"
            styled.stylize(style, offsets[hit.start], offsets[hit.end])
    return styled


def name_parts_line(result: FirmResult) -> str:
    """The parsed name in one line: 地区 北京 | 字号 人人贷 | 行业 商务顾问 | 形式 有限公司."""
    if not result.name_parts:
        return ""
    labels = {"region": "地区", "trade_name": "字号", "industry": "行业", "form": "形式", "branch": "分支"}
    return " | ".join(f"{labels[name]} {inert(part.text)}" for name, part in result.name_parts.items() if part)


def explanation(result: FirmResult) -> Text:
    """One line per distinct hit: term, list, and why it does or does not count."""
    lines, seen = Text(), set()
    for hit in result.hits:
        key = (hit.term, hit.field, hit.start, hit.list)
        if key in seen:
            continue
        seen.add(key)
        if hit.tier == EXTENDED_TIER:
            lines.append(inert(f"{hit.term} [{hit.field} {hit.start}:{hit.end} {hit.matched}] {hit.list} (关注): "
                               f"→ {hit.regulator}; {hit.source}") + "\n", style="yellow")
            continue
        style = "red" if hit.counts else "dim"
        lines.append(inert(f"{hit.term} [{hit.field} {hit.start}:{hit.end}] {hit.list}: "), style=style)
        lines.append(inert(("counts → " + hit.regulator) if hit.counts else (hit.why or "")), style=style)
        lines.append("\n")
    if result.name_parts:
        lines.append(f"name: {name_parts_line(result)}\n", style="dim")
    if result.exempt:
        lines.append(inert(f"exempt: {result.exempt['reason']} — {result.exempt['evidence']}"), style="green")
    return lines


def verdict(result: FirmResult) -> Text:
    """FLAGGED, ATTENTION (关注, the extended tier), exempt, rejected or clear."""
    if result.rejected:
        raised = "FLAGGED, " if result.flagged else "ATTENTION, " if result.attention else ""
        return text(raised + f"rejected: {result.rejected}", style="yellow")
    if result.flagged:
        return Text("FLAGGED", style="bold red")
    if result.attention:
        return Text("ATTENTION (关注)", style="bold yellow")
    return Text("exempt" if result.exempt else "clear", style="green" if result.exempt else "")


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
        table.add_row(*map(text, (f"{row['list']}@{row['list_version']}", row["term"], ",".join(row["fields"]),
                                  row["action"], row["category"], "、".join(row["regulators"]), row["region"],
                                  row["source"])))
    stdout_console().print(table)


class scan_progress:
    """Progress of a scan on stderr (when it is a terminal): the phase and rows done in it."""

    def __init__(self, path: Path):
        console = Console(stderr=True)
        columns = (TextColumn("[bold]scan[/] {task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"),
                   TimeElapsedColumn())
        self.progress = Progress(*columns, console=console, transient=True,
                                 disable=not console.is_terminal or bool(os.environ.get("CI")))
        self.name = progress_label(path)
        self.task = self.progress.add_task(f"{self.name}: reading", total=None)
        self.phase = "reading"

    def __enter__(self):
        self.progress.__enter__()
        return self.advance

    def advance(self, phase: str, rows: int) -> None:
        """Count ``rows`` more in ``phase`` (a new phase starts its count again)."""
        if phase != self.phase:
            self.phase = phase
            self.progress.reset(self.task, description=f"{self.name}: {phase}")
        self.progress.advance(self.task, rows)

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)


def print_run(run: dict) -> None:
    """One run's summary."""
    console = stdout_console()
    if run["status"] == "repeat":
        console.print(text(f"run {run['run_id']}: repeat of run {run['repeat_of']} (same file, same lists): "
                           "nothing changed"))
        return
    console.print(text(f"run {run['run_id']} complete: {run['rows_in']:,} rows in = {run['rows_loaded']:,} loaded + "
                  f"{run['rows_rejected']:,} rejected; firms new {run['firms_new']:,}, changed {run['firms_changed']:,}, "
                  f"updated {run['firms_updated']:,}, unchanged {run['firms_unchanged']:,}, missing "
                  f"{run['firms_missing']:,}; screened {run['firms_screened']:,}"
                  + ("; term lists changed: every firm screened again" if run["rescreened_all"] else "")))


def shown_cell(value) -> Text:
    """A query cell for the terminal: ID numbers masked, then inert text (None is empty)."""
    return text(None if value is None else mask_ids(str(value)))


def csv_cell(value, to_terminal: bool = False) -> str:
    """A query cell for CSV: ID numbers masked, a formula-like start neutralised (as in the hand-off files);
    made inert as well when the CSV goes to a terminal rather than a file."""
    cell = "" if value is None else neutralise(mask_ids(str(value)))
    return inert(cell) if to_terminal else cell


def print_query(batches: Iterable[tuple[list[str], list[tuple]]], as_csv: bool, max_rows: int | None) -> None:
    """Query results as tables of at most a thousand rows each, or CSV on stdout, streamed batch by batch;
    at most ``max_rows`` rows (None: all), and a note when the query returned more."""
    console, writer, shown, more = stdout_console(), None, 0, False
    to_terminal = sys.stdout.isatty()
    for columns, rows in batches:
        if max_rows is not None and shown + len(rows) > max_rows:
            rows, more = rows[:max_rows - shown], True
        if as_csv:
            if writer is None:
                writer = csv.writer(sys.stdout)
                writer.writerow([csv_cell(column, to_terminal) for column in columns])
            writer.writerows([csv_cell(value, to_terminal) for value in row] for row in rows)
        elif rows or not shown:
            table = Table(show_lines=False, show_header=not shown)
            for column in columns:
                table.add_column(text(column), overflow="fold")
            for row in rows:
                table.add_row(*[shown_cell(value) for value in row])
            console.print(table)
        shown += len(rows)
        if more:
            break
    note = (f"first {shown:,} rows shown; the query returns more (--limit N, or --all for every row)" if more
            else "1 row" if shown == 1 else f"{shown:,} rows")
    if not as_csv:
        console.print(text(note))
    elif more:
        Console(stderr=True).print(text("regscreen: " + note))


def print_status(runs: list[dict], watch: dict[str, int]) -> None:
    """The last runs and the watch list's size by status."""
    table = Table(title="regscreen status: last runs")
    for column in ("run", "status", "as of", "extract", "rows in", "loaded", "rejected", "reconciles", "new",
                   "changed", "updated", "unchanged", "missing", "screened", "lists"):
        table.add_column(column, overflow="fold")
    for run in runs:
        status = run["status"] + (f" of {run['repeat_of']}" if run["repeat_of"] else "")
        lists = ", ".join(f"{k}@{v}" for k, v in run["list_versions"].items())
        table.add_row(*map(text, (run["run_id"], status, run["as_of"], Path(run["extract_file"]).name,
                                  f"{run['rows_in']:,}", f"{run['rows_loaded']:,}", f"{run['rows_rejected']:,}")),
                      text("yes") if run["reconciled"] else text("NO", style="red"), *(text(f"{run[k]:,}") for k in (
                          "firms_new", "firms_changed", "firms_updated", "firms_unchanged", "firms_missing",
                          "firms_screened")), text(lists))
    console = stdout_console()
    console.print(table)
    console.print(text("watch list: " + (", ".join(f"{k} {v:,}" for k, v in sorted(watch.items())) or "empty")))
