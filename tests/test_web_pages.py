"""The pages for people: browse tables that are the REST lists, record pages with every field,
the source sentence and citations, charts computed from the data, and the report reader."""

import re
from collections import Counter
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api import models
from api.web.charts import pair_observations
from api.web.reader import Paragraph, SectionNode, read_report

ROW_ID = re.compile(r'<tr data-id="([^"]+)">')
PAGES = ["/", "/charts", "/report", "/indicators", "/observations", "/projects", "/livelihood-items", "/five-year-goals"]


def row_ids(html: str) -> list[str]:
    return ROW_ID.findall(html)


def link(html: str, marker: str) -> str:
    """The href of the link carrying ``marker`` (an attribute such as data-format="json")."""
    tag = next((tag for tag in re.findall(r"<a [^>]*>", html) if marker in tag), None)
    assert tag, marker
    return unescape(re.search(r'href="([^"]+)"', tag).group(1))  # type: ignore[union-attr]


def api_ids(client: TestClient, path: str, **params: str) -> list[str]:
    response = client.get(path, params=params) if params else client.get(path)  # a path may carry its own query
    return [item["id"] for item in response.json()["items"]]


def text_of(fragment: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_chinese_by_default_and_english_on_request(client: TestClient, path: str) -> None:
    chinese = client.get(path)
    english = client.get(path, params={"lang": "en"})
    assert chinese.status_code == english.status_code == 200
    assert chinese.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-Hans">' in chinese.text and '<html lang="en">' in english.text
    assert 'class="skip-link" href="#main"' in chinese.text and '<main id="main"' in chinese.text


def test_links_of_an_english_page_keep_the_language(client: TestClient) -> None:
    page = client.get("/projects", params={"lang": "en"}).text
    elsewhere = ("/v1", "/docs", "/redoc", "/graphql", "/static", "/openapi")
    own_pages = [href for href in re.findall(r'href="(/[^"]*)"', page) if not href.startswith(elsewhere)]
    assert own_pages
    switch = link(page, 'class="language"')
    assert all("lang=en" in unescape(href) for href in own_pages if href != switch), own_pages
    assert "lang=en" not in switch


def test_pages_load_nothing_from_another_host(client: TestClient) -> None:
    for path in PAGES:
        page = client.get(path).text
        assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == [], path


def test_html_pages_are_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if not path.startswith(("/v1", "/health"))]


def test_a_filter_shows_the_rows_of_the_same_rest_filter(client: TestClient) -> None:
    page = client.get("/projects", params={"status": "completed", "limit": "20"}).text
    assert row_ids(page) == api_ids(client, "/v1/projects", status="completed", limit="20")
    json_link = link(page, 'data-format="json"')
    assert urlsplit(json_link).path == "/v1/projects"
    assert dict(parse_qsl(urlsplit(json_link).query)) == {"status": "completed", "limit": "20"}
    assert api_ids(client, json_link) == row_ids(page)
    csv_link = link(page, 'data-format="csv"')
    csv_ids = [line.split(",")[0] for line in client.get(csv_link).text.splitlines()[1:]]
    assert csv_ids == row_ids(page)


def test_search_keeps_the_records_the_rest_search_finds(client: TestClient) -> None:
    page = client.get("/projects", params={"q": "铁路"}).text
    found = api_ids(client, "/v1/projects", q="铁路", limit="20")
    assert found and row_ids(page) == found
    assert len(found) < client.get("/v1/projects").json()["total"]


def test_empty_form_fields_mean_any_value(client: TestClient) -> None:
    page = client.get("/projects", params={"q": "", "status": "", "category": "", "limit": "20"}).text
    assert row_ids(page) == api_ids(client, "/v1/projects", limit="20")


