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

    database_url: str = Field(default_factory=default_database_url, description="SQLAlchemy URL; SQLite or PostgreSQL")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    seed_dir: Path = SEED_DIR
    statement_timeout_ms: int = 3000
    max_page_size: int = 500
    default_page_size: int = 50
    cache_max_age: int = Field(default=300, description="Cache-Control max-age of GET responses, in seconds.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
