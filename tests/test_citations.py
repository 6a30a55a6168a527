"""Every fact can be cited: its heading path, ready-to-paste citations and its passage in context."""

from fastapi.testclient import TestClient


def test_a_fact_carries_its_section_path_and_citations(client: TestClient) -> None:
    source = client.get("/v1/observations/rd-intensity-2021").json()["source"]
    assert source["section_path_zh"] == "三、2021年主要工作安排 > (二)聚焦科创赋能,力促创新驱动发展 > 打造企业创新主体"
    assert source["cite_gbt7714"] == (
        "盛悠. 2021年慈溪市政府工作报告[R]. 慈溪: 慈溪市人民政府, 2021: " + source["section_path_zh"] + "."
    )
    assert source["cite_apa"].startswith("Sheng, Y. (2021). Cixi Municipal Government Work Report 2021 [2021年慈溪市政府工作报告], ")
    assert source["cite_apa"].endswith(". Cixi Municipal People's Government.")


def test_the_text_url_returns_the_passage_in_its_sentence_and_section(client: TestClient) -> None:
    source = client.get("/v1/observations/gdp-2021-citywide-growth-rate").json()["source"]
    passage = client.get(source["text_url"]).json()
    assert passage["text"] == source["quote"]
    assert source["quote"] in passage["sentence"]
    assert passage["sentence"].startswith("建议今年经济社会发展的主要预期目标为")
    assert passage["sentence"].endswith("。")
    assert passage["section_id"] == source["section_id"]


def test_citations_through_graphql_match_rest(client: TestClient) -> None:
    rest = client.get("/v1/projects/tongsujiayong-railway").json()["source"]
    body = client.post("/graphql", json={"query": '{ project(id: "tongsujiayong-railway") { source { citeGbt7714 citeApa textUrl } } }'}).json()
    graph = body["data"]["project"]["source"]
    assert (graph["citeGbt7714"], graph["citeApa"], graph["textUrl"]) == (rest["cite_gbt7714"], rest["cite_apa"], rest["text_url"])


def test_every_fact_has_a_permalink_that_resolves_to_itself(client: TestClient) -> None:
    for path in ("observations", "projects", "livelihood-items", "five-year-goals"):
        record = client.get(f"/v1/{path}", params={"limit": 1}).json()["items"][0]
        assert record["permalink"] == f"/v1/{path}/{record['id']}"
        assert client.get(record["permalink"]).json() == record
