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
    duckdb_memory_limit: str = Field(
        "512MB",
        description="DuckDB's memory_limit for the store's heavy work (staging an extract, the delta, a run's "
                    "commit): beyond it DuckDB spills to REGSCREEN_DUCKDB_TEMP_DIR instead of growing. "
                    "A DuckDB size such as 512MB or 2GB.",
    )
    duckdb_temp_dir: Path | None = Field(
        None,
        description="Where DuckDB spills what does not fit in its memory limit (default: the run's parts "
                    "folder). Needs free space of the order of the extract.",
    )
    parts_dir: Path | None = Field(
        None,
        description="The parts folder: each run's staged extract, the Parquet parts that workers screen and "
                    "their results, until the run commits (default: <store>.parts beside the store). On a "
                    "cluster every worker must reach it at the same path (a shared file system).",
    )
    missing_limit: float = Field(
        0.2, ge=0, le=1,
        description="`scan --full` refuses an extract that would mark more than this share of the stored firms "
                    "missing (a partial extract sent as full), unless --allow-mass-missing is given.",
    )
    push_endpoint: str | None = Field(
        None,
        description="URL the outbox is pushed to (`regscreen push`, JSON batches with idempotency keys); "
                    "`--endpoint` overrides it. Unset: push refuses to run.",
    )

    @property
    def registry_dir(self) -> Path:
        """The real registry extracts under the shared folder."""
        return self.shared_dir / "data" / "registry"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (environment read once)."""
    return Settings()
