"""Loading is one transaction: idempotent, complete, and all-or-nothing."""

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session

from api import migrate
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import Bundle, read_bundle
from api.models import Observation

Fingerprint = Callable[[Engine], str]


@pytest.fixture
def fresh_engine(empty_database_url: str, bundle: Bundle) -> Engine:
    """A database of its own for tests that write (the shared one stays as seeded)."""
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    yield engine  # type: ignore[misc]
    engine.dispose()


def test_first_load_creates_every_row_and_a_second_changes_nothing(fresh_engine: Engine, bundle: Bundle, fingerprint: Fingerprint) -> None:
    first = load_bundle(fresh_engine, bundle)
    assert {name: counts.created for name, counts in first.tables.items()} == bundle.counts()
    before = fingerprint(fresh_engine)
    second = load_bundle(fresh_engine, bundle)
    assert second.changed == 0
    assert fingerprint(fresh_engine) == before


def test_an_edited_seed_updates_and_deletes_exactly_what_changed(fresh_engine: Engine, bundle: Bundle, seed_copy: Path) -> None:
    load_bundle(fresh_engine, bundle)
    path = seed_copy / "facts" / "zz-test.yaml"
    path.write_text(
        "observations:\n  - indicator: gdp\n    period: \"2020\"\n    status: actual\n    measure: level\n"
        "    value: 1328.3\n    unit: 亿元\n    id: test-gdp\n    quote: 市级1328.3亿元\n",
        encoding="utf-8",
    )
    result = load_bundle(fresh_engine, read_bundle(seed_copy))
    assert (result.tables["observations"].created, result.tables["search_documents"].created, result.changed) == (1, 1, 2)
    path.unlink()
    result = load_bundle(fresh_engine, read_bundle(seed_copy))
    assert (result.tables["observations"].deleted, result.tables["search_documents"].deleted, result.changed) == (1, 1, 2)


def test_a_failing_load_leaves_the_database_as_it_was(fresh_engine: Engine, bundle: Bundle, fingerprint: Fingerprint) -> None:
    load_bundle(fresh_engine, bundle)
    before = fingerprint(fresh_engine)
    broken = Bundle(report_id=bundle.report_id, text=bundle.text, tables={k: [dict(r) for r in v] for k, v in bundle.tables.items()})
    broken.tables["observations"][0]["value"] = 1.0
    broken.tables["observations"][-1]["indicator_id"] = "no-such-indicator"
    with pytest.raises(Exception, match="(?i)foreign key"):
        load_bundle(fresh_engine, broken)
    assert fingerprint(fresh_engine) == before


def test_dry_run_counts_changes_but_writes_nothing(fresh_engine: Engine, bundle: Bundle) -> None:
    result = load_bundle(fresh_engine, bundle, dry_run=True)
    assert result.tables["observations"].created == bundle.counts()["observations"]
    with Session(fresh_engine) as session:
        assert session.exec(select(Observation)).first() is None


def test_migrations_run_up_down_and_up_again(fresh_engine: Engine) -> None:
    assert migrate.is_up_to_date(fresh_engine)
    migrate.downgrade(fresh_engine, "base")
    with fresh_engine.connect() as connection:
        tables = connection.execute(text("select 1")).scalar()
    assert tables == 1 and migrate.current_revision(fresh_engine) is None
    migrate.upgrade(fresh_engine)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()


def test_migrations_match_the_models(fresh_engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from api.db import metadata

    with fresh_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": migrate.include_object})
        differences = compare_metadata(context, metadata)
    assert differences == []
