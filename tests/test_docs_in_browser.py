"""The documentation pages work in a real browser with no network but the API itself:
Swagger UI (/docs), ReDoc (/redoc) and GraphiQL (/graphql), served by a live uvicorn server
on a loopback port, in headless Chromium. Every request for another host is aborted and
recorded, and none may be made; nor may the console show an error (a Content-Security-Policy
violation is one).

Not a database test: it runs once, on an SQLite database of its own, migrated and seeded
through the same code paths as every other. Skipped without Chromium or Playwright, except
under CI=true, where it must run."""

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import uvicorn

from api import migrate
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import Bundle
from api.main import create_app
from api.settings import Settings

if TYPE_CHECKING:  # imported in the fixtures, so that the module loads (and skips) without Playwright
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Response, Route

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
TIMEOUT_MS = 15_000


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401 - only whether it imports
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def server_url(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on its own seeded SQLite database, served by uvicorn on a free loopback port."""
    reason = _missing_browser()
    if reason and IN_CI:
        pytest.fail(f"the browser test must run under CI=true: {reason}")
    if reason:
        pytest.skip(reason)
    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'docs.sqlite3'}"
    engine = create_db_engine(database_url)
    migrate.upgrade(engine)
    load_bundle(engine, bundle)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=database_url), engine=engine), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()
    engine.dispose()


@pytest.fixture(scope="module")
def browser(server_url: str) -> Iterator["Browser"]:
    """Chromium on a fresh profile (Playwright makes a new user-data-dir for every launch)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """One browser tab, with what it asked of other hosts and what its console reported."""

    page: "Page"
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser: "Browser", server_url: str) -> Iterator[Visit]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    record = Visit(context.new_page())
    own = urlsplit(server_url).netloc

    def only_own_host(route: "Route") -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            record.outside_requests.append(route.request.url)
            route.abort()

    def console_error(message: "ConsoleMessage") -> None:
        if message.type == "error":
            record.console_errors.append(message.text)

    def page_error(error: "Error") -> None:
        record.console_errors.append(str(error))

    context.route("**/*", only_own_host)
    record.page.on("console", console_error)
    record.page.on("pageerror", page_error)
    yield record
    context.close()


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
