"""The release is stored by the load, with the data, and read back in one statement.

``compute_release`` is the definition of the version; the stored release must always equal it.
Without a stored release (a database loaded by an older version, or migrated since), the API
computes the release and serves it, and ``python -m api serve`` stores it for the embedded database.
"""

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text, update
from sqlmodel import Session

from api import cli, migrate, release
from api.db import create_db_engine, is_sqlite
from api.ingest.load import load_bundle
from api.ingest.read import Bundle, read_bundle
from api.main import create_app
from api.settings import Settings

PREVIOUS_REVISION = "7018819d659c"  # the revision before table `releases`


@pytest.fixture
def fresh_engine(empty_database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _stored(engine: Engine) -> release.Release | None:
    with Session(engine) as session:
        return release.stored_release(session)


def _computed(engine: Engine) -> release.Release:
    with Session(engine) as session:
        return release.compute_release(session)


def _drop_stored_release(engine: Engine) -> None:
    with engine.begin() as connection:
        release.discard_stored_release(connection)


def test_the_load_stores_the_release_that_compute_release_defines(engine: Engine) -> None:
    stored = _stored(engine)
    assert stored is not None
    assert stored == _computed(engine)
    assert stored.version == f"{release.SERIES}+{stored.data_sha256[:12]}"


def test_the_stored_release_is_read_in_one_statement(engine: Engine, count_statements: Any) -> None:
    release.forget(engine)
    with Session(engine) as session:
        current = release.current_release(session)
    assert count_statements.count == 1
    assert current == _computed(engine)


def test_an_edited_seed_stores_the_release_of_the_edited_data(fresh_engine: Engine, bundle: Bundle, seed_copy: Path) -> None:
    load_bundle(fresh_engine, bundle)
    before = _stored(fresh_engine)
    path = seed_copy / "facts" / "zz-test.yaml"
    path.write_text(
        'observations:\n  - indicator: gdp\n    period: "2020"\n    status: actual\n    measure: level\n'
        "    value: 1328.3\n    unit: 亿元\n    id: test-gdp\n    quote: 市级1328.3亿元\n",
        encoding="utf-8",
    )
    load_bundle(fresh_engine, read_bundle(seed_copy))
    after = _stored(fresh_engine)
    assert before is not None and after is not None
    assert after.version != before.version
    assert after.counts["observations"] == before.counts["observations"] + 1
    assert after == _computed(fresh_engine)


def test_a_failing_load_keeps_the_release_of_the_data_it_leaves(fresh_engine: Engine, bundle: Bundle) -> None:
    load_bundle(fresh_engine, bundle)
    before = _stored(fresh_engine)
    broken = Bundle(report_id=bundle.report_id, text=bundle.text, tables={k: [dict(r) for r in v] for k, v in bundle.tables.items()})
    broken.tables["observations"][0]["value"] = 1.0
    broken.tables["observations"][-1]["indicator_id"] = "no-such-indicator"
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        load_bundle(fresh_engine, broken)
    assert _stored(fresh_engine) == before == _computed(fresh_engine)


def test_a_dry_run_stores_no_release(fresh_engine: Engine, bundle: Bundle) -> None:
    load_bundle(fresh_engine, bundle, dry_run=True)
    assert _stored(fresh_engine) is None


def test_without_a_stored_release_the_api_computes_it_serves_it_and_warns(
    fresh_engine: Engine, bundle: Bundle, caplog: pytest.LogCaptureFixture
) -> None:
    load_bundle(fresh_engine, bundle)
    expected = _stored(fresh_engine)
    _drop_stored_release(fresh_engine)
    app = create_app(Settings(database_url=str(fresh_engine.url), rate_limit_enabled=False, response_cache_bytes=0), engine=fresh_engine)
    with caplog.at_level(logging.WARNING, logger="api.release"), TestClient(app) as client:
        meta = client.get("/v1/meta")
    assert meta.status_code == 200
    assert expected is not None and meta.json()["version"] == expected.version
    assert "no release stored" in caplog.text


def test_a_release_stored_at_another_schema_revision_is_not_used(fresh_engine: Engine, bundle: Bundle) -> None:
    """A migration after the load may change the rows the digest covers."""
    load_bundle(fresh_engine, bundle)
    with fresh_engine.begin() as connection:
        connection.execute(update(release.STORED).values(schema_revision=PREVIOUS_REVISION))
    assert _stored(fresh_engine) is None
    release.forget(fresh_engine)
    with Session(fresh_engine) as session:
        assert release.current_release(session) == _computed(fresh_engine)


def test_a_database_loaded_before_the_table_existed_gets_its_release_at_the_next_seed(fresh_engine: Engine, bundle: Bundle) -> None:
    load_bundle(fresh_engine, bundle)
    expected = _stored(fresh_engine)
    migrate.downgrade(fresh_engine, PREVIOUS_REVISION)
    with fresh_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM observations")).scalar() == len(bundle.tables["observations"])
    assert _computed(fresh_engine) == expected  # the definition does not depend on the table

    migrate.upgrade(fresh_engine)
    assert _stored(fresh_engine) is None
    assert load_bundle(fresh_engine, bundle).changed == 0
    assert _stored(fresh_engine) == expected


def test_serve_stores_the_missing_release_of_the_embedded_database(fresh_engine: Engine, bundle: Bundle) -> None:
    if not is_sqlite(str(fresh_engine.url)):
        pytest.skip("python -m api serve prepares only the embedded (SQLite) database")
    load_bundle(fresh_engine, bundle)
    expected = _stored(fresh_engine)
    _drop_stored_release(fresh_engine)
    cli.prepare_embedded_database(fresh_engine)
    assert _stored(fresh_engine) == expected


def test_db_upgrade_stores_the_release_of_data_loaded_before_the_table_existed(fresh_engine: Engine, bundle: Bundle) -> None:
    load_bundle(fresh_engine, bundle)
    expected = _stored(fresh_engine)
    migrate.downgrade(fresh_engine, PREVIOUS_REVISION)
    url = fresh_engine.url.render_as_string(hide_password=False)
    upgrade = subprocess.run(
        [sys.executable, "-m", "api", "db", "upgrade"],
        env={**os.environ, "DATABASE_URL": url, "SEED_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert expected is not None and f"release {expected.version} stored" in upgrade.stdout
    assert _stored(fresh_engine) == expected


def test_table_rows_come_in_the_order_python_gives_their_keys_text(engine: Engine) -> None:
    """Whatever the database's collation: the version must not depend on it."""
    with Session(engine) as session:
        for name, count, rows in release.table_rows(session):
            keys = [str(row["id"]) for row in rows]
            assert len(keys) == count
            assert keys == sorted(keys), name
