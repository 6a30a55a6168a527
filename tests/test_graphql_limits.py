"""GraphQL abuse is refused before any SQL runs; internal errors are masked."""

from fastapi.testclient import TestClient

from api.graphql.schema import MAX_ALIASES, MAX_DEPTH


def _post(client: TestClient, query: str) -> dict:
    return client.post("/graphql", json={"query": query}).json()  # type: ignore[no-any-return]


def test_too_deep_a_query_is_refused_without_sql(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    nested = "{ id }"
    for _ in range(MAX_DEPTH):
        nested = "{ id parent " + nested + " }"
    body = _post(client, "{ section(id: \"part-1\") " + nested + " }")
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert count_statements.count == 0


def test_too_many_aliases_are_refused_without_sql(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    aliases = " ".join(f'a{i}: indicator(id: "gdp") {{ id }}' for i in range(MAX_ALIASES + 1))
    body = _post(client, "{ " + aliases + " }")
    assert "aliases" in body["errors"][0]["message"].lower()
    assert count_statements.count == 0


def test_a_huge_document_is_refused(client: TestClient) -> None:
    body = _post(client, "{ " + " ".join("__typename" for _ in range(6000)) + " }")
    assert "token" in body["errors"][0]["message"].lower()


def test_the_api_own_errors_are_not_masked(client: TestClient) -> None:
    body = _post(client, '{ search(q: "教育", kinds: ["planets"]) { total } }')
    assert body["errors"][0]["message"] == "unknown kind 'planets'"


def test_introspection_stays_on(client: TestClient) -> None:
    body = _post(client, "{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
