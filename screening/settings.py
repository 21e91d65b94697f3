"""Settings: one place, read from ``REGSCREEN_*`` environment variables, repo-relative defaults."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the product finds its data. Override any field with ``REGSCREEN_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="REGSCREEN_")

    keywords_dir: Path = Field(
        REPO_ROOT / "keywords",
        description="Folder of term-list TOML files (one file per list) and false_friends.toml.",
    )
    registers_dir: Path = Field(
        REPO_ROOT / "data" / "registers",
        description="The project's copies of the public registers of licensed institutions.",
    )
    shared_dir: Path = Field(
        REPO_ROOT.parent / "shared",
        description="The shared folder with the real registry data (read in place, never copied).",
    )
    db_path: Path = Field(
        REPO_ROOT / "data" / "registry.duckdb",
        description="The embedded DuckDB file that holds the store.",
    )
    extended_tier: bool = Field(
        True,
        description="Screen names against the extended risk tier (关注, keywords/extended.toml) as well as the plans' "
                    "lists: it adds hits of tier 关注 and the verdict `attention`, never `flagged`. "
                    "REGSCREEN_EXTENDED_TIER=false switches it off (no extended hits at all).",
    )
    chunk_rows: int = Field(
        50_000, gt=0,
        description="Rows per chunk when streaming an extract; bounds peak memory.",
    )
    push_endpoint: str | None = Field(
        None,
        description="URL the outbox is pushed to (`regscreen push`, JSON batches with idempotency keys); "
                    "`--endpoint` overrides it. Unset: push refuses to run.",
    )

    intake_max_body_bytes: int = Field(
        65_536, gt=0,
        description="Largest body POST /api/applications/check accepts (bytes); a larger one gets 413 unread.",
    )
    intake_flush_seconds: float = Field(
        300.0, ge=0,
        description="How long a check may wait in the counter's journal (registry.intake.sqlite) before it is "
                    "flushed into the store's table application_checks (when no run holds the store); 0: at once.",
    )

    @property
    def registry_dir(self) -> Path:
        """The real registry extracts under the shared folder."""
        return self.shared_dir / "data" / "registry"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (environment read once)."""
    return Settings()
