"""The same filter, sort, search and facet cases through REST and GraphQL return the same ids."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # (REST path, REST params, GraphQL root field, GraphQL arguments)
    ("observations", {"value__gte": 100, "sort": "-value"}, "observations", "where: {value: {gte: 100}}, sort: [{field: VALUE, descending: true}]"),
    ("observations", {"period__overlaps": "2023", "sort": "period,id"}, "observations", 'where: {period: {overlaps: "2023"}}, sort: [{field: PERIOD}, {field: ID}]'),
    ("observations", {"scope__in": "citywide,city_level", "status": "target"}, "observations", 'where: {scope: {in: ["citywide", "city_level"]}, status: {exact: "target"}}'),
    ("observations", {"qualifier__isnull": "false", "unit__not": "%"}, "observations", 'where: {qualifier: {isnull: false}, unit: {not: "%"}}'),
    ("observations", {"topic": "innovation"}, "observations", 'where: {topic: {exact: "innovation"}}'),
    ("observations", {"q": "高新技术"}, "observations", 'q: "高新技术"'),
    ("projects", {"flagship": "true", "sort": "name_en"}, "projects", "where: {flagship: {exact: true}}, sort: [{field: NAME_EN}]"),
    ("projects", {"category__in": "transport,water", "year__gte": 2021}, "projects", 'where: {category: {in: ["transport", "water"]}, year: {gte: 2021}}'),
    ("projects", {"q": "hospital"}, "projects", 'q: "hospital"'),
    ("livelihood-items", {"status": "planned", "category": "education", "sort": "-char_start"}, "livelihoodItems", 'where: {status: {exact: "planned"}, category: {exact: "education"}}, sort: [{field: CHAR_START, descending: true}]'),
    ("livelihood-items", {"description_en__contains": "elderly"}, "livelihoodItems", 'where: {descriptionEn: {contains: "elderly"}}'),
    ("five-year-goals", {"kind": "major_task"}, "fiveYearGoals", 'where: {kind: {exact: "major_task"}}'),
    ("five-year-goals", {"target_value__isnull": "false"}, "fiveYearGoals", "where: {targetValue: {isnull: false}}"),
    ("sections", {"level": "topic", "depth__lt": 4, "sort": "-position"}, "sections", 'where: {level: {exact: "topic"}, depth: {lt: 4}}, sort: [{field: POSITION, descending: true}]'),
    ("indicators", {"topic__in": "economy,fiscal", "name_zh__contains": "收入"}, "indicators", 'where: {topic: {in: ["economy", "fiscal"]}, nameZh: {contains: "收入"}}'),
]


def _rest_ids(client: TestClient, path: str, params: dict[str, Any]) -> tuple[list[str], int]:
    body = client.get(f"/v1/{path}", params={**params, "limit": 100}).json()
    return [item["id"] for item in body["items"]], body["total"]


def _graphql_ids(client: TestClient, field: str, arguments: str) -> tuple[list[str], int]:
    query = f"{{ {field}({arguments}, first: 100) {{ totalCount nodes {{ id }} }} }}"
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    connection = body["data"][field]
    return [node["id"] for node in connection["nodes"]], connection["totalCount"]


@pytest.mark.parametrize(("path", "params", "field", "arguments"), CASES)
def test_rest_and_graphql_return_the_same_ids(client: TestClient, path: str, params: dict[str, Any], field: str, arguments: str) -> None:
    rest_ids, rest_total = _rest_ids(client, path, params)
    graphql_ids, graphql_total = _graphql_ids(client, field, arguments)
    assert rest_ids, "a case that matches nothing proves nothing"
    assert (graphql_ids, graphql_total) == (rest_ids, rest_total)


def test_search_through_rest_and_graphql_ranks_the_same(client: TestClient) -> None:
    rest = client.get("/v1/search", params={"q": "教育", "limit": 10}).json()
    body = client.post("/graphql", json={"query": '{ search(q: "教育", first: 10) { total items { kind id score } } }'}).json()
    graph = body["data"]["search"]
    assert graph["total"] == rest["total"]
    assert [(i["kind"], i["id"]) for i in graph["items"]] == [(i["kind"], i["id"]) for i in rest["items"]]


def test_facets_through_rest_and_graphql_agree(client: TestClient) -> None:
    rest = client.get("/v1/projects", params={"facet": ["category", "status"], "year": 2021, "limit": 1}).json()["facets"]
    query = '{ projects(where: {year: {exact: 2021}}, facet: ["category", "status"], first: 1) { facets { field values { value labelZh count } } } }'
    graph = client.post("/graphql", json={"query": query}).json()["data"]["projects"]["facets"]
    for group in graph:
        assert [(v["value"], v["labelZh"], v["count"]) for v in group["values"]] == [
            (v["value"], v["label_zh"], v["count"]) for v in rest[group["field"]]
        ]
