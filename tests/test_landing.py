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
    for link in ('href="/docs"', 'href="/graphql"', 'href="/v1/downloads"', 'href="/v1/catalog"'):
        assert link in page
    assert '<html lang="zh-Hans">' in page
