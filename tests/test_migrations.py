"""The schema's revision is known without Alembic (what ``python -m api serve`` checks on every
start), and agrees with Alembic's own reading of the migrations."""

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from api import migrate
from api.db import create_db_engine


def test_the_head_read_from_the_migration_files_is_alembics_head() -> None:
    assert migrate.head_revision() == ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


def test_the_current_revision_is_alembics_at_every_step(empty_database_url: str) -> None:
    engine: Engine = create_db_engine(empty_database_url)
    try:
        assert migrate.current_revision(engine) is None and not migrate.is_up_to_date(engine)
        for revision in reversed(
            [script.revision for script in ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).walk_revisions()]
        ):
            migrate.upgrade(engine, revision)
            with engine.connect() as connection:
                assert migrate.current_revision(engine) == MigrationContext.configure(connection).get_current_revision() == revision
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()