def test_facet_choices_count_the_alternatives_under_the_other_filters(client: TestClient) -> None:
    page = client.get("/projects", params={"status": "completed", "year": "2020"}).text
    select = re.search(r'<select id="facet-status" name="status">(.*?)</select>', page, re.DOTALL)
    assert select
    shown = {value: int(count) for value, count in re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>', select.group(1))}
    facets = client.get("/v1/projects", params={"year": "2020", "facet": "status"}).json()["facets"]["status"]
    assert shown == {facet["value"]: facet["count"] for facet in facets}
    assert '<option value="completed" selected>' in select.group(1)


def test_a_column_sorts_as_the_rest_sort_does(client: TestClient) -> None:
    first = client.get("/livelihood-items").text
    sort_link = link(first, 'class="sort sort-none"')
    assert "sort=" in sort_link
    sorted_page = client.get(sort_link).text
    sort = dict(parse_qsl(urlsplit(sort_link).query))["sort"]
    assert row_ids(sorted_page) == api_ids(client, "/v1/livelihood-items", sort=sort, limit="20")
    assert 'aria-sort="ascending"' in sorted_page


def test_the_next_page_continues_where_the_first_ended(client: TestClient) -> None:
    first = client.get("/observations", params={"limit": "20"}).text
    second = client.get(link(first, 'rel="next"')).text
    everything = api_ids(client, "/v1/observations", limit="40")
    assert row_ids(first) + row_ids(second) == everything


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/projects", {"colour": "red"}, 400),
        ("/projects", {"year": "last"}, 400),
        ("/projects", {"limit": "0"}, 400),
        ("/projects", {"limit": "many"}, 400),
        ("/projects", {"lang": "fr"}, 400),
        ("/report", {"start": "-1", "end": "5"}, 400),
        ("/projects/no-such-project", {}, 404),
        ("/observations/no-such-observation", {}, 404),
    ],
)
def test_bad_input_gets_a_friendly_page_with_its_status(client: TestClient, path: str, params: dict[str, str], status: int) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert 'class="error-status"' in response.text and "Traceback" not in response.text


def test_a_browse_page_runs_as_many_statements_for_100_rows_as_for_5(client: TestClient, count_statements) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for limit in ("5", "100"):
        client.get("/indicators", params={"limit": limit})  # warm: the release is computed once
        count_statements.statements.clear()
        client.get("/indicators", params={"limit": limit, "topic": "economy"})
        counts.append(count_statements.count)
    assert counts[0] == counts[1] <= 4  # total, rows, the observations of all rows, one facet


