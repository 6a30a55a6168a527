"""The documentation pages work in a real browser with no network but the API itself:
Swagger UI (/docs), ReDoc (/redoc) and GraphiQL (/graphql), served by a live uvicorn server
on a loopback port, in headless Chromium. Every request for another host is aborted and
recorded, and none may be made; nor may the console show an error (a Content-Security-Policy
violation is one).

Not a database test: it runs once, on an SQLite database of its own, migrated and seeded
through the same code paths as every other. Skipped without Chromium or Playwright, except
under CI=true, where it must run."""

from typing import TYPE_CHECKING

import pytest
from live_browser import Visit  # the fixtures (server_url, browser, visit) are there, registered in conftest

if TYPE_CHECKING:
    from playwright.sync_api import Response

pytestmark = pytest.mark.browser

def _check_offline(visit: Visit, response: "Response | None") -> None:
    visit.page.wait_for_load_state("networkidle")
    assert visit.outside_requests == []
    assert visit.console_errors == []
    assert response is not None
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_swagger_ui_lists_the_operations_offline(visit: Visit, server_url: str) -> None:
    response = visit.page.goto(f"{server_url}/docs")
    operation = visit.page.locator(".opblock-summary", has_text="/v1/observations").first
    operation.wait_for()
    assert "List Observations" in operation.inner_text()
    assert visit.page.locator(".opblock").count() > 20
    _check_offline(visit, response)


def test_redoc_shows_the_operations_offline(visit: Visit, server_url: str) -> None:
    response = visit.page.goto(f"{server_url}/redoc")
    visit.page.locator("h2", has_text="List Observations").first.wait_for()
    assert visit.page.get_by_text("/v1/observations", exact=True).count() > 0
    _check_offline(visit, response)


def test_graphiql_runs_a_query_offline(visit: Visit, server_url: str) -> None:
    response = visit.page.goto(f"{server_url}/graphql")
    editor = visit.page.locator(".graphiql-query-editor .CodeMirror")
    editor.wait_for()
    editor.evaluate("""(element) => element.CodeMirror.setValue('{ indicator(id: "gdp") { nameEn } }')""")
    visit.page.locator("button.graphiql-execute-button").click()
    result = visit.page.locator(".result-window")
    result.get_by_text("Gross domestic product").wait_for()
    assert '"nameEn": "Gross domestic product' in result.inner_text()
    _check_offline(visit, response)


def test_the_guard_catches_a_request_to_another_host(visit: Visit) -> None:
    """The check above can fail: a page without a policy asks another host, and is stopped."""
    visit.page.goto("about:blank")
    visit.page.evaluate("fetch('http://outside.invalid/probe').catch(() => null)")
    visit.page.wait_for_load_state("networkidle")
    assert visit.outside_requests == ["http://outside.invalid/probe"]
