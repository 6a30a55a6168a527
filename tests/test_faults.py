"""Faults, for real: a TCP proxy between the API and PostgreSQL is cut (connections closed and
refused), hung (accepted, nothing forwarded) and restored, and the API answers within bounds:
data requests get a 503 problem within 3 s, readiness is 503 and liveness 200, and it serves
again within 10 s of the database coming back, without a restart. A slow statement is cut by the
statement timeout; SIGTERM lets the request in flight finish."""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from load.live_server import LiveServer
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from tcp_proxy import TcpProxy

from api import migrate
from api.breaker import DatabaseBreaker
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import Bundle
from api.main import create_app
from api.settings import Settings

DATA_PATH = "/v1/observations/gdp-2020-citywide"
GRAPHQL_QUERY = {"query": '{ observation(id: "gdp-2020-citywide") { value } indicators { totalCount } }'}
RETRY_AFTER = "3"  # the default statement timeout (2 s) + the reply margin (0.5 s), rounded up
DEADLINE_503_S = 3.0
DEADLINE_RECOVERY_S = 10.0
FAULTS = ["cut", "hang"]  # connections closed and refused; accepted, nothing forwarded
CONCURRENT_REQUESTS = 48  # six times the worker threads


@pytest.fixture(scope="module")
def seeded_postgres_url(postgres_databases: object, bundle: Bundle) -> str:
    url: str = postgres_databases.create()  # type: ignore[attr-defined]
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    load_bundle(engine, bundle)
    engine.dispose()
    return url


@pytest.fixture
def proxy(seeded_postgres_url: str) -> Iterator[TcpProxy]:
    database = make_url(seeded_postgres_url)
    with TcpProxy(database.host or "127.0.0.1", database.port or 5432) as running:
        yield running


def _through(proxy: TcpProxy, url: str) -> str:
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


@pytest.fixture
def proxied_client(proxy: TcpProxy, seeded_postgres_url: str) -> Iterator[TestClient]:
    """The API through the proxy; no response cache, so that every data request reaches the database."""
    settings = Settings(database_url=_through(proxy, seeded_postgres_url), rate_limit_enabled=False, response_cache_bytes=0)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        assert test_client.get(DATA_PATH).status_code == 200
        yield test_client
        proxy.restore()  # a request still stuck on the database (a failed test) can finish, and the client close
    app.state.engine.dispose()


def _timed(request: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    """The response and its seconds; a request still waiting after 30 s fails the test (not hang it)."""
    start = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        response = pool.submit(request).result(timeout=30)
    finally:
        pool.shutdown(wait=False)
    return response, time.monotonic() - start


def _assert_unavailable_within_deadline(client: TestClient, record: Callable[[str, object], None]) -> None:
    for attempt in range(2):  # the first meets a pooled connection, the second a new connect
        _after_the_breaker_cooldown(attempt)
        response, seconds = _timed(lambda: client.get(DATA_PATH))
        record(f"data_503_seconds_{attempt}", round(seconds, 2))
        assert (response.status_code, response.headers["content-type"]) == (503, "application/problem+json")
        assert response.headers["Retry-After"] == RETRY_AFTER
        assert seconds < DEADLINE_503_S
    ready, seconds = _timed(lambda: client.get("/health/ready"))
    assert (ready.status_code, ready.headers["content-type"]) == (503, "application/problem+json")
    assert ready.headers["Retry-After"] == RETRY_AFTER and seconds < DEADLINE_503_S
    assert client.get("/health/live").status_code == 200


def _assert_graphql_unavailable_within_deadline(
    client: TestClient, caplog: pytest.LogCaptureFixture, record: Callable[[str, object], None], attempt: int
) -> None:
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        graphql, seconds = _timed(lambda: client.post("/graphql", json=GRAPHQL_QUERY))
    record(f"graphql_503_seconds_{attempt}", round(seconds, 2))
    assert (graphql.status_code, graphql.headers["Retry-After"], seconds < DEADLINE_503_S) == (503, RETRY_AFTER, True)
    body = graphql.json()
    assert body["data"] is None
    assert {error["extensions"]["code"] for error in body["errors"]} == {"SERVICE_UNAVAILABLE"}
    assert body["errors"][0]["message"].startswith("the database ") and body["errors"][0]["message"].endswith("; try again shortly")
    the_api_s = [entry for entry in caplog.records if entry.threadName != "tcp-proxy"]  # not the proxy's own loop
    logged = [entry for entry in the_api_s if entry.levelno >= logging.WARNING]
    assert [(entry.levelname, entry.exc_info) for entry in logged] == [("WARNING", None)], [entry.getMessage() for entry in logged]
    assert logged[0].getMessage().startswith("GraphQL: the database ")


def _after_the_breaker_cooldown(attempt: int) -> None:
    """After a failure, requests fail at once for a cooldown (``api.breaker``); a later attempt waits
    it out, so that it meets the database (a new connect) rather than the breaker."""
    if attempt:
        time.sleep(DatabaseBreaker().cooldown_s + 0.1)


def _assert_recovers(client: TestClient, record: Callable[[str, object], None]) -> None:
    start = time.monotonic()
    while client.get(DATA_PATH).status_code != 200:
        assert time.monotonic() - start < DEADLINE_RECOVERY_S, "still failing 10 s after the database came back"
        time.sleep(0.1)
    record("recovery_seconds", round(time.monotonic() - start, 2))
    assert client.get("/health/ready").status_code == 200


@pytest.mark.parametrize("fault", FAULTS)
def test_with_the_database_down_data_is_503_within_3_s_and_comes_back_after(
    proxied_client: TestClient, proxy: TcpProxy, fault: str, record_property: Callable[[str, object], None]
) -> None:
    getattr(proxy, fault)()
    _assert_unavailable_within_deadline(proxied_client, record_property)
    proxy.restore()
    _assert_recovers(proxied_client, record_property)


@pytest.mark.parametrize("fault", FAULTS)
def test_graphql_with_the_database_down_is_503_with_retry_after_and_one_warning(
    proxied_client: TestClient,
    proxy: TcpProxy,
    fault: str,
    caplog: pytest.LogCaptureFixture,
    record_property: Callable[[str, object], None],
) -> None:
    getattr(proxy, fault)()
    for attempt in range(2):  # the first meets a pooled connection, the second a new connect
        _after_the_breaker_cooldown(attempt)
        _assert_graphql_unavailable_within_deadline(proxied_client, caplog, record_property, attempt)
    proxy.restore()
    _assert_recovers(proxied_client, record_property)
    assert "errors" not in proxied_client.post("/graphql", json=GRAPHQL_QUERY).json()


def test_with_the_database_hung_many_waiting_requests_all_get_503_within_3_s(
    proxied_client: TestClient, proxy: TcpProxy, record_property: Callable[[str, object], None]
) -> None:
    """More requests than worker threads: without the breaker the last would wait for every earlier
    one's reply or connect bound in turn (48 requests, 8 threads, 1 to 2 s each: up to 12 s)."""
    proxy.hang()
    with ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS) as pool:
        timed = list(pool.map(lambda _: _timed(lambda: proxied_client.get(DATA_PATH)), range(CONCURRENT_REQUESTS)))
    slowest = max(seconds for _, seconds in timed)
    record_property("concurrent_503_slowest_seconds", round(slowest, 2))
    assert {response.status_code for response, _ in timed} == {503}
    assert {response.headers["Retry-After"] for response, _ in timed} == {RETRY_AFTER}
    assert slowest < DEADLINE_503_S
    proxy.restore()
    _assert_recovers(proxied_client, record_property)


