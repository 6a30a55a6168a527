"""Nothing a request asks makes the API answer more than its largest page, or fail: the page size
of every list (REST ``limit``, GraphQL ``first``) is clamped or refused whatever its value, and a
request body over 64 KiB is refused before anything reads it."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from api import queries
from api.graphql.limits import MAX_FIRST

EXAMPLES = settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Each REST list with its largest page (and the parameters it needs).
REST_LISTS = {
    "/v1/reports": (queries.MAX_PAGE_SIZE, {}),
    "/v1/sections": (queries.MAX_PAGE_SIZE, {}),
    "/v1/indicators": (queries.MAX_PAGE_SIZE, {}),
    "/v1/observations": (queries.MAX_PAGE_SIZE, {}),
    "/v1/projects": (queries.MAX_PAGE_SIZE, {}),
    "/v1/livelihood-items": (queries.MAX_PAGE_SIZE, {}),
    "/v1/five-year-goals": (queries.MAX_PAGE_SIZE, {}),
    "/v1/search": (100, {"q": "慈溪"}),
}
# Each GraphQL list with a selection of its records.
GRAPHQL_LISTS = {
    "reports": "reports(first: $first) { nodes { id } edges { cursor } }",
    "sections": "sections(first: $first) { nodes { id } edges { cursor } }",
    "indicators": "indicators(first: $first) { nodes { id } edges { cursor } }",
    "observations": "observations(first: $first) { nodes { id } edges { cursor } }",
    "projects": "projects(first: $first) { nodes { id } edges { cursor } }",
    "livelihoodItems": "livelihoodItems(first: $first) { nodes { id } edges { cursor } }",
    "fiveYearGoals": "fiveYearGoals(first: $first) { nodes { id } edges { cursor } }",
    "search": 'search(q: "慈溪", first: $first) { items { id } }',
}

# \u0665 is an Arabic-Indic five, which Python's int() would read.
EDGE_CASES = ["", "0", "-0", "-1", "1", "1.0", "1.5", "1e3", "+5", " 5", "0x10", "\u0665", "NaN", "inf", "-inf", "null", "[]",
              str(2**31), str(2**63), str(-(2**63)), str(2**64 + 1), "9" * 400]  # fmt: skip
limit_texts = st.one_of(
    st.sampled_from(EDGE_CASES),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(str),
    st.text(st.characters(codec="utf-8"), max_size=12),
)
first_values = st.one_of(
    st.sampled_from([0, -1, 1, MAX_FIRST, MAX_FIRST + 1, 2**31 - 1, 2**31, 2**63, -(2**63), 1.5, "5", "", None, [], {}]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)


def _rest_page_size(text: str) -> int | None:
    """The page size a query-string text asks for, read as the API reads an integer parameter."""
    try:
        return TypeAdapter(int).validate_python(text)
    except ValidationError:
        return None


def _graphql_page_size(value: object) -> int | None:
    """The page size a variable asks for, read as GraphQL reads an Int (2.0 is 2)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@pytest.mark.parametrize("path", REST_LISTS)
@EXAMPLES
@given(limit=limit_texts)
def test_no_rest_list_answers_more_than_its_largest_page_whatever_the_limit(client: TestClient, path: str, limit: str) -> None:
    maximum, params = REST_LISTS[path]
    response = client.get(path, params={**params, "limit": limit})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["pointer"] == "/query/limit"
        return
    items = response.json()["items"]
    asked = _rest_page_size(limit)
    assert asked is not None and 1 <= asked <= maximum
    assert len(items) <= asked


@pytest.mark.parametrize("field", GRAPHQL_LISTS)
@EXAMPLES
@given(first=first_values)
def test_no_graphql_list_answers_more_than_its_largest_page_whatever_first_is(client: TestClient, field: str, first: object) -> None:
    response = client.post("/graphql", json={"query": f"query($first: Int!) {{ {GRAPHQL_LISTS[field]} }}", "variables": {"first": first}})
    assert response.status_code == 200, response.text
    body = response.json()
    if body.get("errors"):
        assert body["data"] is None
        return
    page = body["data"][field]
    records = page["items"] if field == "search" else page["nodes"]
    asked = _graphql_page_size(first)
    assert asked is not None and asked >= 1
    assert len(records) <= min(asked, MAX_FIRST)
    if field != "search":
        assert len(page["edges"]) == len(records)


@pytest.mark.parametrize("literal", ["0", "-1", "2147483648", "9223372036854775807", "1.5", '"5"', "null", "[5]"])
def test_a_page_size_written_into_the_document_is_bounded_too(client: TestClient, literal: str) -> None:
    body = client.post("/graphql", json={"query": f"{{ observations(first: {literal}) {{ nodes {{ id }} }} }}"}).json()
    assert body["data"] is None and body["errors"]


def test_a_page_bigger_than_the_largest_is_clamped_in_graphql(client: TestClient) -> None:
    body = client.post("/graphql", json={"query": "{ observations(first: 100000) { nodes { id } } }"}).json()
    assert len(body["data"]["observations"]["nodes"]) == MAX_FIRST


LIMIT = 64 * 1024


def _chunks(total: int, size: int = 8192) -> Iterator[bytes]:
    for start in range(0, total, size):
        yield b" " * min(size, total - start)


@pytest.mark.parametrize(("method", "path"), [("POST", "/graphql"), ("GET", "/v1/observations"), ("PUT", "/v1/indicators/gdp")])
def test_a_body_over_64_kib_is_a_413_problem_before_anything_runs(client: TestClient, count_statements, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.request(method, path, content=b"{" + b" " * LIMIT + b"}", headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413 and response.json()["title"] == "Content too large"
    assert count_statements.count == 0


def test_a_streamed_body_without_a_length_is_counted(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/graphql", content=_chunks(LIMIT + 1), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert count_statements.count == 0


def test_a_body_of_exactly_64_kib_is_read(client: TestClient) -> None:
    query = '{"query": "{ __typename }"}'
    body = query + " " * (LIMIT - len(query))
    assert len(body) == LIMIT
    response = client.post("/graphql", content=body.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}
    streamed = client.post(
        "/graphql", content=iter([body[:1000].encode(), body[1000:].encode()]), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 200
