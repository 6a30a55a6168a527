"""Throwaway databases built through the same code paths as production:
Alembic migrations, then the seed pipeline. Every database test runs on SQLite and on
PostgreSQL; without a reachable PostgreSQL its half skips, except under CI=true."""

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import OperationalError

from api import migrate
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import Bundle, read_bundle
from api.main import create_app
from api.models import TABLES_IN_LOAD_ORDER
from api.settings import SEED_DIR, Settings

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
pytest_plugins = ["live_browser"]  # server_url, browser and visit: headless Chromium against a live server


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return read_bundle(SEED_DIR)


def _postgres_admin() -> Engine:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as error:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but is not reachable at {POSTGRES_ADMIN_URL}: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN_URL} (set TEST_POSTGRES_URL); its tests are skipped")
    return admin


class DatabaseFactory:
    """Creates fresh, empty databases of one backend and drops them all at the end."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.created: list[str] = []
        self.admin = _postgres_admin() if backend == "postgresql" else None

    def create(self) -> str:
        name = f"cixi_test_{uuid.uuid4().hex[:12]}"
        self.created.append(name)
        if self.admin is None:
            return f"sqlite:///{self.folder / (name + '.sqlite3')}"
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    def drop_all(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp("db"))
    yield factory
    factory.drop_all()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "databases" in metafunc.fixturenames:
        metafunc.parametrize("databases", ["sqlite", "postgresql"], indirect=True, scope="session")


@pytest.fixture(scope="session")
def postgres_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    """Fresh PostgreSQL databases for what only PostgreSQL has (roles, a network between API and database)."""
    factory = DatabaseFactory("postgresql", tmp_path_factory.mktemp("pg"))
    yield factory
    factory.drop_all()


def _fingerprint(engine: Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for model in TABLES_IN_LOAD_ORDER:
            table = model.__table__  # type: ignore[attr-defined]
            for row in connection.execute(select(table).order_by(table.c.id)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def fingerprint() -> Callable[[Engine], str]:
    """The SHA-256 of every row of every table in key order: equal fingerprints, unchanged data."""
    return _fingerprint


@pytest.fixture
def empty_database_url(databases: DatabaseFactory) -> str:
    """A fresh, empty database of its own, for tests that write."""
    return databases.create()


@pytest.fixture(scope="session")
def engine(databases: DatabaseFactory, bundle: Bundle) -> Iterator[Engine]:
    """The migrated and seeded database every read test uses (read-only by convention)."""
    db_engine = create_db_engine(databases.create())
    migrate.upgrade(db_engine)
    load_bundle(db_engine, bundle)
    yield db_engine
    db_engine.dispose()


@pytest.fixture(scope="session")
def client(engine: Engine) -> Iterator[TestClient]:
    """Without the response cache, so that every test sees (and counts the SQL of) the real path;
    tests/test_response_cache.py specifies the cache. Without the rate limiter too: the suite sends
    many requests from one address; tests/test_rate_limit.py specifies the limiter."""
    app = create_app(Settings(database_url=str(engine.url), response_cache_bytes=0, rate_limit_enabled=False), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(engine: Engine) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of seed/ that a test may edit."""
    import shutil

    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


@pytest.fixture(scope="session", autouse=True)
def private_export_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Download files of this test run go to a folder of its own, not the machine-wide one."""
    from api import exports

    folder = tmp_path_factory.mktemp("exports")
    original = exports.export_root
    exports.export_root = lambda: folder  # type: ignore[assignment]
    yield folder
    exports.export_root = original  # type: ignore[assignment]