def test_a_pooled_connection_meets_a_hung_database_in_its_1_s_pre_ping_not_the_2_5_s_statement_bound(
    proxy: TcpProxy, seeded_postgres_url: str
) -> None:
    engine = create_db_engine(_through(proxy, seeded_postgres_url))
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.reply_timeout == 2.5  # type: ignore[union-attr]
    proxy.hang()
    with pytest.raises(OperationalError, match=r"no reply from the database within 1\.0 s"), engine.connect():
        pass
    proxy.restore()
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
        assert connection.connection.dbapi_connection.reply_timeout == 2.5  # type: ignore[union-attr]
    engine.dispose()


def test_a_slow_statement_is_cut_by_the_statement_timeout(proxied_client: TestClient, seeded_postgres_url: str) -> None:
    engine: Engine = proxied_client.app.state.engine  # type: ignore[attr-defined]
    start = time.monotonic()
    with pytest.raises(OperationalError, match="statement timeout"), engine.connect() as connection:
        connection.execute(text("select pg_sleep(10)"))
    assert time.monotonic() - start < DEADLINE_503_S
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1


def test_a_request_that_waits_on_a_lock_is_a_503_after_the_statement_timeout(
    proxied_client: TestClient, seeded_postgres_url: str, record_property: Callable[[str, object], None]
) -> None:
    holder = create_db_engine(seeded_postgres_url)
    with holder.connect() as connection, connection.begin():
        connection.execute(text("lock table observations in access exclusive mode"))
        response, seconds = _timed(lambda: proxied_client.get(DATA_PATH))
    holder.dispose()
    record_property("lock_503_seconds", round(seconds, 2))
    assert (response.status_code, response.headers["content-type"]) == (503, "application/problem+json")
    assert seconds < DEADLINE_503_S
    assert proxied_client.get(DATA_PATH).status_code == 200


def test_sigterm_lets_the_request_in_flight_finish_and_exits_0(
    proxy: TcpProxy, seeded_postgres_url: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    settings = {"DATABASE_URL": _through(proxy, seeded_postgres_url), "RATE_LIMIT_ENABLED": "false", "RESPONSE_CACHE_BYTES": "0"}
    with LiveServer(settings, tmp_path / "serve.log") as server:
        url = server.base_url + DATA_PATH
        assert httpx.get(url, timeout=10).status_code == 200  # the release is computed once, before the slow part
        proxy.delay(0.4)  # every database reply now takes 0.4 s: the request takes a few round trips
        answers: list[httpx.Response] = []
        in_flight = threading.Thread(target=lambda: answers.append(httpx.get(url, timeout=10)))
        start = time.monotonic()
        in_flight.start()
        time.sleep(0.5)
        exit_code = server.terminate()
        in_flight.join(timeout=10)
        log = server.log()
    assert [answer.status_code for answer in answers] == [200], log
    record_property("in_flight_request_seconds", round(answers[0].elapsed.total_seconds(), 2))
    assert answers[0].json()["value"] == 2008.3
    assert time.monotonic() - start > 1.0, "the request was meant to be in flight when SIGTERM came"
    assert exit_code == 0, log
