"""Filters, sorting, pagination and bad input on the REST lists."""

import pytest
from fastapi.testclient import TestClient


def _all(client: TestClient, path: str, **params: str | int) -> list[dict]:
    items, cursor = [], None
    while True:
        page = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})}).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_value_filters_and_descending_sort(client: TestClient) -> None:
    items = client.get("/v1/observations", params={"value__gte": 1000, "unit": "亿元", "sort": "-value"}).json()["items"]
    values = [item["value"] for item in items]
    assert values and all(value >= 1000 for value in values)
    assert values == sorted(values, reverse=True)
    assert values[0] == 3250.9


def test_in_filter_takes_comma_separated_values(client: TestClient) -> None:
    items = _all(client, "/v1/observations", scope__in="citywide,city_level", limit=100)
    assert {item["scope"] for item in items} == {"citywide", "city_level"}


def test_period_overlaps_finds_intervals_that_contain_the_year(client: TestClient) -> None:
    items = _all(client, "/v1/observations", period__overlaps="2023", limit=100)
    assert items
    assert all(item["period_start"] <= 2023 <= item["period_end"] for item in items)
    assert any(item["period"] == "2021/2025" for item in items)


def test_isnull_and_not(client: TestClient) -> None:
    no_scope = _all(client, "/v1/observations", scope__isnull="true", limit=500)
    not_citywide = _all(client, "/v1/observations", scope__not="citywide", limit=500)
    assert all(item["scope"] is None for item in no_scope)
    assert all(item["scope"] != "citywide" for item in not_citywide)
    assert len(not_citywide) > len(no_scope)


def test_contains_matches_inside_the_quote(client: TestClient) -> None:
    items = _all(client, "/v1/observations", quote__contains="高新技术企业")
    assert items and all("高新技术企业" in item["source"]["quote"] for item in items)


def test_topic_filter_reaches_through_the_indicator(client: TestClient) -> None:
    items = _all(client, "/v1/observations", topic="innovation", limit=100)
    indicators = {item["indicator_id"] for item in items}
    assert "rd-intensity" in indicators and "gdp" not in indicators


def test_cursor_pages_neither_repeat_nor_skip(client: TestClient) -> None:
    paged = _all(client, "/v1/observations", limit=7, sort="-value,period")
    whole = client.get("/v1/observations", params={"limit": 500, "sort": "-value,period"}).json()
    assert [item["id"] for item in paged] == [item["id"] for item in whole["items"]]
    assert len({item["id"] for item in paged}) == whole["total"]


def test_sort_on_a_nullable_field_keeps_nulls_last_and_pages_stably(client: TestClient) -> None:
    paged = _all(client, "/v1/projects", limit=9, sort="year")
    years = [item["year"] for item in paged]
    known = [year for year in years if year is not None]
    assert years[: len(known)] == sorted(known)
    assert len({item["id"] for item in paged}) == len(paged)


def test_next_link_is_in_body_and_link_header(client: TestClient) -> None:
    response = client.get("/v1/observations", params={"limit": 3})
    body = response.json()
    assert body["next"] and "cursor=" in body["next"]
    assert response.headers["link"] == f'<{body["next"]}>; rel="next"'


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/observations?colour=red", "colour"),
        ("/v1/observations?value__near=3", "value__near"),
        ("/v1/observations?value__gte=many", "value__gte"),
        ("/v1/observations?sort=quote", "sort"),
        ("/v1/observations?sort=nonsense", "nonsense"),
        ("/v1/observations?cursor=not-a-cursor", "cursor"),
        ("/v1/projects?flagship=perhaps", "flagship__exact"),
        ("/v1/observations?period__overlaps=soon", "period__overlaps"),
        ("/v1/reports/cixi-2021/text?start=10&end=5", "start"),
    ],
)
def test_bad_parameters_are_a_400_problem_that_names_them(client: TestClient, path: str, field: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Invalid query"
    assert any(field in error["pointer"] or field in body["detail"] for error in body["errors"])
    assert "Traceback" not in response.text


@pytest.mark.parametrize("limit", ["0", "-1", "501", "9223372036854775808", "ten"])
def test_out_of_range_limits_are_rejected(client: TestClient, limit: str) -> None:
    response = client.get("/v1/observations", params={"limit": limit})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/query/limit"


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/v1/indicators/gross-happiness", "indicator 'gross-happiness' not found"),
        ("/v1/observations/gdp-1999", "observation 'gdp-1999' not found"),
        ("/v1/projects/moon-base", "project 'moon-base' not found"),
        ("/v1/reports/ningbo-2021", "report 'ningbo-2021' not found"),
        ("/v1/sections/part-9", "section 'part-9' not found"),
        ("/v1/livelihood-items/free-lunch", "livelihood item 'free-lunch' not found"),
        ("/v1/five-year-goals/mars", "five-year goal 'mars' not found"),
    ],
)
def test_unknown_ids_are_a_404_problem(client: TestClient, path: str, detail: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not found", "status": 404, "detail": detail}


def test_a_list_page_runs_at_most_two_statements(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    client.get("/v1/observations", params={"limit": 50, "value__gte": 1})
    assert count_statements.count <= 2


def test_a_first_page_that_holds_every_match_is_one_statement_and_its_own_total(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    every = client.get("/v1/observations", params={"limit": 500, "indicator_id": "gdp"}).json()
    assert count_statements.count == 1
    assert every["total"] == len(every["items"]) > 1 and every["total_exact"] is True


def test_the_total_counts_every_match_on_a_page_that_is_not_the_only_one(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    every = client.get("/v1/observations", params={"limit": 500, "indicator_id": "gdp"}).json()
    first = client.get("/v1/observations", params={"limit": 1, "indicator_id": "gdp"}).json()
    count_statements.statements.clear()
    last = client.get("/v1/observations", params={"limit": 500, "indicator_id": "gdp", "cursor": first["next_cursor"]}).json()
    assert count_statements.count == 2
    assert first["total"] == last["total"] == every["total"]
    assert len(last["items"]) == every["total"] - 1
