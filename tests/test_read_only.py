"""The API serves from a connection that cannot write: SQLite opened read-only (mode=ro); on
PostgreSQL, read-only transactions as a role that may only SELECT, while migrations and seeding
connect as a role of their own."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from api import migrate
from api.cli import app as cli
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import Bundle
from api.main import create_app
from api.settings import Settings

NO_OP_INSERT = "insert into indicators select * from indicators where false"  # needs write access, changes nothing
READ_ONLY_REFUSAL = {"sqlite": "attempt to write a readonly database", "postgresql": "cannot execute INSERT in a read-only transaction"}


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _insert(connection: Connection) -> None:
    with connection.begin():
        connection.execute(text(NO_OP_INSERT))


def test_the_api_reads_through_a_connection_that_refuses_to_write(engine: Engine, databases: object) -> None:
    app = create_app(Settings(database_url=_url(engine), rate_limit_enabled=False))
    with TestClient(app) as client:
        assert client.get("/v1/observations/gdp-2020-citywide").json()["value"] == 2008.3
    with pytest.raises(DBAPIError, match=READ_ONLY_REFUSAL[databases.backend]), app.state.engine.connect() as connection:  # type: ignore[attr-defined]
        _insert(connection)
    app.state.engine.dispose()


def test_the_migrating_and_seeding_connection_may_write(engine: Engine) -> None:
    writer = create_db_engine(_url(engine))
    with writer.connect() as connection:
        _insert(connection)
    writer.dispose()


@dataclass
class Roles:
    admin_url: str
    reader: str
    writer: str

    def url(self, role: str) -> str:
        return make_url(self.admin_url).set(username=role).render_as_string(hide_password=False)


@pytest.fixture
def roles(postgres_databases: object) -> Iterator[Roles]:
    """A fresh PostgreSQL database and two role names of this test's own, all dropped afterwards."""
    factory = postgres_databases
    suffix = uuid.uuid4().hex[:8]
    created = Roles(factory.create(), f"cixi_reader_{suffix}", f"cixi_writer_{suffix}")  # type: ignore[attr-defined]
    yield created
    with factory.admin.connect() as connection:  # type: ignore[attr-defined]
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(created.admin_url).database}" WITH (FORCE)'))
        connection.execute(text(f"DROP ROLE IF EXISTS {created.reader}, {created.writer}"))


def _create_roles(roles: Roles) -> None:
    arguments = ["db", "create-roles", "--reader", roles.reader, "--writer", roles.writer, "--admin-url", roles.admin_url]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {roles.reader};" in result.output


def _seed_as(url: str, bundle: Bundle) -> None:
    writer = create_db_engine(url)
    migrate.upgrade(writer)
    load_bundle(writer, bundle)
    writer.dispose()


def _assert_serves_but_cannot_write(roles: Roles) -> None:
    app = create_app(Settings(database_url=roles.url(roles.reader), rate_limit_enabled=False))
    with TestClient(app) as client:
        assert client.get("/health/ready").status_code == 200
        assert client.get("/v1/observations/gdp-2020-citywide").json()["value"] == 2008.3
    serving: Engine = app.state.engine
    with serving.connect() as connection:
        with pytest.raises(DBAPIError, match=READ_ONLY_REFUSAL["postgresql"]):
            _insert(connection)
        connection.exec_driver_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")  # a client may: the role still refuses
        connection.commit()
        with pytest.raises(DBAPIError, match="permission denied for table indicators"):
            _insert(connection)
        with pytest.raises(DBAPIError, match="permission denied for schema public"), connection.begin():
            connection.exec_driver_sql("create table intruder (a int)")
    serving.dispose()


def test_postgres_seeds_as_the_writer_and_serves_as_a_reader_that_may_only_select(roles: Roles, bundle: Bundle) -> None:
    _create_roles(roles)
    _seed_as(roles.url(roles.writer), bundle)
    _assert_serves_but_cannot_write(roles)


def test_create_roles_is_idempotent_and_hands_existing_tables_to_the_writer(roles: Roles, bundle: Bundle) -> None:
    _seed_as(roles.admin_url, bundle)  # a deployment from before the roles: the admin owns the tables
    _create_roles(roles)
    _create_roles(roles)
    _seed_as(roles.url(roles.writer), bundle)
    _assert_serves_but_cannot_write(roles)
