"""The landing page tells people and search engines what the data is."""

import json
import re

from fastapi.testclient import TestClient


def test_landing_page_embeds_schema_org_dataset_metadata(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL)
    assert match
    dataset = json.loads(match.group(1))
    assert dataset["@type"] == "Dataset"
    for key in ("name", "description", "creator", "temporalCoverage", "spatialCoverage", "distribution", "license"):
        assert dataset[key], key
    downloads = client.get("/v1/downloads").json()
    assert len(dataset["distribution"]) == downloads["total"]
    assert dataset["version"] == client.get("/v1/meta").json()["version"]


def test_landing_page_shows_headline_figures_and_links_to_docs(client: TestClient) -> None:
    page = client.get("/").text
    assert "2008.3 亿元" in page
    for link in ('href="/docs"', 'href="/redoc"', 'href="/graphql"', 'href="/v1/downloads"', 'href="/v1/catalog"'):
        assert link in page
    for browse in ("/indicators", "/observations", "/projects", "/livelihood-items", "/five-year-goals", "/report", "/charts"):
        assert f'href="{browse}"' in page
    assert '<html lang="zh-Hans">' in page


def test_each_headline_card_shows_its_observation_as_the_api_serves_it(client: TestClient) -> None:
    cards = re.findall(r'<li class="card">\s*<a href="/observations/([^"]+)">(.*?)</a>', client.get("/").text, re.DOTALL)
    assert len(cards) >= 4
    for key, card in cards:
        observation = client.get(f"/v1/observations/{key}").json()
        assert f'<span class="card-value">{observation["value_text"]} {observation["unit"]}</span>' in card
        assert observation["period"] in card


def test_the_gdp_card_carries_its_growth_rate_from_the_data(client: TestClient) -> None:
    card = re.search(r'<a href="/observations/gdp-2020-citywide">(.*?)</a>', client.get("/").text, re.DOTALL)
    growth = client.get("/v1/observations/gdp-2020-citywide-growth-rate").json()
    assert card and f'{growth["value_text"]} {growth["unit"]}' in card.group(1)


def test_the_dataset_metadata_covers_the_years_the_data_speaks_of(client: TestClient) -> None:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', client.get("/").text, re.DOTALL)
    assert match
    meta = client.get("/v1/meta").json()
    assert json.loads(match.group(1))["temporalCoverage"] == f'{meta["temporal_start"]}/{meta["temporal_end"]}'
