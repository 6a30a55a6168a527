"""CSV that opens in Excel, NDJSON, languages, and facet counts."""

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient


def test_csv_round_trips_with_chinese_intact_and_no_bom_unless_asked(client: TestClient) -> None:
    response = client.get("/v1/observations", params={"format": "csv", "indicator": "gdp", "limit": 100})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    row = next(r for r in rows if r["id"] == "gdp-2020-citywide")
    assert (row["value"], row["unit"]) == ("2008.3", "亿元")
    assert "2008.3亿元" in row["source_quote"]
    assert list(rows[0])[:4] == ["id", "permalink", "indicator_id", "period"]
    assert len(rows) == int(response.headers["x-total-count"])


def test_csv_with_bom_for_excel(client: TestClient) -> None:
    response = client.get("/v1/projects", params={"format": "csv", "bom": "1", "limit": 5})
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 5 and rows[0]["name_zh"]


def test_accept_header_chooses_the_format(client: TestClient) -> None:
    ndjson = client.get("/v1/livelihood-items", params={"limit": 3}, headers={"Accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in ndjson.text.splitlines()]
    assert len(lines) == 3 and "source_quote" in lines[0]
    csv_response = client.get("/v1/five-year-goals", params={"limit": 2}, headers={"Accept": "text/csv"})
    assert csv_response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(("params", "headers"), [({"format": "xml"}, {}), ({}, {"Accept": "application/xml"})])
def test_unsupported_formats_are_406(client: TestClient, params: dict, headers: dict) -> None:
    response = client.get("/v1/observations", params=params, headers=headers)
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"


def test_lang_keeps_one_language_in_flat_formats(client: TestClient) -> None:
    english = client.get("/v1/indicators", params={"format": "csv", "lang": "en", "limit": 3})
    header = english.text.splitlines()[0].split(",")
    assert "name_en" in header and "name_zh" not in header
    assert english.headers["content-language"] == "en"
    chinese = client.get("/v1/indicators", params={"format": "csv", "limit": 3}, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "name_zh" in chinese.text.splitlines()[0] and "name_en" not in chinese.text.splitlines()[0]


def test_facets_count_the_filtered_rows_with_labels(client: TestClient) -> None:
    body = client.get("/v1/observations", params={"facet": ["status", "period"], "scope": "citywide", "limit": 1}).json()
    status = {facet["value"]: facet for facet in body["facets"]["status"]}
    assert sum(facet["count"] for facet in body["facets"]["status"]) == body["total"]
    assert status["target"]["label_zh"] == "目标值" and status["target"]["label_en"] == "Target"
    assert {facet["value"] for facet in body["facets"]["period"]} >= {"2020", "2021"}


def test_facets_on_projects_by_category(client: TestClient) -> None:
    body = client.get("/v1/projects", params={"facet": "category", "limit": 1}).json()
    transport = next(facet for facet in body["facets"]["category"] if facet["value"] == "transport")
    filtered = client.get("/v1/projects", params={"category": "transport", "limit": 1}).json()
    assert transport["count"] == filtered["total"] and transport["label_zh"] == "交通"


def test_facet_on_free_text_is_refused(client: TestClient) -> None:
    response = client.get("/v1/observations", params={"facet": "quote"})
    assert response.status_code == 400
