"""The REST API serves the report's facts with their sources (run on SQLite and PostgreSQL)."""

from fastapi.testclient import TestClient

REPORT = "cixi-2021"


def _text(client: TestClient) -> str:
    return str(client.get(f"/v1/reports/{REPORT}/text").json()["text"])


def test_gdp_2020_citywide_is_2008_3_yi_yuan(client: TestClient) -> None:
    body = client.get("/v1/observations/gdp-2020-citywide").json()
    assert (body["indicator_id"], body["period"], body["status"], body["scope"]) == ("gdp", "2020", "actual", "citywide")
    assert (body["value"], body["unit"], body["unit_code"], body["base_value"]) == (2008.3, "亿元", "CNY_100M", 200830000000)
    assert "2008.3亿元" in body["source"]["quote"]


def test_every_observation_quote_is_sliced_exactly_out_of_the_text_at_its_offsets(client: TestClient) -> None:
    text = _text(client)
    cursor, seen = None, 0
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/observations", params=params).json()
        for item in page["items"]:
            source = item["source"]
            assert text[source["char_start"] : source["char_end"]] == source["quote"], item["id"]
            assert item["value_text"] in source["quote"], item["id"]
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == page["total"] > 100


def test_gdp_indicator_holds_its_observations_across_periods(client: TestClient) -> None:
    body = client.get("/v1/indicators/gdp").json()
    assert body["name_zh"] == "地区生产总值"
    ids = {observation["id"] for observation in body["observations"]}
    assert {"gdp-2020-citywide", "gdp-2020-city-level", "gdp-2020-citywide-growth-rate", "gdp-2021-citywide-growth-rate", "gdp-2025-citywide"} <= ids
    periods = [observation["period_start"] for observation in body["observations"]]
    assert periods == sorted(periods)


def test_2021_gdp_growth_targets_are_7_3_citywide_and_7_city_level(client: TestClient) -> None:
    page = client.get("/v1/observations", params={"indicator": "gdp", "period": "2021", "status": "target", "sort": "scope"}).json()
    assert [(item["scope"], item["value"], item["unit"]) for item in page["items"]] == [("city_level", 7, "%"), ("citywide", 7.3, "%")]


def test_report_metadata_names_the_text_hash(client: TestClient) -> None:
    body = client.get(f"/v1/reports/{REPORT}").json()
    assert body["title_zh"] == "2021年慈溪市政府工作报告"
    assert body["speaker_zh"] == "盛悠"
    assert len(body["text_sha256"]) == 64
    listing = client.get("/v1/reports").json()
    assert [item["id"] for item in listing["items"]] == [REPORT]


def test_report_text_passage_is_the_slice_between_offsets(client: TestClient) -> None:
    whole = _text(client)
    passage = client.get(f"/v1/reports/{REPORT}/text", params={"start": 354, "end": 380}).json()
    assert passage["text"] == whole[354:380]


def test_sections_form_the_report_heading_tree(client: TestClient) -> None:
    parts = client.get("/v1/sections", params={"level": "part"}).json()
    assert [item["number"] for item in parts["items"]] == ["一", "二", "三"]
    chapters = client.get("/v1/sections", params={"parent": "part-3", "level": "chapter", "limit": 50}).json()
    assert [item["number"] for item in chapters["items"]] == ["(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)", "(九)"]
    topic = client.get("/v1/sections/part-3-ch-1-transport").json()
    assert topic["heading_zh"] == "提升内外交通能级"
    assert topic["path"] == "part-3/part-3-ch-1/part-3-ch-1-transport"
    text = _text(client)
    assert text[topic["char_start"] :].startswith("提升内外交通能级")


def test_projects_list_the_six_flagship_projects(client: TestClient) -> None:
    page = client.get("/v1/projects", params={"flagship": "true"}).json()
    assert page["total"] == 6
    ids = {item["id"] for item in page["items"]}
    assert "tongsujiayong-railway" in ids
    railway = client.get("/v1/projects/tongsujiayong-railway").json()
    assert railway["name_zh"].startswith("通苏嘉甬铁路")
    assert any("海上钻探" in mention["source"]["quote"] for mention in railway["mentions"])


def test_livelihood_items_separate_2020_achievements_from_2021_plans(client: TestClient) -> None:
    achieved = client.get("/v1/livelihood-items", params={"status": "achieved", "limit": 500}).json()
    planned = client.get("/v1/livelihood-items", params={"status": "planned", "limit": 500}).json()
    assert achieved["total"] >= 5 and planned["total"] >= 5
    assert {item["year"] for item in planned["items"]} == {2021}
    candidates = [item for item in planned["items"] if "12个民生实事候选项目" in item["source"]["quote"]]
    assert candidates and candidates[0]["value"] == 12


def test_rd_intensity_goal_targets_3_7_percent_at_least_from_a_3_2_baseline(client: TestClient) -> None:
    goals = client.get("/v1/five-year-goals", params={"indicator": "rd-intensity"}).json()["items"]
    goal = next(item for item in goals if item["target_value"] == 3.7)
    assert (goal["target_unit"], goal["target_qualifier"], goal["plan"]) == ("%", "at_least", "fyp14")
    baseline = client.get(f"/v1/observations/{goal['baseline_observation_id']}").json()
    assert (baseline["period"], baseline["value"]) == ("2020", 3.2)


def test_list_endpoints_return_a_page_envelope_with_total(client: TestClient) -> None:
    for path in ("/v1/reports", "/v1/sections", "/v1/indicators", "/v1/observations", "/v1/projects", "/v1/livelihood-items", "/v1/five-year-goals"):
        response = client.get(path, params={"limit": 2})
        body = response.json()
        assert response.status_code == 200, path
        assert set(body) == {"items", "total", "total_exact", "limit", "next_cursor", "next"}, path
        assert body["total_exact"] is True, path
        assert len(body["items"]) == min(2, body["total"]), path
        assert response.headers["x-total-count"] == str(body["total"])


def test_detail_endpoints_return_each_listed_record(client: TestClient) -> None:
    for path in ("/v1/sections", "/v1/indicators", "/v1/observations", "/v1/projects", "/v1/livelihood-items", "/v1/five-year-goals"):
        first = client.get(path, params={"limit": 1}).json()["items"][0]
        detail = client.get(f"{path}/{first['id']}")
        assert detail.status_code == 200, path
        assert detail.json() == first, path


def test_health_probes(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    assert client.get("/health/ready").json() == {"status": "ready"}
