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
    xlsx_max_rows: int = Field(1_048_576, gt=0, description="Rows a spreadsheet extract's first sheet may use (Excel's own limit).")
    xlsx_max_columns: int = Field(256, gt=0, description="Columns a spreadsheet extract's first sheet may use.")
    xlsx_max_cells: int = Field(
        20_000_000, gt=0,
        description="Cells of the first sheet's used range (rows × columns), which the xlsx reader holds in memory; "
                    "a larger extract is refused: export it as CSV.",
    )
    xlsx_max_bytes: int = Field(512 * 1024 * 1024, gt=0,
                                description="Uncompressed bytes of all members of an .xlsx (a zip), or of an .xls file.")
    xlsx_max_ratio: float = Field(100.0, gt=1,
                                  description="Compression ratio a member over 1 MiB may have (a zip bomb has thousands).")
    xlsx_max_cell_chars: int = Field(32_767, gt=0, description="Characters of the longest cell (Excel's own limit).")
    sql_rows: int = Field(
        1000, ge=0,
        description="Rows `regscreen sql` prints by default; `--limit N` or `--all` overrides it.",
    )
    sql_memory_limit: str = Field(
        "2GB",
        description="DuckDB memory limit of an analyst's query (`regscreen sql`, read-only); a query that needs "
                    "more is stopped with a message naming this limit.",
    )
    sql_threads: int = Field(2, gt=0, description="DuckDB threads of an analyst's query.")
    sql_timeout: float = Field(
        120.0, gt=0,
        description="Seconds an analyst's query may run (`regscreen sql`) before it is interrupted, with a message "
                    "naming this limit.",
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

    web_session_hours: float = Field(
        12, gt=0,
        description="The analysts' workspace (`regscreen serve`): a login lasts at most this many hours.",
    )
    web_idle_minutes: float = Field(
        60, gt=0,
        description="The workspace logs a session out after this many minutes without a request.",
    )
    web_lock_wait_seconds: float = Field(
        10, ge=0,
        description="How long a decision in the workspace waits for a nightly run to release the store "
                    "before it answers 运行中，请稍后重试 (nothing is written then).",
    )
    web_page_size: int = Field(
        50, gt=0, le=500,
        description="Firms per page of the workspace's review queue (待审队列).",
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

    interest_min_confirmed: int = Field(
        2, gt=0,
        description="延伸监管 (沪府办〔2016〕46号 附件8 四(二)4): a shareholder of at least this many confirmed firms "
                    "becomes a person of interest, and the later firms they invest in are spot-checked (重点抽查).",
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
