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
    dask_min_rows: int = Field(
        200_000, gt=0,
        description="Rows waiting in the drop folder from which the nightly flow screens on a local Dask cluster "
                    "(or the one given by --dask); below it, on threads in one process, which start at once. "
                    "`regscreen nightly --runner threads|dask` overrides it.",
    )
    drop_settle_seconds: float = Field(
        30.0, ge=0,
        description="An extract in the drop folder is taken only when its size and times have not changed for this "
                    "long (a file still being copied changes); a NAME.done marker beside it makes it ready at once.",
    )
    drop_require_marker: bool = Field(
        False,
        description="Take an extract from the drop folder only when its NAME.done marker is there (for senders that "
                    "always write one); the settle time is then not used.",
    )
    handoff_dir: Path | None = Field(
        None,
        description="Where the nightly flow writes the hand-off files per regulator; default: `handoff` beside the "
                    "store file (data/handoff for data/registry.duckdb).",
    )
    push_endpoint: str | None = Field(
        None,
        description="URL the outbox is pushed to (`regscreen push`, JSON batches with idempotency keys); "
                    "`--endpoint` overrides it. Unset: push refuses to run.",
    )

    def handoff_folder(self, db: Path) -> Path:
        """The hand-off folder of the store ``db``: REGSCREEN_HANDOFF_DIR, else ``handoff`` beside the store."""
        return self.handoff_dir or Path(db).parent / "handoff"

    @property
    def registry_dir(self) -> Path:
        """The real registry extracts under the shared folder."""
        return self.shared_dir / "data" / "registry"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (environment read once)."""
    return Settings()
