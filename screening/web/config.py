"""What the workspace needs, taken from the settings once (by ``regscreen serve``) and passed to the app."""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from screening.settings import Settings
from screening.web.accounts import accounts_path


@dataclass(frozen=True, slots=True)
class WebConfig:
    """The store the pages read (its published snapshot) and decisions write, the accounts file beside
    it, and the session and paging limits."""

    db: Path
    accounts: Path
    session_lifetime: timedelta = timedelta(hours=12)
    idle_timeout: timedelta = timedelta(hours=1)
    lock_wait_seconds: float = 10.0
    page_size: int = 50
    interest_min_confirmed: int = 2  # REGSCREEN_INTEREST_MIN_CONFIRMED: passed to decisions (重点抽查)
    extra: dict = field(default_factory=dict)  # for routers added beside the pages (e.g. the applications API)


def web_config(settings: Settings, db: Path | None = None) -> WebConfig:
    """The workspace's configuration: ``db`` (``--db``) or the settings' store, and the REGSCREEN_WEB_* limits."""
    store = (db or settings.db_path).absolute()
    return WebConfig(db=store, accounts=accounts_path(store),
                     session_lifetime=timedelta(hours=settings.web_session_hours),
                     idle_timeout=timedelta(minutes=settings.web_idle_minutes),
                     lock_wait_seconds=settings.web_lock_wait_seconds, page_size=settings.web_page_size,
                     interest_min_confirmed=settings.interest_min_confirmed)
