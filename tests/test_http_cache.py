"""HTTP caching: validators on every GET, 304 on a repeat, compression and CORS."""

from datetime import UTC, datetime
from email.utils import format_datetime

from fastapi.testclient import TestClient

from api.rest.http_cache import canonical_request, entity_tag


def test_every_get_carries_validators_and_cache_headers(client: TestClient) -> None:
    response = client.get("/v1/observations", params={"limit": 5})
    assert response.headers["etag"].startswith('W/"')
    assert response.headers["last-modified"].endswith("GMT")
    assert response.headers["cache-control"] == "public, max-age=300"
    vary = [part.strip() for part in response.headers["vary"].split(",")]
    assert {"Accept", "Accept-Language", "Accept-Encoding"} <= set(vary)


def test_a_repeat_with_if_none_match_is_a_304_without_body(client: TestClient) -> None:
    first = client.get("/v1/indicators/gdp")
    again = client.get("/v1/indicators/gdp", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_a_304_runs_no_sql(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    tag = client.get("/v1/projects", params={"limit": 3}).headers["etag"]
    count_statements.statements.clear()
    assert client.get("/v1/projects", params={"limit": 3}, headers={"If-None-Match": tag}).status_code == 304
    assert count_statements.count == 0


def test_if_modified_since_the_release_is_a_304(client: TestClient) -> None:
    last_modified = client.get("/v1/reports").headers["last-modified"]
    assert client.get("/v1/reports", headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get("/v1/reports", headers={"If-Modified-Since": earlier}).status_code == 200


def test_the_etag_depends_on_query_format_and_language_and_not_on_parameter_order(client: TestClient) -> None:
    a = client.get("/v1/observations?status=target&limit=2").headers["etag"]
    b = client.get("/v1/observations?limit=2&status=target").headers["etag"]
    csv_tag = client.get("/v1/observations?limit=2&status=target", headers={"Accept": "text/csv"}).headers["etag"]
    english = client.get("/v1/observations?limit=2&status=target", headers={"Accept-Language": "en"}).headers["etag"]
    assert a == b
    assert len({a, csv_tag, english}) == 3


def test_the_etag_changes_when_the_release_changes_and_only_then() -> None:
    scope = {"path": "/v1/observations", "query_string": b"limit=2"}
    from starlette.datastructures import Headers

    canonical = canonical_request(scope, Headers({}))
    assert entity_tag("2021.1+aaaa", canonical) == entity_tag("2021.1+aaaa", canonical)
    assert entity_tag("2021.1+aaaa", canonical) != entity_tag("2021.1+bbbb", canonical)


def test_large_bodies_are_gzipped(client: TestClient) -> None:
    response = client.get("/v1/observations", params={"limit": 200}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["limit"] == 200
    raw = client.get("/v1/observations", params={"limit": 200}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers


def test_cors_allows_any_origin_to_read_and_exposes_the_headers(client: TestClient) -> None:
    response = client.get("/v1/reports", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"]
    assert all(name in exposed for name in ("ETag", "Link", "X-Total-Count"))
    assert "access-control-allow-credentials" not in response.headers


def test_errors_and_health_are_not_cached(client: TestClient) -> None:
    assert "etag" not in client.get("/v1/indicators/nope").headers
    assert "etag" not in client.get("/health/live").headers
