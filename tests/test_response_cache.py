"""The response cache: a repeat costs no SQL, every variant keeps its own bytes, and nothing
stale, failed or unbounded is ever kept."""

import asyncio
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api import migrate, release
from api.db import create_db_engine
from api.graphql.schema import schema
from api.ingest.load import load_bundle
from api.ingest.read import Bundle
from api.main import create_app
from api.response_cache import CachedResponse, ResponseCacheMiddleware, ResponseStore
from api.settings import Settings

LIST = "/v1/observations?limit=20&status=target"
GDP_QUERY = '{ indicator(id: "gdp") { observations { id value source { quote } } } }'


def _with_release(engine: Engine) -> Engine:
    with Session(engine) as session:
        release.current_release(session)
    return engine


@pytest.fixture(scope="module")
def cached_app(engine: Engine) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=str(engine.url), response_cache_bytes=8 * 1024 * 1024), engine=_with_release(engine))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def cached(cached_app: TestClient) -> TestClient:
    """An app over the shared database with a response cache of its own, empty at the start of each test."""
    _store(cached_app).clear()
    return cached_app


def _store_of(app: Any) -> ResponseStore:
    return app.state.response_cache  # type: ignore[no-any-return]


def _store(client: TestClient) -> ResponseStore:
    return _store_of(client.app)