def test_html_pages_have_validators_a_304_and_gzip(client: TestClient) -> None:
    page = client.get("/projects", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    again = client.get("/projects", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304


def test_an_observation_page_shows_every_field_its_sentence_and_citations(client: TestClient) -> None:
    record = client.get("/v1/observations/gdp-2020-citywide").json()
    page = client.get("/observations/gdp-2020-citywide").text
    for name in [*record, *(f"source_{name}" for name in record["source"])]:
        if name != "source":
            assert f"<dt><code>{name}</code></dt>" in page, name
    quote = re.search(r'<mark id="quote">(.*?)</mark>', page)
    assert quote and unescape(quote.group(1)) == record["source"]["quote"]
    sentence = client.get(record["source"]["text_url"]).json()["sentence"]
    context = re.search(r'<blockquote class="context"[^>]*>(.*?)</blockquote>', page, re.DOTALL)
    assert context and text_of(context.group(1)).strip() == sentence
    for style in ("gbt7714", "apa"):
        cited = re.search(rf'<p class="citation" id="cite-{style}"[^>]*>(.*?)</p>', page)
        assert cited and unescape(cited.group(1)) == record["source"][f"cite_{style}"]
    assert link(page, 'data-format="rest"') == "/v1/observations/gdp-2020-citywide"


def test_the_graphql_link_of_a_record_asks_for_that_record(client: TestClient) -> None:
    page = client.get("/projects/tongsujiayong-railway").text
    query = dict(parse_qsl(urlsplit(link(page, 'data-format="graphql"')).query))["query"]
    answer = client.post("/graphql", json={"query": query}).json()
    rest = client.get("/v1/projects/tongsujiayong-railway").json()
    assert answer["data"]["project"]["nameZh"] == rest["name_zh"]
    assert answer["data"]["project"]["source"]["citeApa"] == rest["source"]["cite_apa"]


@pytest.mark.parametrize("dataset", ["indicators", "livelihood-items", "five-year-goals"])
def test_every_dataset_has_record_pages(client: TestClient, dataset: str) -> None:
    key = client.get(f"/v1/{dataset}", params={"limit": 1}).json()["items"][0]["id"]
    page = client.get(f"/{dataset}/{key}")
    assert page.status_code == 200
    assert f'href="/v1/{dataset}/{key}"' in page.text


def _pairs_in_the_data(client: TestClient) -> int:
    """Indicators with exactly one 2015 and one 2020 actual value of one measure, scope and unit."""
    items = client.get("/v1/observations", params={"status": "actual", "period__in": "2015,2020", "limit": 500}).json()["items"]
    sides = Counter((o["indicator_id"], o["measure"], o["scope"], o["unit"], o["period"]) for o in items if o["unit"])
    keys = {key[:4] for key in sides}
    return sum(1 for key in keys if sides[(*key, "2015")] == 1 and sides[(*key, "2020")] == 1)


def bars(page: str, chart: str) -> list[tuple[float, str]]:
    svg = re.search(rf'<svg id="{chart}".*?</svg>', page, re.DOTALL)
    assert svg
    bar = r'<rect class="bar [^"]+"[^>]*width="([\d.]+)"[^>]*></rect>\s*<text[^>]*>([^<]*)</text>'
    return [(float(width), label) for width, label in re.findall(bar, svg.group(0))]


def test_the_13th_plan_chart_draws_a_start_and_an_end_bar_for_each_pair_in_the_data(client: TestClient) -> None:
    page = client.get("/charts").text
    drawn = bars(page, "chart-fyp13")
    assert len(drawn) == 2 * _pairs_in_the_data(client) > 0
    (start_width, start_label), (end_width, end_label) = drawn[0], drawn[1]
    start_value, end_value = float(start_label.split()[0]), float(end_label.split()[0])
    assert start_width / end_width == pytest.approx(start_value / end_value, rel=0.01)


def test_the_14th_plan_chart_pairs_each_goal_target_with_its_baseline_in_the_same_unit(client: TestClient) -> None:
    goals = client.get("/v1/five-year-goals", params={"plan": "fyp14", "limit": 500}).json()["items"]
    linked = [goal for goal in goals if goal["target_observation_id"] and goal["baseline_observation_id"]]
    same_unit = [
        goal
        for goal in linked
        if client.get(f"/v1/observations/{goal['target_observation_id']}").json()["unit"]
        == client.get(f"/v1/observations/{goal['baseline_observation_id']}").json()["unit"]
    ]
    assert len(bars(client.get("/charts").text, "chart-fyp14")) == 2 * len(same_unit) > 0


def test_the_2021_targets_chart_counts_every_2021_target_once(client: TestClient) -> None:
    drawn = bars(client.get("/charts").text, "chart-targets-2021")
    total = client.get("/v1/observations", params={"status": "target", "period": "2021", "limit": 1}).json()["total"]
    assert sum(int(label) for _, label in drawn) == total


def _observation(key: str, period: str, unit: str | None, value: float = 1.0) -> models.Observation:
    return models.Observation(
        id=key, report_id="r", indicator_id="i", period=period, period_start=0, period_end=0, status="actual",
        measure="level", value=value, unit=unit, quote="q", char_start=0, char_end=1,
    )


def test_pairs_need_one_unit_and_no_second_candidate() -> None:
    start, end = _observation("a-2015", "2015", "亿元"), _observation("a-2020", "2020", "亿元")
    assert pair_observations([start], [end]) == [(start, end)]
    assert pair_observations([start], [_observation("b", "2020", "%")]) == []
    assert pair_observations([start], [end, _observation("c", "2020", "亿元")]) == []
    assert pair_observations([_observation("d", "2015", None)], [_observation("e", "2020", None)]) == []


def test_the_report_reader_links_every_fact_and_anchors_every_section(client: TestClient) -> None:
    page = client.get("/report").text
    for section in client.get("/v1/sections", params={"limit": 500}).json()["items"]:
        assert f'<section id="{section["id"]}"' in page
    for observation in client.get("/v1/observations", params={"limit": 500}).json()["items"]:
        assert f'href="/observations/{observation["id"]}"' in page
    marked = re.findall(r'<mark class="fact"><a href="([^"]+)"', page)
    assert len(marked) > 300


def test_the_report_reader_highlights_the_passage_asked_for(client: TestClient) -> None:
    source = client.get("/v1/observations/gdp-2020-citywide").json()["source"]
    page = client.get("/report", params={"start": source["char_start"], "end": source["char_end"]}).text
    highlighted = "".join(text_of(run) for run in re.findall(r'<span class="passage"[^>]*>(.*?)</span>', page))
    assert highlighted == source["quote"]
    assert 'id="passage"' in page


def _shown(blocks: list[Paragraph | SectionNode]) -> str:
    """The report's text as the reader shows it: paragraphs, and sections' headings and blocks."""
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append("".join(run.text for run in block.runs))
        else:
            parts.append("".join(run.text for run in block.heading) + _shown(block.blocks))
    return "".join(parts)


def test_the_reader_shows_every_character_of_the_report_once_in_order(engine: Engine) -> None:
    with Session(engine) as session:
        reading = read_report(session, key="cixi-2021", start=None, end=None)
    shown = _shown([*reading.preamble, *reading.sections])
    assert "".join(shown.split()) == "".join(reading.report.text.split())
