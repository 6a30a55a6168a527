"""The pages for people in a real browser (headless Chromium against a live server, see
tests/live_browser.py): no request to another host, no console error, no sideways scrolling at
phone width; search, filters, charts, the cite button and the report reader work as seen."""

from collections import Counter
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from live_browser import Visit

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/?lang=en",
    "/charts",
    "/report",
    "/indicators",
    "/observations?status=target",
    "/projects",
    "/livelihood-items?lang=en",
    "/five-year-goals",
    "/indicators/gdp",
    "/observations/gdp-2020-citywide",
    "/projects/tongsujiayong-railway",
]
PHONE: "ViewportSize" = {"width": 390, "height": 844}


def api(server_url: str, path: str, **params: Any) -> Any:
    return httpx.get(server_url + path, params=params).json()


def test_every_page_loads_from_this_host_alone_without_errors_and_fits_a_phone(visit: Visit, server_url: str) -> None:
    """At phone width; the other tests use the default desktop width (1280 px)."""
    visit.page.set_viewport_size(PHONE)
    for path in PAGES:
        response = visit.page.goto(server_url + path, wait_until="load")  # the pages fetch nothing after load
        assert response is not None and response.status == 200, path
        assert visit.page.locator("html").get_attribute("lang") in ("zh-Hans", "en")
        width = visit.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide at {PHONE['width']}px"
    assert visit.outside_requests == []
    assert visit.console_errors == []


def test_search_and_a_filter_change_the_table(visit: Visit, server_url: str) -> None:
    page = visit.page
    page.goto(f"{server_url}/projects")
    rows = page.locator("table#records tbody tr")
    assert rows.count() == min(20, api(server_url, "/v1/projects")["total"])
    page.get_by_label("搜索").fill("铁路")
    page.get_by_role("button", name="应用").click()
    page.wait_for_url("**q=*")
    assert rows.count() == api(server_url, "/v1/projects", q="铁路")["total"]
    page.goto(f"{server_url}/projects")
    page.get_by_label("状态").select_option("completed")
    page.get_by_role("button", name="应用").click()
    page.wait_for_url("**status=completed*")
    completed = api(server_url, "/v1/projects", status="completed", limit=20)
    assert [rows.nth(i).get_attribute("data-id") for i in range(rows.count())] == [item["id"] for item in completed["items"]]


def test_the_13th_plan_chart_draws_two_bars_for_each_pair_in_the_data(visit: Visit, server_url: str) -> None:
    items = api(server_url, "/v1/observations", status="actual", period__in="2015,2020", limit=500)["items"]
    sides = Counter((o["indicator_id"], o["measure"], o["scope"], o["unit"], o["period"]) for o in items if o["unit"])
    pairs = sum(1 for key in {side[:4] for side in sides} if sides[(*key, "2015")] == 1 and sides[(*key, "2020")] == 1)
    visit.page.goto(f"{server_url}/charts")
    drawn = visit.page.locator("svg#chart-fyp13 rect.bar")
    assert drawn.count() == 2 * pairs > 0
    box = drawn.first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0


def test_the_cite_button_copies_the_citation_of_the_record(visit: Visit, server_url: str) -> None:
    expected = api(server_url, "/v1/observations/gdp-2020-citywide")["source"]["cite_gbt7714"]
    visit.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    visit.page.goto(f"{server_url}/observations/gdp-2020-citywide")
    visit.page.get_by_role("button", name="复制 GB/T 7714-2015").click()
    copied = visit.page.locator("output#copied")
    copied.wait_for()
    assert copied.inner_text() == expected
    assert visit.page.evaluate("navigator.clipboard.readText()") == expected


def test_the_report_reader_highlights_facts_and_the_passage_of_a_record(visit: Visit, server_url: str) -> None:
    source = api(server_url, "/v1/observations/gdp-2020-citywide")["source"]
    page = visit.page
    page.goto(f"{server_url}/observations/gdp-2020-citywide")
    page.get_by_role("link", name="在报告全文中查看").click()
    page.wait_for_url("**/report?start=*#passage")
    passage = page.locator("article .passage")
    assert "".join(passage.all_inner_texts()) == source["quote"]
    assert passage.first.is_visible() and passage.first.evaluate("(element) => element.getBoundingClientRect().top >= 0")
    fact = page.locator("article p > mark.fact a").first  # a fact outside the passage
    background = fact.evaluate("(element) => getComputedStyle(element.closest('mark')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    href = fact.get_attribute("href") or ""
    fact.click()
    page.wait_for_url(f"**{href}")
    assert page.locator("mark#quote").inner_text()


def test_the_keyboard_reaches_the_skip_link_first_and_it_shows(visit: Visit, server_url: str) -> None:
    page = visit.page
    page.goto(f"{server_url}/projects")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.get_attribute("class") == "skip-link"
    box = focused.bounding_box()
    assert box is not None and box["y"] >= 0
    assert focused.evaluate("(element) => getComputedStyle(element).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
