"""A journalist's sentence checked against the report."""

from fastapi.testclient import TestClient


def _check(client: TestClient, text: str) -> dict:
    response = client.get("/v1/verify", params={"text": text})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_correct_sentence_is_supported_with_its_source(client: TestClient) -> None:
    body = _check(client, "2020年慈溪地区生产总值2008.3亿元")
    assert body["verdict"] == "supported"
    claim = body["claims"][0]
    assert (claim["number"], claim["unit"], claim["year"]) == ("2008.3", "亿元", "2020")
    assert claim["facts"][0]["id"] == "gdp-2020-citywide"
    assert "2008.3亿元" in claim["facts"][0]["source"]["quote"]


def test_a_wrong_number_is_contradicted_with_what_the_report_says(client: TestClient) -> None:
    body = _check(client, "2020年慈溪地区生产总值2080.3亿元")
    assert body["verdict"] == "contradicted"
    claim = body["claims"][0]
    assert "2008.3亿元" in claim["reason"]
    assert claim["facts"][0]["id"] == "gdp-2020-citywide"


def test_a_wrong_unit_is_named(client: TestClient) -> None:
    body = _check(client, "2020年慈溪地区生产总值2008.3万元")
    assert body["verdict"] == "contradicted"
    assert "unit" in body["claims"][0]["reason"] and "2008.3亿元" in body["claims"][0]["reason"]


def test_a_wrong_year_is_named(client: TestClient) -> None:
    body = _check(client, "2019年慈溪新增高新技术企业126家")
    assert body["verdict"] == "contradicted"
    assert "2020" in body["claims"][0]["reason"]


def test_a_sentence_not_in_the_report_is_not_found(client: TestClient) -> None:
    body = _check(client, "慈溪有3只大熊猫在动物园里")
    assert body["verdict"] == "not_found"
    assert body["claims"][0]["facts"] == []


def test_a_sentence_without_numbers_says_so(client: TestClient) -> None:
    assert _check(client, "慈溪是一座美丽的城市")["verdict"] == "no_numbers"
