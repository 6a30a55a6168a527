"""Schema changes go through Alembic only; the app never calls ``create_all``.

Alembic is imported only to migrate: ``is_up_to_date`` (what ``python -m api serve`` asks on
every start) reads the revision ids from the migration files' headers and the database's
``alembic_version`` row, which costs milliseconds where importing Alembic costs a tenth of a second.
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version"
# `revision: str = 'abc…'` and `down_revision: str | None = 'abc…'` (or a tuple, or None) in a migration's header
REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.M)
QUOTED_ID = re.compile(r"""['"]([0-9A-Za-z_]+)['"]""")


ENGINE_MANAGED_TABLES = ("search_fts",)
ENGINE_MANAGED_INDEXES = ("ix_search_documents_tokens_tsv",)
ENGINE_MANAGED_INDEX_SUFFIXES = ("_trgm", "_default_order")


def include_object(obj: object, name: str | None, kind: str, reflected: bool, _compare_to: object) -> bool:
    """Leave out of autogenerate what the migrations make by hand for one engine: the FTS5
    table and its shadow tables on SQLite, the stored tsvector and the GIN indexes (search tokens,
    trigrams) and the default-order expression indexes on PostgreSQL."""
    if kind == "table" and name is not None and name.startswith(ENGINE_MANAGED_TABLES):
        return False
    if kind == "column" and name == "tokens_tsv":
        return False
    return not (kind == "index" and name is not None and (name in ENGINE_MANAGED_INDEXES or name.endswith(ENGINE_MANAGED_INDEX_SUFFIXES)))


def alembic_config(url: str) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(slug)s")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def head_revision() -> str | None:
    """The newest revision: the one no migration names as its ``down_revision``."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else parents).update(QUOTED_ID.findall(value))
    heads = revisions - parents
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have more than one head: {sorted(heads)}")
    return next(iter(heads), None)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()  # noqa: S608 - a constant
    if len(versions) > 1:
        raise RuntimeError(f"the database is at more than one revision: {sorted(versions)}")
    return versions[0] if versions else None


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
