"""Runtime settings, read from the environment (and nowhere else)."""

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


def default_database_url() -> str:
    """An SQLite file in the per-user data folder (``~/.local/share/cixi-report-api`` on Linux)."""
    folder = Path(user_data_dir("cixi-report-api", appauthor=False))
    return f"sqlite:///{folder / 'cixi-report.sqlite3'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL the API serves from, opened read-only (SQLite mode=ro; on PostgreSQL, a SELECT-only role).",
    )
    seed_database_url: str | None = Field(default=None, description="URL that migrates and seeds (may write); default: DATABASE_URL.")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    seed_dir: Path = SEED_DIR
    statement_timeout_ms: int = Field(default=2000, description="PostgreSQL cuts a statement after this; no reply by +0.5 s: closed.")
    worker_threads: int = Field(
        default=8,
        ge=1,
        description=(
            "Threads per process that run PostgreSQL work (and connections pooled for them; SQLite's work runs on the "
            "event loop). Few on purpose: the work holds the GIL, and each thread more takes turns from the event loop."
        ),
    )
    max_page_size: int = 500
    default_page_size: int = 50
    cache_max_age: int = Field(default=300, description="Cache-Control max-age of GET responses, in seconds.")
    max_body_bytes: int = Field(default=65536, description="Largest request body read; a bigger one is a 413 problem.")
    response_cache_bytes: int = Field(
        default=16 * 1024 * 1024,
        description="Memory per process for responses replayed until the release changes (api.response_cache); 0 turns it off.",
    )
    record_json_bytes: int = Field(
        default=16 * 1024 * 1024,
        description="Memory per process for each record's JSON, kept until the release changes (api.record_json); 0 turns it off.",
    )
    rate_limit: str = Field(default="1200/minute", description="Requests per client address and window ('1200/minute'); '0': no limit.")
    rate_limit_enabled: bool = True
    redis_url: str | None = Field(default=None, description="Redis that worker processes share their rate-limit counters through.")
    rate_limit_key_prefix: str = "cixi-report-api"

    @property
    def writer_database_url(self) -> str:
        """The URL that migrations and seeding connect with."""
        return self.seed_database_url or self.database_url

    @property
    def rate_limiting(self) -> bool:
        return self.rate_limit_enabled and self.rate_limit.strip() != "0"


@lru_cache
def get_settings() -> Settings:
    return Settings()
