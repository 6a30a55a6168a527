"""Full-text search in Chinese, English and mixed terms, the same on SQLite and PostgreSQL."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from api import models, queries, search


def _top(client: TestClient, q: str, n: int = 3, **params: str) -> list[tuple[str, str]]:
    body = client.get("/v1/search", params={"q": q, "limit": n, **params}).json()
    return [(item["kind"], item["id"]) for item in body["items"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("教育", ("indicators", "higher-education-gross-enrollment-rate")),
        ("高铁", ("five_year_goals", "modern-integrated-transport-system")),
        ("5G", ("indicators", "new-5g-base-stations")),
        ("民生实事", ("indicators", "annual-livelihood-projects")),
        ("研发投入", ("indicators", "rd-intensity")),
        ("hospital", ("projects", "longshan-hospital-phase-2")),
        ("railway", ("projects", "tongsujiayong-railway")),
        ("PM2.5", ("indicators", "pm25-average-concentration")),
        ("医保", ("livelihood_items", "medical-insurance-reform-2021")),
    ],
)
def test_real_words_of_the_report_find_the_expected_record_first(client: TestClient, q: str, expected: tuple[str, str]) -> None:
    assert _top(client, q, 1) == [expected]


def test_two_character_chinese_words_match_whole_words_not_single_characters(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "医保", "limit": 100}).json()
    assert body["total"] == len(body["items"]) >= 1
    for item in body["items"]:
        assert "医保" in item["snippet"].replace("<mark>", "").replace("</mark>", "") or "医保" in item["title_zh"]


def test_snippets_mark_the_match(client: TestClient) -> None:
    item = client.get("/v1/search", params={"q": "研发投入"}).json()["items"][0]
    assert "<mark>研发投入</mark>" in item["snippet"]
    assert item["url"].endswith(f"/v1/indicators/{item['id']}")


def test_english_words_match_english_fields_as_prefixes(client: TestClient) -> None:
    ids = {item["id"] for item in client.get("/v1/search", params={"q": "hospital", "limit": 100}).json()["items"]}
    assert "longshan-hospital-phase-2" in ids


def test_kind_limits_the_datasets(client: TestClient) -> None:
    items = client.get("/v1/search", params={"q": "教育", "kind": "projects", "limit": 100}).json()["items"]
    assert items and {item["kind"] for item in items} == {"projects"}
    assert client.get("/v1/search", params={"q": "教育", "kind": "planets"}).status_code == 400


def test_q_filters_every_list(client: TestClient) -> None:
    page = client.get("/v1/projects", params={"q": "铁路"}).json()
    assert page["total"] >= 2 and "tongsujiayong-railway" in {item["id"] for item in page["items"]}
    observations = client.get("/v1/observations", params={"q": "高新技术企业", "status": "target"}).json()
    assert {item["id"] for item in observations["items"]} >= {"new-high-tech-enterprises-2021-count"}


def test_a_query_with_no_words_is_a_400(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "!!!"})
    assert response.status_code == 400 and response.json()["errors"][0]["pointer"] == "/query/q"


def test_search_is_not_a_like_scan(count_statements, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    client.get("/v1/search", params={"q": "教育"})
    statement = " ".join(count_statements.statements).lower()
    assert "like" not in statement
    assert "match" in statement or "@@" in statement


def test_tokens_are_cjk_unigrams_and_bigrams_and_latin_words() -> None:
    assert list(search.raw_tokens("研发投入PM2.5")) == ["研", "发", "投", "入", "研发", "发投", "投入", "pm2.5"]
    assert [term.prefix for term in search.query_terms("教育 railway")] == [False, True]


def test_education_results_are_about_education(client: TestClient) -> None:
    items = client.get("/v1/search", params={"q": "教育", "limit": 5}).json()["items"]
    assert all("教育" in item["title_zh"] for item in items)


def _holds(tokens: list[str], term: search.QueryTerm) -> bool:
    return any(token == term.token or (term.prefix and token.startswith(term.token)) for token in tokens)


@pytest.mark.parametrize("q", ["发展", "建设", "2021", "new", "the 建设"])
def test_results_are_the_best_of_every_match_by_score_then_kind_then_id(engine: Engine, q: str) -> None:
    terms = search.query_terms(q)
    with Session(engine) as session:
        documents = session.exec(select(models.SearchDocument)).all()
        hits, total = queries.search_documents(session, q=q, limit=30)
    matching = [document for document in documents if all(_holds(document.tokens.split(" "), term) for term in terms)]
    ranked = sorted(
        (-search.relevance(f"{document.title_zh} {document.title_en}", document.tokens, terms), document.kind, document.record_id)
        for document in matching
    )
    assert total == len(matching) > 30
    assert [(-hit.score, hit.document.kind, hit.document.record_id) for hit in hits] == ranked[:30]


def test_a_title_hit_is_read_from_the_title_as_its_tokens_would_say() -> None:
    title = "研发投入 PM2.5 Hospitals"
    title_tokens = set(search.document_tokens([title]).split(" "))
    for q in ["研发", "投", "入研", "pm2", "pm2.5", "hospital", "ospital", "5"]:
        for term in search.query_terms(q):
            expected = any(token == term.token or (term.prefix and token.startswith(term.token)) for token in title_tokens)
            assert (search.relevance(title, term.token, [term]) > 1) is expected, q


def test_search_can_keep_to_one_report(client: TestClient) -> None:
    everywhere = client.get("/v1/search", params={"q": "教育"}).json()
    in_cixi = client.get("/v1/search", params={"q": "教育", "report": "cixi-2021"}).json()
    elsewhere = client.get("/v1/search", params={"q": "教育", "report": "ningbo-2021"}).json()
    assert everywhere["total"] > 0 and in_cixi == everywhere
    assert (elsewhere["total"], elsewhere["items"]) == (0, [])
    graphql = client.post("/graphql", json={"query": '{ search(q: "教育", report: "ningbo-2021") { total } }'}).json()
    assert graphql["data"]["search"]["total"] == 0
