"""GraphQL abuse is refused with a clear error before any SQL runs; introspection still works;
internal errors are masked; the API's own refusals are labelled as the client's mistake."""

import pytest
from fastapi.testclient import TestClient
from graphql import get_introspection_query

from api.graphql import limits
from api.graphql.limits import MAX_ALIASES, MAX_DEPTH, MAX_DIRECTIVES, MAX_DOCUMENT_BYTES, MAX_NODES, MAX_TOKENS
from api.graphql.router import BATCHING_NOT_SUPPORTED
from api.graphql.schema import schema


def _post(client: TestClient, query: str, **variables: object) -> dict:
    return client.post("/graphql", json={"query": query, "variables": variables}).json()  # type: ignore[no-any-return]


def _nested_sections(levels: int) -> str:
    nested = "{ id }"
    for _ in range(levels):
        nested = "{ id parent " + nested + " }"
    return '{ section(id: "part-1") ' + nested + " }"


# Each abusive document, and the words its refusal must say.
ABUSE = {
    "too deep": (_nested_sections(MAX_DEPTH), "exceeds maximum operation depth"),
    "too many aliases": ("{ " + " ".join(f'a{i}: indicator(id: "gdp") {{ id }}' for i in range(MAX_ALIASES + 1)) + " }", "aliases"),
    "too many tokens": ("{ " + " ".join("x" for _ in range(MAX_TOKENS)) + " }", "tokens"),
    "too many bytes": ("{ __typename }" + " " * MAX_DOCUMENT_BYTES, f"at most {MAX_DOCUMENT_BYTES} are accepted"),
    "too many directives": ("{ " + " ".join("__typename @include(if: true)" for _ in range(MAX_DIRECTIVES + 1)) + " }", "directives"),
    "too many nodes": (
        "{ observations(first: 100) { nodes { indicator { observations { indicator { observations { id } } } } } } }",
        f"at most {MAX_NODES} are allowed",
    ),
    "too many nodes through fragments": (
        "{ indicators(first: 100) { ...deep } }"
        " fragment deep on IndicatorConnection { nodes { observations { indicator { observations { id } } } } }",
        f"at most {MAX_NODES} are allowed",
    ),
}


@pytest.mark.parametrize("name", ABUSE)
def test_an_abusive_document_is_refused_without_sql(client: TestClient, count_statements, name: str) -> None:  # type: ignore[no-untyped-def]
    document, words = ABUSE[name]
    body = _post(client, document)
    assert body["data"] is None
    assert words in body["errors"][0]["message"]
    assert count_statements.count == 0


def test_a_page_size_in_a_variable_counts_as_the_largest_page(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    document = "query($n: Int!) { observations(first: $n) { nodes { indicator { observations { indicator { observations { id } } } } } } }"
    body = _post(client, document, n=1)
    assert f"at most {MAX_NODES} are allowed" in body["errors"][0]["message"]
    assert count_statements.count == 0


def test_the_node_count_multiplies_pages_and_lists() -> None:
    from graphql import parse, validate

    def refused(document: str) -> bool:
        return bool(validate(schema._schema, parse(document), [limits.NodeLimit]))

    # 100 indicators + 100 * 50 observations = 5 100 nodes
    assert not refused("{ indicators(first: 100) { nodes { observations { id } } } }")
    # + 100 * 50 * 50 = 255 100 nodes
    assert refused("{ indicators(first: 100) { nodes { observations { indicator { observations { id } } } } } }")
    # the same with a page of 4: 4 + 200 + 10 000
    assert not refused("{ indicators(first: 4) { nodes { observations { indicator { observations { id } } } } } }")


def test_a_batch_of_operations_is_a_400_problem_saying_batching_is_not_supported_without_sql(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/graphql", json=[{"query": "{ indicators { totalCount } }"}, {"query": "{ projects { totalCount } }"}])
    assert (response.status_code, response.headers["content-type"]) == (400, "application/problem+json")
    assert response.json() == {"type": "about:blank", "title": "Invalid query", "status": 400, "detail": BATCHING_NOT_SUPPORTED}
    assert response.json()["detail"].startswith("batching is not supported")
    assert count_statements.count == 0


@pytest.mark.parametrize(
    ("content", "detail"),
    [("{not json", "Unable to parse request body as JSON"), ('{"variables": {}}', "No GraphQL query found in the request")],
    ids=["not json", "no query"],
)
def test_a_request_strawberry_cannot_read_is_a_400_problem(client: TestClient, content: str, detail: str) -> None:
    response = client.post("/graphql", content=content, headers={"content-type": "application/json"})
    assert (response.status_code, response.headers["content-type"]) == (400, "application/problem+json")
    assert response.json() == {"type": "about:blank", "title": "Invalid query", "status": 400, "detail": detail}


def test_a_large_query_under_every_limit_runs(client: TestClient) -> None:
    body = _post(client, "{ indicators(first: 100) { totalCount nodes { id observations { id value } } } }")
    assert "errors" not in body
    assert len(body["data"]["indicators"]["nodes"]) == 100


def test_the_standard_introspection_query_passes_every_limit(client: TestClient) -> None:
    body = _post(client, get_introspection_query(descriptions=True))
    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_introspection_stays_on(client: TestClient) -> None:
    body = _post(client, "{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_a_validated_document_is_not_validated_again() -> None:
    """The limit rules are built once, so the validation cache (keyed by document and rules) hits."""
    from strawberry.extensions.validation_cache import _get_validate_cache  # the cache strawberry shares per maxsize

    cache = _get_validate_cache(limits.CACHE_SIZE)
    document = "{ __schema { queryType { name } } }"  # no resolver: the schema runs it synchronously
    schema.execute_sync(document)
    hits = cache.cache_info().hits
    schema.execute_sync(document)
    assert cache.cache_info().hits == hits + 1
    assert cache.cache_info().maxsize == limits.CACHE_SIZE


def test_the_api_own_errors_are_not_masked_and_say_they_are_the_client_s(client: TestClient) -> None:
    body = _post(client, '{ search(q: "教育", kinds: ["planets"]) { total } }')
    assert body["errors"][0]["message"] == "unknown kind 'planets'"
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    "where",
    ['{ status: { exact: "target\\u0000" } }', '{ period: { overlaps: "99999999999" } }', '{ period: { overlaps: "soon" } }'],
)
def test_a_value_no_record_can_hold_is_the_client_s_mistake_not_a_server_error(client: TestClient, where: str) -> None:
    body = _post(client, f"{{ observations(where: {where}) {{ totalCount }} }}")
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert body["errors"][0]["message"] != "Unexpected error."


def test_a_page_size_below_one_is_refused_by_its_name(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    body = _post(client, "{ observations(first: 0) { totalCount } }")
    assert body["errors"][0]["message"] == "first must be at least 1 (got 0)"
    assert count_statements.count == 0


def test_get_answers_queries_and_there_are_no_mutations(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": '{ indicator(id: "gdp") { nameEn } }'})
    assert response.status_code == 200 and response.json()["data"]["indicator"]["nameEn"]
    assert schema._schema.mutation_type is None
    refused = _post(client, "mutation { deleteEverything }")
    assert refused["data"] is None and "mutation" in refused["errors"][0]["message"].lower()
    assert client.get("/graphql", params={"query": "mutation { deleteEverything }"}).status_code in (400, 405)
