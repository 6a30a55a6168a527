"""Schema changes go through Alembic only; the app never calls ``create_all``."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


ENGINE_MANAGED_TABLES = ("search_fts",)


def include_object(obj: object, name: str | None, kind: str, reflected: bool, _compare_to: object) -> bool:
    """Leave out of autogenerate what the migrations make by hand for one engine: the FTS5
    table and its shadow tables on SQLite, the stored tsvector and the GIN indexes (search tokens,
    trigrams) on PostgreSQL."""
    if kind == "table" and name is not None and name.startswith(ENGINE_MANAGED_TABLES):
        return False
    if kind == "column" and name == "tokens_tsv":
        return False
    return not (kind == "index" and name is not None and (name == "ix_search_documents_tokens_tsv" or name.endswith("_trgm")))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(slug)s")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