def _raw(client: TestClient, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    with client.stream("GET", url, headers=headers) as response:
        body = b"".join(response.iter_raw())
        kept = {name: value for name, value in response.headers.items() if name != "date" and not name.startswith("ratelimit-")}
        return response.status_code, kept, body


def test_a_second_identical_request_runs_no_sql_and_returns_the_same_bytes(cached: TestClient, count_statements: Any) -> None:
    first = cached.get(LIST)
    count_statements.statements.clear()
    second = cached.get(LIST)
    assert count_statements.count == 0
    assert (second.status_code, second.content, second.headers["etag"]) == (200, first.content, first.headers["etag"])
    assert _store(cached).hits == 1


def test_the_query_order_does_not_make_another_entry(cached: TestClient, count_statements: Any) -> None:
    cached.get("/v1/projects?limit=3&status=completed")
    count_statements.statements.clear()
    assert cached.get("/v1/projects?status=completed&limit=3").status_code == 200
    assert count_statements.count == 0


PLAIN = {"Accept-Encoding": "identity"}
VARIANTS = [
    PLAIN,
    PLAIN | {"Accept": "text/csv"},
    PLAIN | {"Accept": "text/csv", "Accept-Language": "en"},
    PLAIN | {"Accept": "text/csv", "Accept-Language": "zh"},
    {"Accept-Encoding": "gzip"},
    PLAIN | {"Origin": "https://example.org"},
]


def test_each_negotiated_variant_is_kept_apart_and_replayed_byte_for_byte(cached: TestClient, client: TestClient) -> None:
    """`client` has no cache: what the cache replays must be exactly what the app computes."""
    url = "/v1/observations?limit=30&indicator=gdp"
    bodies = set()
    for headers in VARIANTS:
        computed = _raw(client, url, headers)
        cached.get(url, headers=headers)
        replayed = _raw(cached, url, headers)
        assert replayed == computed, headers
        bodies.add(replayed[2])
    assert len(bodies) == len(VARIANTS) - 1  # an Origin changes the CORS headers, not the body
    assert _store(cached).hits == len(VARIANTS)


def test_gzip_is_replayed_compressed_only_to_those_who_accept_it(cached: TestClient) -> None:
    url = "/v1/observations?limit=200"
    for _ in range(2):
        _, headers, body = _raw(cached, url, {"Accept-Encoding": "gzip"})
        plain = _raw(cached, url, {"Accept-Encoding": "identity"})
    assert headers["content-encoding"] == "gzip" and "content-encoding" not in plain[1]
    assert gzip.decompress(body) == plain[2]


def test_identical_requests_arriving_together_are_computed_once(engine: Engine, count_statements: Any) -> None:
    app = create_app(Settings(database_url=str(engine.url), response_cache_bytes=8 * 1024 * 1024), engine=_with_release(engine))
    url = "/v1/observations?limit=7&measure=level"

    async def together(times: int) -> list[bytes]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            return [response.content for response in await asyncio.gather(*(client.get(url) for _ in range(times)))]

    alone = _store_of(app)
    with TestClient(create_app(Settings(database_url=str(engine.url), response_cache_bytes=0), engine=engine)) as uncached:
        count_statements.statements.clear()
        expected = uncached.get(url).content
        one_computation = count_statements.count
    count_statements.statements.clear()
    assert asyncio.run(together(5)) == [expected] * 5
    assert count_statements.count == one_computation and alone.hits == 4


def test_if_none_match_is_answered_304_from_memory(cached: TestClient, count_statements: Any) -> None:
    tag = cached.get(LIST).headers["etag"]
    count_statements.statements.clear()
    again = cached.get(LIST, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert count_statements.count == 0 and _store(cached).hits == 1


def test_a_stale_validator_gets_the_full_cached_response(cached: TestClient) -> None:
    first = cached.get(LIST)
    again = cached.get(LIST, headers={"If-None-Match": 'W/"not-this-one"'})
    assert (again.status_code, again.content) == (200, first.content)
    assert _store(cached).hits == 1


def test_errors_are_not_cached(cached: TestClient, count_statements: Any) -> None:
    for _ in range(2):
        count_statements.statements.clear()
        assert cached.get("/v1/indicators/no-such-indicator").status_code == 404
        assert count_statements.count > 0
        assert cached.get("/v1/observations?value__gte=lots").status_code == 400
        assert cached.post("/graphql", json={"query": '{ observations(where: {period: {overlaps: "soon"}}) { totalCount } }'}).json()[
            "errors"
        ]
    assert len(_store(cached)) == 0


def test_a_graphql_query_posted_again_runs_no_sql_and_other_variables_do(cached: TestClient, count_statements: Any) -> None:
    query = "query($id: ID!) { observation(id: $id) { value unit } }"
    first = cached.post("/graphql", json={"query": query, "variables": {"id": "gdp-2020-citywide"}})
    count_statements.statements.clear()
    again = cached.post("/graphql", json={"query": query, "variables": {"id": "gdp-2020-citywide"}})
    assert count_statements.count == 0 and again.content == first.content
    other = cached.post("/graphql", json={"query": query, "variables": {"id": "gdp-2020-city-level"}})
    assert count_statements.count > 0 and other.json()["data"]["observation"]["value"] == 1328.3


def test_a_graphql_get_is_cached_like_any_read(cached: TestClient, count_statements: Any) -> None:
    first = cached.get("/graphql", params={"query": GDP_QUERY})
    count_statements.statements.clear()
    assert cached.get("/graphql", params={"query": GDP_QUERY}).content == first.content
    assert count_statements.count == 0


def test_the_graphql_schema_has_no_mutations_so_a_post_to_it_is_a_read() -> None:
    assert schema._schema.mutation_type is None and schema._schema.subscription_type is None


def test_health_and_pages_outside_the_public_read_paths_are_not_cached(cached: TestClient) -> None:
    cached.get("/health/live")
    cached.get("/health/live")
    assert len(_store(cached)) == 0


# the store itself ------------------------------------------------------------


def _entry(size: int) -> CachedResponse:
    return CachedResponse([(b"etag", b'W/"x"')], b"x" * size, 'W/"x"')


def test_the_memory_bound_evicts_the_least_recently_used_first() -> None:
    probe = ResponseStore(1_000_000)
    probe.put("v1", ("a",), _entry(1000))
    one = probe.used_bytes  # what an entry holds: its body, headers, key and place in the store
    store = ResponseStore(one * 3 + one // 2, max_entry_bytes=one)  # room for three entries, not four
    for key in ("a", "b", "c"):
        store.put("v1", (key,), _entry(1000))
    assert store.get("v1", ("a",)) is not None  # a is now the most recently used
    store.put("v1", ("d",), _entry(1000))
    assert store.get("v1", ("b",)) is None
    assert all(store.get("v1", (key,)) is not None for key in ("a", "c", "d"))
    assert len(store) == 3 and store.used_bytes == 3 * one <= store.max_bytes


def test_an_entry_over_an_eighth_of_the_budget_is_not_kept() -> None:
    store = ResponseStore(80_000)
    store.put("v1", ("big",), _entry(10_000))
    store.put("v1", ("small",), _entry(100))
    assert store.get("v1", ("big",)) is None and store.get("v1", ("small",)) is not None


def test_a_new_release_version_empties_the_store() -> None:
    store = ResponseStore(1_000_000)
    store.put("v1", ("a",), _entry(10))
    assert store.get("v2", ("a",)) is None
    assert len(store) == 0 and store.used_bytes == 0


def test_a_size_of_zero_turns_the_cache_off(engine: Engine, count_statements: Any) -> None:
    app = create_app(Settings(database_url=str(engine.url), response_cache_bytes=0), engine=_with_release(engine))
    with TestClient(app) as client:
        client.get(LIST)
        count_statements.statements.clear()
        client.get(LIST)
    assert count_statements.count > 0


def test_responses_that_set_a_cookie_say_no_store_or_fail_are_not_kept(engine: Engine) -> None:
    inner = FastAPI()
    inner.get("/v1/cookie")(lambda: JSONResponse({"a": 1}, headers={"Set-Cookie": "id=1"}))
    inner.get("/v1/no-store")(lambda: JSONResponse({"a": 1}, headers={"Cache-Control": "no-store"}))
    inner.get("/v1/unavailable")(lambda: Response(status_code=503))
    inner.get("/v1/fine")(lambda: {"a": 1})
    store = ResponseStore(1_000_000)
    app = ResponseCacheMiddleware(inner, store=store, engine=_with_release(engine))
    with TestClient(app) as client:
        for path in ("/v1/cookie", "/v1/no-store", "/v1/unavailable", "/v1/fine"):
            client.get(path)
            client.get(path)
    assert (len(store), store.hits) == (1, 1)


# a new release ---------------------------------------------------------------


def test_a_new_release_is_never_served_stale(tmp_path: Path, bundle: Bundle) -> None:
    """On one engine: the cache follows the release version, whichever engine computed it."""
    url = f"sqlite:///{tmp_path / 'release.sqlite3'}"
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    load_bundle(engine, bundle)
    app = create_app(Settings(database_url=url, response_cache_bytes=8 * 1024 * 1024), engine=_with_release(engine))
    gdp = "/v1/observations?indicator=gdp&limit=100"
    with TestClient(app) as client:
        before = client.get(gdp)
        assert client.get(gdp).content == before.content and _store(client).hits == 1
        load_bundle(engine, _with_note(bundle, "gdp-2020-citywide", "a curator's note of the next release"))
        release.forget(engine)  # what a process does when a release is loaded under it
        after = client.get(gdp)
        notes = {item["id"]: item["source"]["note"] for item in after.json()["items"]}
        assert notes["gdp-2020-citywide"] == "a curator's note of the next release"
        assert after.headers["etag"] != before.headers["etag"]
        assert client.get(gdp, headers={"If-None-Match": before.headers["etag"]}).status_code == 200
    engine.dispose()


def _with_note(bundle: Bundle, observation_id: str, note: str) -> Bundle:
    tables = {name: [dict(row) for row in rows] for name, rows in bundle.tables.items()}
    next(row for row in tables["observations"] if row["id"] == observation_id)["note"] = note
    return Bundle(report_id=bundle.report_id, text=bundle.text, tables=tables)
