"""The pages' Jinja2 environment: templates under ``screening/web/templates``, autoescaping always on,
and the Chinese labels of :mod:`screening.handoff.labels` as filters, so every page names things the
way the dossier does. Every value a template prints is escaped unless it is already ``Markup`` built
from escaped pieces (the highlighted text of :mod:`screening.handoff.dossier`)."""

from datetime import date, datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from screening.handoff import labels
from screening.handoff.safe_cells import mask_ids
from screening.rules.regions import place_name

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def shown(value) -> str:
    """A value as a page shows it: dates and times to the second, None as empty, ID numbers masked."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return labels.YES_NO[value]
    return mask_ids(str(value))


def place(code: str | None) -> str:
    """北京市海淀区 (110108); the code alone when the table has no name for it."""
    if not code:
        return ""
    name = place_name(code)
    return f"{name} ({code})" if name else code


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(
        shown=shown, place=place, watch_status=lambda v: labels.label(labels.WATCH_STATUS, v),
        decision=lambda v: labels.label(labels.DECISION, v), use=lambda v: labels.label(labels.USE, v),
        role=lambda v: labels.label(labels.ROLE, v), user_role=lambda v: labels.label(labels.USER_ROLE, v),
        field=lambda v: labels.label(labels.FIELD, v), tier=lambda v: labels.label(labels.TIER, v),
        run_status=lambda v: labels.label(labels.RUN_STATUS, v), why=labels.why_label,
        priority_reason=labels.priority_reason_label, verdict=labels.hit_verdict,
    )
    env.globals.update(session=None, active="", DECISION_HELP=labels.DECISION_HELP, WATCH_STATUS=labels.WATCH_STATUS, USE=labels.USE)
    return env


TEMPLATES = Jinja2Templates(env=environment())
