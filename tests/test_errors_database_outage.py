"""A database the API cannot reach is one error, mapped in one place (``api.db.outages_as_unavailable``)
and answered alike by both transports: REST a 503 problem, GraphQL a 503 whose errors say
SERVICE_UNAVAILABLE, both with Retry-After, and one warning line in the log instead of a traceback.
Here the database is missing (SQLite) or refuses connections (PostgreSQL); tests/test_faults.py
cuts and hangs a live PostgreSQL."""

import asyncio
import json
import logging
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.db import outages_as_unavailable, retry_after_s
from api.errors import ServiceUnavailable
from api.graphql.loaders import build_loaders
from api.main import create_app
from api.settings import Settings

OPENAPI = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
OBSERVATION = '{ observation(id: "gdp-2020-citywide") { value } }'
UNAVAILABLE = "the database is not reachable right now; try again shortly"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """The API over a database it cannot open: a missing SQLite file, a PostgreSQL port nobody listens on."""
    missing = {"sqlite": f"sqlite:///{tmp_path / 'missing' / 'cixi.sqlite3'}", "postgresql": f"postgresql://postgres@127.0.0.1:{_closed_port()}/cixi"}
    app = create_app(Settings(database_url=missing[request.param], rate_limit_enabled=False, response_cache_bytes=0))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def _the_one_warning(caplog: pytest.LogCaptureFixture) -> str:
    """The message of the only record at WARNING or above, which must be a warning without a traceback."""
    logged = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(record.levelname, record.exc_info) for record in logged] == [("WARNING", None)], [record.getMessage() for record in logged]
    return logged[0].getMessage()


@pytest.mark.parametrize("path", ["/v1/observations/gdp-2020-citywide", "/v1/indicators", "/health/ready"])
def test_rest_during_a_database_outage_is_a_503_problem_with_retry_after(unreachable: TestClient, path: str) -> None:
    response = unreachable.get(path)
    assert (response.status_code, response.headers["content-type"]) == (503, "application/problem+json")
    assert response.headers["Retry-After"] == "3"
    assert response.json() == {"type": "about:blank", "title": "Service unavailable", "status": 503, "detail": UNAVAILABLE}


def test_rest_logs_one_warning_per_outage_request_and_no_traceback(unreachable: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        unreachable.get("/v1/observations/gdp-2020-citywide")
    assert _the_one_warning(caplog).startswith(f"GET /v1/observations/gdp-2020-citywide: {UNAVAILABLE} (")


def test_graphql_during_a_database_outage_is_503_with_retry_after(unreachable: TestClient) -> None:
    response = unreachable.post("/graphql", json={"query": OBSERVATION})
    assert (response.status_code, response.headers["Retry-After"]) == (503, "3")
    error = {"message": UNAVAILABLE, "locations": [{"line": 1, "column": 3}], "path": ["observation"]}
    error["extensions"] = {"code": "SERVICE_UNAVAILABLE"}
    assert response.json() == {"data": {"observation": None}, "errors": [error]}


def test_graphql_logs_one_warning_per_request_however_many_fields_failed(unreachable: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    document = '{ a: observation(id: "gdp-2020-citywide") { value } indicators { totalCount } projects { nodes { id } } }'
    with caplog.at_level(logging.DEBUG):
        body = unreachable.post("/graphql", json={"query": document}).json()
    assert body["data"] is None and len(body["errors"]) >= 2
    assert _the_one_warning(caplog).startswith(f"GraphQL: {UNAVAILABLE} (")


def test_graphql_keeps_200_when_the_answer_has_data_besides_the_outage(unreachable: TestClient) -> None:
    response = unreachable.post("/graphql", json={"query": "{ __typename " + OBSERVATION[2:]})
    assert response.status_code == 200 and "Retry-After" not in response.headers
    assert response.json()["data"] == {"__typename": "Query", "observation": None}
    assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}


def test_graphql_that_needs_no_database_is_answered_during_an_outage(unreachable: TestClient) -> None:
    response = unreachable.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    assert (response.status_code, response.json()) == (200, {"data": {"__schema": {"queryType": {"name": "Query"}}}})


def test_a_nested_graphql_read_reports_the_outage_too(unreachable: TestClient) -> None:
    """Nested fields read through the request's DataLoaders, which reach the database through run_database_work like the root fields."""

    async def load_a_section() -> object:
        return await build_loaders(unreachable.app.state.engine).sections.load("part-1")  # type: ignore[attr-defined]

    with ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(ServiceUnavailable):  # a loop of its own, whatever runs here
        pool.submit(asyncio.run, load_a_section()).result()


@pytest.mark.parametrize(
    "error",
    [
        PoolTimeout("QueuePool limit of size 10 overflow 10 reached"),
        DBAPIError("select 1", {}, ConnectionResetError("connection reset by peer"), connection_invalidated=True),
    ],
    ids=["no free pooled connection", "connection lost mid-statement"],
)
def test_every_kind_of_outage_is_service_unavailable_with_its_cause(error: Exception) -> None:
    with pytest.raises(ServiceUnavailable) as raised, outages_as_unavailable():
        raise error
    assert raised.value.status == 503
    assert raised.value.__cause__ is error
    assert raised.value.extra["cause"] in str(error)


def test_a_database_error_that_is_not_an_outage_passes_through() -> None:
    error = ProgrammingError("select nothing", {}, Exception('relation "nothing" does not exist'))
    with pytest.raises(ProgrammingError), outages_as_unavailable():
        raise error


@pytest.mark.parametrize(("statement_timeout_ms", "seconds"), [(2000, 3), (0, 2), (10_000, 11), (500, 2)])
def test_retry_after_is_the_longest_wait_on_the_database_rounded_up(statement_timeout_ms: int, seconds: int) -> None:
    """No reply: the statement timeout + 0.5 s; connecting: 2 s."""
    assert retry_after_s(statement_timeout_ms) == seconds


def test_every_503_the_contract_declares_carries_a_required_retry_after() -> None:
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    operations = [(path, operation) for path, item in document["paths"].items() for operation in item.values()]
    unavailable = [(path, operation["responses"]["503"]) for path, operation in operations if "503" in operation["responses"]]
    assert any(path == "/health/ready" for path, _ in unavailable) and len(unavailable) > 20
    assert all(response["headers"]["Retry-After"]["required"] for _, response in unavailable)


def test_a_web_page_during_a_database_outage_is_a_503_page_with_retry_after(unreachable: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        response = unreachable.get("/indicators")
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (503, "text/html")
    assert response.headers["Retry-After"] == "3"
    assert _the_one_warning(caplog).startswith(f"GET /indicators: {UNAVAILABLE} (")


def test_a_graphql_get_with_partial_data_and_an_outage_is_not_cacheable(unreachable: TestClient) -> None:
    """A 200 that carries an outage error must not be kept by browsers or proxies for max-age."""
    query = '{ observation(id: "gdp-2020-citywide") { value } __typename }'
    response = unreachable.get("/graphql", params={"query": query})
    assert response.status_code == 200 and response.json()["errors"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_a_graphql_get_without_errors_stays_cacheable(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200 and "errors" not in response.json()
    assert response.headers["Cache-Control"].startswith("public, max-age=")
