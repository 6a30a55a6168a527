"""What every answer carries, and what no answer gives away.

Security headers on every response (data, problems, 304s, files, pages); CORS for reads without
credentials; no server or framework banner, checked on a live ``python -m api serve``; REST answers
GET, HEAD and OPTIONS only, anything else is a 405 with Allow; every REST error is an RFC 9457
problem, and no error body holds a traceback, SQL or the name of a database driver."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from api import queries
from api.security import DATA_POLICY

DATA = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
LEAKS = ("Traceback", "sqlalchemy", "psycopg", "sqlite3", "SELECT ", 'File "')

# One request of each kind of answer: (method, path, extra request arguments, status).
ANSWERS: dict[str, tuple[str, str, dict[str, Any], int]] = {
    "a record": ("GET", "/v1/observations/gdp-2020-citywide", {}, 200),
    "a list as CSV": ("GET", "/v1/projects", {"params": {"format": "csv"}}, 200),
    "a GraphQL result": ("POST", "/graphql", {"json": {"query": "{ __typename }"}}, 200),
    "a download": ("GET", "/v1/downloads/observations.csv", {}, 200),
    "a static file": ("GET", "/static/graphiql/graphiql.min.css", {}, 200),
    "HEAD": ("HEAD", "/v1/indicators/gdp", {}, 200),
    "OPTIONS": ("OPTIONS", "/v1/indicators", {}, 204),
    "a 400": ("GET", "/v1/observations", {"params": {"limit": "0"}}, 400),
    "a 404": ("GET", "/v1/observations/no-such-observation", {}, 404),
    "an unknown path": ("GET", "/v2/anything", {}, 404),
    "a 405": ("DELETE", "/v1/indicators/gdp", {}, 405),
    "a 406": ("GET", "/v1/projects", {"params": {"format": "xml"}}, 406),
    "a 413": ("POST", "/graphql", {"content": b" " * (64 * 1024 + 1)}, 413),
}
PAGES = {"Swagger UI": "/docs", "ReDoc": "/redoc", "the landing page": "/", "GraphiQL": "/graphql"}


@pytest.mark.parametrize("kind", ANSWERS)
def test_every_answer_carries_the_security_headers_and_the_data_policy(client: TestClient, kind: str) -> None:
    method, path, arguments, status = ANSWERS[kind]
    response = client.request(method, path, **arguments)
    assert response.status_code == status
    for name, value in DATA.items():
        assert response.headers[name] == value, name
    assert response.headers["Content-Security-Policy"] == DATA_POLICY
    assert "x-powered-by" not in response.headers and "server" not in response.headers


@pytest.mark.parametrize("page", PAGES)
def test_pages_keep_their_own_policy_and_get_the_other_headers(client: TestClient, page: str) -> None:
    response = client.get(PAGES[page], headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    for name, value in DATA.items():
        assert response.headers[name] == value, name
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'self'") and "script-src 'self'" in policy


def test_a_304_carries_the_headers_but_no_policy_to_copy_onto_the_stored_page(client: TestClient) -> None:
    tag = client.get("/v1/indicators/gdp").headers["etag"]
    response = client.get("/v1/indicators/gdp", headers={"If-None-Match": tag})
    assert response.status_code == 304
    for name, value in DATA.items():
        assert response.headers[name] == value, name
    assert "content-security-policy" not in response.headers


def test_an_internal_error_is_a_bare_500_problem_with_the_headers(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError('Traceback: SELECT * FROM observations (sqlalchemy, psycopg, sqlite3) File "/srv/api.py"')

    monkeypatch.setattr(queries, "get_observation", broken)
    response = client.get("/v1/observations/gdp-2020-citywide")
    assert response.status_code == 500
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal server error",
        "status": 500,
        "detail": "the server could not answer this request",
    }
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Content-Security-Policy"] == DATA_POLICY and response.headers["X-Content-Type-Options"] == "nosniff"


def test_cors_allows_any_origin_to_read_and_never_with_credentials(client: TestClient) -> None:
    origin = {"Origin": "https://portal.example"}
    read = client.get("/v1/indicators/gdp", headers=origin)
    problem = client.get("/v1/indicators/no-such-indicator", headers=origin)
    preflight = client.options("/v1/indicators", headers={**origin, "Access-Control-Request-Method": "GET"})
    graphql = client.post("/graphql", json={"query": "{ __typename }"}, headers=origin)
    for response in (read, problem, preflight, graphql):
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
    assert preflight.status_code == 200


# --- methods -----------------------------------------------------------------------------


def _rest_paths(client: TestClient) -> list[str]:
    return [path.replace("{", "").replace("}", "") for path in client.get("/openapi.json").json()["paths"]]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_rest_path_refuses_other_methods_with_405_and_allow(client: TestClient, method: str) -> None:
    for path in _rest_paths(client):
        response = client.request(method, path)
        assert response.status_code == 405, path
        assert response.headers["allow"] == "GET, HEAD, OPTIONS", path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == "Method not allowed"


def test_every_rest_path_answers_options_with_its_methods(client: TestClient) -> None:
    for path in _rest_paths(client):
        response = client.options(path)
        assert (response.status_code, response.headers["allow"], response.content) == (204, "GET, HEAD, OPTIONS", b""), path


@pytest.mark.parametrize("path", ["/v1/observations?limit=3", "/v1/indicators/gdp", "/v1/downloads/cixi-2021.txt", "/docs", "/v1/nowhere"])
def test_head_answers_as_get_without_the_body(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code and head.content == b""
    for name in ("content-type", "content-length", "etag", "content-security-policy"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_graphql_answers_get_and_post_only(client: TestClient) -> None:
    refused = client.put("/graphql", json={"query": "{ __typename }"})
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.get("/graphql", params={"query": "{ __typename }"}).json() == {"data": {"__typename": "Query"}}


# --- error bodies ------------------------------------------------------------------------

ERROR_PATHS = {
    "a bad page size": "/v1/observations?limit=ten",
    "a bad sort": "/v1/observations?sort=nonsense",
    "a bad filter value": "/v1/observations?value__gt=high",
    "a NUL in a filter": "/v1/observations?status=target%00",
    "a whole number out of range": "/v1/projects?year=2147483648",
    "a year out of range": "/v1/observations?period__overlaps=99999999999",
    "a bad cursor": "/v1/observations?cursor=WyJ4Il0",
    "a cursor of the wrong types": f"/v1/observations?sort=value&cursor={queries.encode_cursor([0, 'abc', 0, {'a': 1}])}",
    "a bad offset": "/v1/reports/cixi-2021/text?start=9&end=1",
    "an unknown record": "/v1/observations/no-such-observation",
    "a NUL in an id": "/v1/observations/gdp%00",
    "an unknown file": "/v1/downloads/secrets.txt",
    "an unknown path": "/v1/../etc/passwd",
    "an unoffered format": "/v1/observations?format=pdf",
    "a search without words": "/v1/search?q=%21%21",
}


@pytest.mark.parametrize("kind", ERROR_PATHS)
def test_every_rest_error_is_a_problem_that_gives_nothing_away(client: TestClient, kind: str) -> None:
    response = client.get(ERROR_PATHS[kind])
    assert 400 <= response.status_code < 500
    _assert_a_bare_problem(response)


def test_a_database_failure_gives_nothing_away(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*_args: object, **_kwargs: object) -> None:
        raise ProgrammingError("SELECT secret FROM observations", {}, Exception("psycopg.errors.UndefinedTable"))

    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("sqlite3.OperationalError: unable to open database file"))

    monkeypatch.setattr(queries, "get_indicator", failing)
    failed = client.get("/v1/indicators/gdp")
    assert failed.status_code == 500
    _assert_a_bare_problem(failed)
    monkeypatch.setattr(queries, "get_indicator", unreachable)
    down = client.get("/v1/indicators/gdp")
    assert down.status_code == 503
    _assert_a_bare_problem(down)


def test_a_graphql_internal_error_is_masked(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*_args: object, **_kwargs: object) -> None:
        raise ProgrammingError("SELECT secret FROM observations", {}, Exception("psycopg.errors.UndefinedTable"))

    monkeypatch.setattr(queries, "get_observation", failing)
    response = client.post("/graphql", json={"query": '{ observation(id: "gdp-2020-citywide") { id } }'})
    assert response.json()["errors"][0]["message"] == "Unexpected error."
    assert not [leak for leak in LEAKS if leak in response.text]


def _assert_a_bare_problem(response: httpx.Response) -> None:
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body) <= {"type", "title", "status", "detail", "errors"}
    assert body["status"] == response.status_code
    for error in body.get("errors", []):
        assert error["pointer"].startswith("/")
    assert not [leak for leak in LEAKS if leak in response.text], response.text


# --- a live server -----------------------------------------------------------------------


@pytest.fixture
def live_server(databases: Any, engine: Engine) -> Iterator[str]:
    """``python -m api serve`` in a process of its own, on the test database."""
    if databases.backend != "sqlite":
        pytest.skip("one live server is enough: the same code serves both engines")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "DATABASE_URL": str(engine.url), "PORT": str(port), "LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "api", "serve"]
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 - our own interpreter
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            httpx.get(f"{url}/health/live", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start within 30 s")


def test_a_live_server_names_no_server_and_no_framework(live_server: str) -> None:
    for path in ("/health/live", "/v1/indicators/gdp", "/v1/nowhere"):
        response = httpx.get(live_server + path)
        assert "server" not in response.headers and "x-powered-by" not in response.headers, path
        assert response.headers["x-content-type-options"] == "nosniff"
