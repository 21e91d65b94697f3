"""Commands of the hand-off: files per regulator, the push, one firm's dossier and its related firms."""

from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
import signal
import sys
import threading

import click

from screening.cli import options
from screening.cli.options import RegulatorChoice, db_option
from screening.cli.terminal import echo


class FormatChoice(click.ParamType):
    """A hand-off format of the registry (:mod:`screening.handoff.formats`), loaded when the command runs."""

    name = "format"

    def get_metavar(self, param, ctx=None) -> str:
        from screening.handoff.formats import FORMATS

        return "[" + "|".join(FORMATS) + "]"

    def convert(self, value, param, ctx) -> str:
        from screening.handoff.formats import FORMATS

        if value not in FORMATS:
            self.fail(f"unknown format {value!r}; one of {', '.join(FORMATS)}", param, ctx)
        return value


@contextmanager
def stopped_by_sigterm():
    """A SIGTERM ends the command as an exception would, so its clean-up runs (an export leaves no
    partial file); the previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    received = []

    def stop(signum, frame):
        received.append(signum)
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except RuntimeError:  # the signal came while DuckDB ran a query: it reports "Query interrupted" instead
        if received:
            raise SystemExit(128 + received[0]) from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command()
@click.option("--endpoint", default=None, help="URL to push to (default: REGSCREEN_PUSH_ENDPOINT).")
@db_option
@click.option("--batch", type=click.IntRange(min=1), default=100, show_default=True, help="Entries per request.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for each answer.")
@click.option("--now", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]), default=None,
              help="The clock (default: now): entries whose next attempt is later are skipped.")
def push(endpoint: str | None, db: Path | None, batch: int, timeout: float, now) -> None:
    """Push the outbox (new, changed, cleared, exempt, missing watch-list entries) to the regulators' endpoint.

    Failed batches stay pending and are retried by a later push after a backoff; exit 1 when one failed."""
    from screening.handoff.push import push as run_push

    endpoint = endpoint or options.settings().push_endpoint
    if not endpoint:
        options.fail("no push endpoint configured: give --endpoint URL or set REGSCREEN_PUSH_ENDPOINT")
    report = run_push(options.store_to_write(db), endpoint, batch, (lambda: now) if now else datetime.now, timeout,
                      regulators=options.regulators())
    echo(f"pushed to {endpoint}: {report.delivered} delivered in {report.batches} batch(es), "
               f"{report.failed} failed, {report.pending} pending")
    if report.errors:
        echo(f"regscreen: push failed, will retry: {report.errors[0]}", err=True)
        sys.exit(1)


@click.command()
@click.option("--to", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the hand-off files (created when missing).")
@click.option("--regulator", "regulators", multiple=True, type=RegulatorChoice(),
              help="Only this regulator of keywords/regulators.toml, by name, other name or slug (repeatable; default: all).")
@click.option("--format", "formats", multiple=True, type=FormatChoice(),
              help="Only this format (repeatable; default: all).")
@click.option("--since-last/--all", "since_last", default=True, show_default=True,
              help="Only rows new or changed since each regulator's last hand-off, or everything on the list.")
@db_option
def export(out_dir: Path, regulators: tuple[str, ...], formats: tuple[str, ...], since_last: bool, db: Path | None) -> None:
    """Write each regulator's hand-off: the workbook, CSV files per part (GB18030 and UTF-8 with BOM) and a manifest.

    Parts: the watch list, mention-only firms (mention), licensed firms (exempt), firms that left the list
    (removed), the extended tier (attention). All or nothing: no partial file is left."""
    from screening.handoff.export import export as hand_off
    from screening.handoff.messages import handoff_line, nothing_line

    with stopped_by_sigterm():
        records = hand_off(options.store_to_write(db), options.output_folder(out_dir), options.regulators(),
                           list(regulators) or None, since_last, list(formats) or None)
    if not records:
        echo(nothing_line(since_last, list(regulators)))
    for record in records:
        echo(handoff_line(record))


@click.command()
@click.argument("credit_code")
@click.option("--html", "as_html", is_flag=True, help="A self-contained HTML page on stdout instead of text.")
@db_option
def dossier(credit_code: str, as_html: bool, db: Path | None) -> None:
    """One firm's file (一户一档): every registration version, hits, watch-list history, decisions, related firms."""
    from screening.handoff.dossier import load
    from screening.handoff.dossier_render import render_html, render_text

    found = load(options.store_to_read(db), credit_code)
    echo(render_html(found) if as_html else render_text(found), nl=False)


@click.command()
@click.argument("credit_code")
@db_option
def related(credit_code: str, db: Path | None) -> None:
    """Firms sharing a legal representative or shareholder with CREDIT_CODE, with their watch-list status (延伸监管)."""
    from screening.extract.personal_ids import mask_ids
    from screening.handoff.related import related_report

    code = credit_code.strip().upper()
    decision, rows, none_because = related_report(options.store_to_read(db), code)
    echo(f"{code}: latest decision {decision or 'none'}; {len(rows)} related firm link(s)")
    if none_because:
        echo(f"  无关联企业：{none_because}")
    for row in rows:
        echo(mask_ids(f"  {row['person']} ({row['role_here']} here, {row['role_there']} there): "
                            f"{row['credit_code']} {row['name'] or ''} — {row['watch_status']}"
                            + (f", decision {row['decision']}" if row["decision"] else "")))


COMMANDS = (push, export, dossier, related)
