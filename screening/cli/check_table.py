"""`regscreen check --format table`: a table that streams, record by record, at the terminal's width.

rich's ``Table`` measures every row before it prints anything (and takes milliseconds a row), so a
table of a million firms would print nothing for minutes and hold every row in memory. Here the
column widths are fixed once from the console's width (the terminal's, or ``COLUMNS``), the header is
printed once, and each chunk's rows are printed as soon as the chunk is screened: a record without
shown hits is one line of padded text, a record with hits gets its cells wrapped (rich ``Text``,
highlighted) and laid side by side. Every value is made inert first (:mod:`screening.cli.terminal`).

Hits of another region's list are hidden by default (they never count for the firm, and most firms
have some: Beijing's 投资 in a Shanghai scope); ``--other-regions`` shows them.
"""

from collections.abc import Iterable

from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.text import Text

from screening.cli.report import explanation, highlighted, verdict
from screening.cli.terminal import inert, text
from screening.rules.hits import FirmResult

OTHER_REGION = "other region's list"
HEADINGS = ("#", "credit code", "name", "region", "verdict", "hits")
FIXED = {"#": 7, "credit code": 18, "region": 19, "verdict": 17}  # name and hits share the rest (2 : 3)
MINIMUM = {"name": 10, "hits": 16}
GAP = " "


NARROWEST = 4


def column_widths(total: int) -> dict[str, int]:
    """Widths of the columns for a console ``total`` cells wide: on a narrow console the fixed columns
    shrink first (never below 4 cells; text folds), then name and hits share what is left."""
    room = total - len(GAP) * (len(HEADINGS) - 1)
    fixed = dict(FIXED)
    spare = room - sum(fixed.values()) - sum(MINIMUM.values())
    if spare < 0:
        scale = max(0.0, (sum(fixed.values()) + spare) / sum(fixed.values()))
        fixed = {heading: max(NARROWEST, int(width * scale)) for heading, width in fixed.items()}
    rest = max(room - sum(fixed.values()), 2 * NARROWEST)
    name = max(NARROWEST, min(MINIMUM["name"], rest // 2), rest * 2 // 5)
    return {**fixed, "name": name, "hits": max(NARROWEST, rest - name)}


def without_other_regions(result: FirmResult) -> FirmResult:
    """The result with the hits of another region's lists left out (the verdict is unchanged)."""
    shown = [hit for hit in result.hits if not (hit.why or "").startswith(OTHER_REGION)]
    if len(shown) == len(result.hits):
        return result
    return FirmResult(result.record, result.credit_code, result.name, result.region, result.region_source,
                      result.flagged, result.exempt, result.rejected, shown, result.attention, result.name_parts,
                      result.use, result.key_kind, result.registration_number)


def padded(value: str, width: int) -> list[str]:
    """Plain text folded into lines of exactly ``width`` cells."""
    lines = chop_cells(value, width) if cell_len(value) > width else [value]
    return [line + " " * (width - cell_len(line)) for line in lines] or [" " * width]


def wrapped(value: Text, width: int, console: Console) -> list[Text]:
    """Styled text folded into lines of exactly ``width`` cells."""
    lines = []
    for line in value.wrap(console, width, overflow="fold"):
        line.rstrip()
        line.pad_right(width - line.cell_len)
        lines.append(line)
    return lines or [Text(" " * width)]


def short_verdict(result: FirmResult) -> Text:
    """The verdict for its narrow column (a rejected record's reason is shown with its hits)."""
    if not result.rejected:
        return verdict(result)
    raised = "FLAGGED, " if result.flagged else "ATTENTION, " if result.attention else ""
    return Text(raised + "rejected", style="yellow")


class CheckTable:
    """Prints results as rows of a fixed-width table, chunk by chunk."""

    def __init__(self, console: Console, other_regions: bool = False, flagged_only: bool = False):
        self.console, self.other_regions, self.flagged_only = console, other_regions, flagged_only
        self.widths = column_widths(console.width)
        self.rule = "─" * (sum(self.widths.values()) + len(GAP) * (len(HEADINGS) - 1))

    def header(self) -> None:
        """The headings and a rule under them."""
        line = GAP.join(padded(heading, self.widths[heading])[0] for heading in HEADINGS)
        self.console.print(Text(line, style="bold"), soft_wrap=True)
        self.console.print(self.rule, style="dim", soft_wrap=True, highlight=False, markup=False)

    def plain_row(self, result: FirmResult, region: str) -> str:
        """A record with nothing highlighted: padded plain cells, folded when long."""
        values = (str(result.record), inert(result.credit_code), inert(result.name), inert(region), short_verdict(result).plain, "")
        cells = [padded(value, self.widths[heading]) for heading, value in zip(HEADINGS, values)]
        return "\n".join(GAP.join(cell[i] if i < len(cell) else " " * self.widths[h] for cell, h in zip(cells, HEADINGS))
                         for i in range(max(map(len, cells))))

    def styled_row(self, result: FirmResult, region: str) -> Text:
        """A record with hits: highlighted name, verdict and the explanation of every shown hit."""
        why = explanation(result)
        if result.rejected:  # the reason is long: it goes with the hits, the verdict column says so
            why = text(f"rejected: {result.rejected}\n", style="yellow") + why
        values = (text(result.record), text(result.credit_code), highlighted(result.name, result, "name"), text(region),
                  short_verdict(result), why)
        cells = [wrapped(value, self.widths[heading], self.console) for heading, value in zip(HEADINGS, values)]
        rows = Text()
        for i in range(max(map(len, cells))):
            for column, (cell, heading) in enumerate(zip(cells, HEADINGS)):
                rows.append_text(cell[i] if i < len(cell) else Text(" " * self.widths[heading]))
                rows.append(GAP if column < len(HEADINGS) - 1 else "\n")
        return rows

    def rows(self, results: Iterable[FirmResult]) -> None:
        """Print one chunk of results, in order: plain rows written as text (already inert and padded,
        nothing for rich to parse), highlighted rows printed by rich."""
        plain: list[str] = []
        for result in results:
            if self.flagged_only and not result.flagged:
                continue
            shown = result if self.other_regions else without_other_regions(result)
            region = f"{result.region or '-'} {result.region_source}"
            if shown.hits or shown.exempt or shown.rejected:
                self.write(plain)
                row = self.styled_row(shown, region)
                row.append(self.rule, style="dim")
                self.console.print(row, soft_wrap=True, crop=False)
            else:
                plain.append(self.plain_row(shown, region) + "\n")
        self.write(plain)

    def write(self, lines: list[str]) -> None:
        """Write plain rows straight to the console's file, and forget them."""
        if lines:
            self.console.file.write("".join(lines))
            self.console.file.flush()
            lines.clear()
