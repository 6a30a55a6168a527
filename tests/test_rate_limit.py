"""Per-client rate limits: fixed windows on the clock per client address, RateLimit headers on every
limited response, a 429 problem with Retry-After past the limit; counts shared through Redis when
it is configured, and served without limits (not refused) when Redis does not answer. The counting
tests use hour-long windows, so that none of them straddles the end of one."""

import logging
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from api.main import create_app
from api.rate_limit import parse_rate
from api.settings import Settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"
LIMITED_PATH = "/openapi.json"  # any route but the probes counts; this one needs no data


def _client(address: str = "192.0.2.1", **settings: object) -> TestClient:
    app = create_app(Settings(database_url="sqlite://", **settings))  # type: ignore[arg-type]
    return TestClient(app, client=(address, 50000))


def test_the_request_past_the_limit_is_a_429_problem_with_retry_after() -> None:
    with _client(rate_limit="3/hour") as client:
        remaining = [client.get(LIMITED_PATH).headers["RateLimit-Remaining"] for _ in range(3)]
        refused = client.get(LIMITED_PATH)
    assert remaining == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.json() == {
        "type": "about:blank",
        "title": "Too many requests",
        "status": 429,
        "detail": f"more than 3 requests in 3600 s from this client; retry after {refused.headers['Retry-After']} s",
    }


def test_a_429_can_be_read_by_a_page_on_another_origin() -> None:
    """The limiter answers outside CORS, so its 429 says by itself what CORS says of every answer."""
    origin = {"Origin": "https://portal.example"}
    with _client(rate_limit="1/hour") as client:
        allowed, refused = client.get(LIMITED_PATH, headers=origin), client.get(LIMITED_PATH, headers=origin)
    assert (allowed.status_code, refused.status_code) == (200, 429)
    assert refused.headers["Access-Control-Allow-Origin"] == allowed.headers["Access-Control-Allow-Origin"] == "*"
    assert refused.headers["Access-Control-Expose-Headers"] == allowed.headers["Access-Control-Expose-Headers"]
    exposed = {name.strip() for name in refused.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"} <= exposed


@pytest.mark.parametrize(
    ("rate", "requests_and_window"),
    [("1200/minute", (1200, 60)), ("10 per second", (10, 1)), ("100/5 minutes", (100, 300)), ("3/HOUR", (3, 3600)), ("9/day", (9, 86400))],
)
def test_the_rate_is_read_as_requests_per_window(rate: str, requests_and_window: tuple[int, int]) -> None:
    assert parse_rate(rate) == requests_and_window


@pytest.mark.parametrize("rate", ["1200", "minute", "1200/fortnight", "-1/minute", "1200/minute;10/second"])
def test_a_rate_that_cannot_be_read_is_refused_by_its_value(rate: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(rate))):
        parse_rate(rate)


@pytest.mark.parametrize(("redis_url", "imported"), [(None, False), (REDIS_URL, True)], ids=["in process", "redis"])
def test_the_redis_client_is_imported_only_when_redis_is_configured(redis_url: str | None, imported: bool) -> None:
    """``limits`` and redis take a noticeable part of a process start; counting in process needs neither."""
    program = (
        "import sys; from api.main import create_app; from api.settings import Settings; "
        f"create_app(Settings(database_url='sqlite://', redis_url={redis_url!r})).build_middleware_stack(); "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'limits', 'redis'}))"
    )
    command = [sys.executable, "-c", program]
    loaded = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout.strip()  # noqa: S603 - our own interpreter and program
    assert loaded == ("['limits', 'redis']" if imported else "[]")


def test_every_limited_response_carries_the_ratelimit_header_fields() -> None:
    with _client(rate_limit="3/hour") as client:
        headers = client.get(LIMITED_PATH).headers
    assert (headers["RateLimit-Limit"], headers["RateLimit-Remaining"], headers["RateLimit-Policy"]) == ("3", "2", "3;w=3600")
    assert 1 <= int(headers["RateLimit-Reset"]) <= 3600


def test_the_product_default_is_1200_requests_a_minute_per_client() -> None:
    with _client() as client:
        assert client.get(LIMITED_PATH).headers["RateLimit-Limit"] == "1200"


def test_each_client_address_has_its_own_count() -> None:
    app = create_app(Settings(database_url="sqlite://", rate_limit="2/hour"))
    with TestClient(app, client=("192.0.2.1", 1)) as first, TestClient(app, client=("192.0.2.2", 1)) as second:
        statuses = [first.get(LIMITED_PATH).status_code for _ in range(3)] + [second.get(LIMITED_PATH).status_code for _ in range(2)]
    assert statuses == [200, 200, 429, 200, 200]


def test_health_probes_are_never_limited() -> None:
    with _client(rate_limit="1/minute") as client:
        responses = [client.get("/health/live") for _ in range(5)]
    assert [response.status_code for response in responses] == [200] * 5
    assert "RateLimit-Limit" not in responses[0].headers


def test_the_count_starts_again_in_the_next_window() -> None:
    with _client(rate_limit="1/second") as client:
        time.sleep(1.02 - time.time() % 1)  # windows follow the clock: start at the beginning of one
        first, second = client.get(LIMITED_PATH), client.get(LIMITED_PATH)
        time.sleep(int(second.headers["Retry-After"]) + 0.05)
        third = client.get(LIMITED_PATH)
    assert [first.status_code, second.status_code, third.status_code] == [200, 429, 200]


@pytest.mark.parametrize("switch", [{"rate_limit": "1/minute", "rate_limit_enabled": False}, {"rate_limit": "0"}], ids=["disabled", "zero"])
def test_the_limiter_can_be_switched_off(switch: dict[str, object]) -> None:
    with _client(**switch) as client:
        responses = [client.get(LIMITED_PATH) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert "RateLimit-Limit" not in responses[-1].headers


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own, its keys deleted afterwards."""
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true but is not reachable at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL); the shared-count test is skipped")
    prefix = f"cixi-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = list(server.scan_iter(f"{prefix}*"))
    if keys:
        server.delete(*keys)
    server.close()


def test_worker_processes_share_one_count_through_redis(redis_prefix: str) -> None:
    settings = {"rate_limit": "5/hour", "redis_url": REDIS_URL, "rate_limit_key_prefix": redis_prefix}
    with _client(**settings) as first_worker, _client(**settings) as second_worker:
        statuses = [first_worker.get(LIMITED_PATH).status_code for _ in range(3)]
        statuses += [second_worker.get(LIMITED_PATH).status_code for _ in range(2)]
        statuses += [first_worker.get(LIMITED_PATH).status_code, second_worker.get(LIMITED_PATH).status_code]
        remaining = second_worker.get(LIMITED_PATH).headers["RateLimit-Remaining"]
    assert statuses == [200, 200, 200, 200, 200, 429, 429]
    assert remaining == "0"
    assert redis.Redis.from_url(REDIS_URL).keys(f"{redis_prefix}*"), "the count lives in Redis"


def test_an_unreachable_redis_serves_unlimited_and_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = f"redis://127.0.0.1:{closed_port}/0"
    with caplog.at_level(logging.WARNING, logger="api"), _client(rate_limit="1/minute", redis_url=unreachable) as client:
        responses = [client.get(LIMITED_PATH) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert "RateLimit-Limit" not in responses[0].headers
    assert [record.getMessage() for record in caplog.records if "rate limiting paused" in record.getMessage()] != []
