"""Headless Chromium against a live server, shared by the browser tests (registered in conftest).

``server_url`` serves the app from an SQLite database of its own, migrated and seeded through the
same code paths as every other test, on a free loopback port (one for the whole run). ``visit``
opens a tab that records every request for another host (and aborts it) and every console error.
Skipped without Chromium or Playwright, except under CI=true, where it must run."""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from api import migrate
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import Bundle
from api.main import create_app
from api.settings import Settings
from api.web.screenshots import CHROMIUM, CHROMIUM_ARGS, serving

if TYPE_CHECKING:  # imported in the fixtures, so that the module loads (and skips) without Playwright
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Route

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


@pytest.fixture(scope="session")
def server_url(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on its own seeded SQLite database, served by uvicorn on a free loopback port."""
    reason = _missing_browser()
    if reason and IN_CI:
        pytest.fail(f"the browser test must run under CI=true: {reason}")
    if reason:
        pytest.skip(reason)
    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'pages.sqlite3'}"
    engine = create_db_engine(database_url)
    migrate.upgrade(engine)
    load_bundle(engine, bundle)
    with serving(create_app(Settings(database_url=database_url), engine=engine)) as url:
        yield url
    engine.dispose()


@pytest.fixture(scope="session")
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
