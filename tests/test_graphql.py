"""GraphQL: the same data and filters as REST, nested, batched."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


def gql(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body.get("errors")
    return body["data"]  # type: ignore[no-any-return]


def test_gdp_2020_citywide_through_graphql_matches_rest(client: TestClient) -> None:
    data = gql(client, '{ observation(id: "gdp-2020-citywide") { value unit period scope source { quote charStart charEnd section { id } } } }')
    rest = client.get("/v1/observations/gdp-2020-citywide").json()
    node = data["observation"]
    assert (node["value"], node["unit"], node["period"], node["scope"]) == (2008.3, "亿元", "2020", "citywide")
    assert node["source"]["quote"] == rest["source"]["quote"]
    assert node["source"]["section"]["id"] == rest["source"]["section_id"]


def test_indicator_nests_observations_with_their_source_sections(client: TestClient) -> None:
    data = gql(client, '{ indicator(id: "rd-intensity") { nameZh observations { period status value source { section { headingZh parent { id } } } } } }')
    indicator = data["indicator"]
    assert indicator["nameZh"] == "研发投入强度"
    values = {(o["period"], o["status"]): o["value"] for o in indicator["observations"]}
    assert values[("2020", "actual")] == 3.2
    assert values[("2021", "target")] == 3.3
    assert values[("2025", "target")] == 3.7
    assert all(o["source"]["section"] for o in indicator["observations"])


def test_connections_filter_sort_and_page_like_rest(client: TestClient) -> None:
    query = """query($after: String) {
      observations(where: {unit: {exact: "亿元"}, value: {gte: 1000}}, sort: [{field: VALUE, descending: true}], first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id value } } nodes { id }
      }
    }"""
    first = gql(client, query)["observations"]
    rest = client.get("/v1/observations", params={"unit": "亿元", "value__gte": 1000, "sort": "-value", "limit": 4}).json()
    assert first["totalCount"] == rest["total"]
    second = gql(client, query, after=first["pageInfo"]["endCursor"])["observations"]
    assert [n["id"] for n in first["nodes"] + second["nodes"]] == [item["id"] for item in rest["items"]]
    assert first["edges"][-1]["cursor"] == first["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    "root",
    ["reports", "sections", "indicators", "observations", "projects", "livelihoodItems", "fiveYearGoals"],
)
def test_every_list_root_field_returns_a_connection(client: TestClient, root: str) -> None:
    data = gql(client, f"{{ {root}(first: 3) {{ totalCount pageInfo {{ hasNextPage }} nodes {{ id }} }} }}")
    connection = data[root]
    assert connection["totalCount"] >= len(connection["nodes"]) >= 1
    rest_path = {"livelihoodItems": "livelihood-items", "fiveYearGoals": "five-year-goals"}.get(root, root)
    rest = client.get(f"/v1/{rest_path}", params={"limit": 3}).json()
    assert [node["id"] for node in connection["nodes"]] == [item["id"] for item in rest["items"]]


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("report", "cixi-2021"),
        ("section", "part-1"),
        ("indicator", "gdp"),
        ("observation", "gdp-2020-citywide"),
        ("project", "tongsujiayong-railway"),
        ("fiveYearGoal", None),
        ("livelihoodItem", None),
    ],
)
def test_every_single_record_root_field_finds_its_record(client: TestClient, field: str, key: str | None) -> None:
    if key is None:
        plural = {"fiveYearGoal": "five-year-goals", "livelihoodItem": "livelihood-items"}[field]
        key = client.get(f"/v1/{plural}", params={"limit": 1}).json()["items"][0]["id"]
    data = gql(client, f'{{ {field}(id: "{key}") {{ id }} }}')
    assert data[field] == {"id": key}
    missing = gql(client, f'{{ {field}(id: "no-such-thing") {{ id }} }}')
    assert missing[field] is None


def test_goal_links_to_indicator_target_and_baseline(client: TestClient) -> None:
    data = gql(client, '{ fiveYearGoals(where: {indicatorId: {exact: "gdp"}}, first: 5) { nodes { targetValue indicator { id } target { value unit } baseline { value period } } } }')
    goal = next(node for node in data["fiveYearGoals"]["nodes"] if node["targetValue"] == 3000)
    assert goal["indicator"] == {"id": "gdp"}
    assert goal["target"] == {"value": 3000, "unit": "亿元"}
    assert goal["baseline"] == {"value": 2008.3, "period": "2020"}


def test_project_mentions_nest(client: TestClient) -> None:
    data = gql(client, '{ project(id: "tongsujiayong-railway") { flagship mentions { year status source { quote } } } }')
    assert data["project"]["flagship"] is True
    assert any("海上钻探" in m["source"]["quote"] for m in data["project"]["mentions"])


def test_bad_filter_value_is_a_graphql_error_not_a_crash(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": '{ observations(where: {period: {overlaps: "soon"}}) { totalCount } }'})
    body = response.json()
    assert body["errors"][0]["message"].startswith("period__overlaps")


NESTED = """query($first: Int!) {
  indicators(first: $first) {
    nodes { id observations { id source { quote section { id parent { id } } } } }
  }
}"""


def test_nested_query_issues_a_fixed_number_of_statements_however_many_rows(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for first in (2, 40, 100):
        count_statements.statements.clear()
        data = gql(client, NESTED, first=first)
        assert len(data["indicators"]["nodes"]) == first
        counts.append(count_statements.count)
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= 6
