"""Screenshots of the pages at desktop and phone width, in headless Chromium driven by
Playwright (``python -m api screenshots --out screenshots/``).

The app is served from a throwaway SQLite database, migrated and seeded from ``seed/`` the way
``serve`` does it, on a free loopback port; the browser may reach nothing else.
"""

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from fastapi import FastAPI

from api import migrate
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import read_bundle
from api.main import create_app
from api.settings import Settings

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
WIDTHS = {"desktop": 1280, "phone": 390}
PAGES = {
    "home": "/",
    "home-en": "/?lang=en",
    "charts": "/charts",
    "indicators": "/indicators",
    "projects": "/projects?status=completed",
    "livelihood-items": "/livelihood-items",
    "five-year-goals": "/five-year-goals?lang=en",
    "observation": "/observations/gdp-2020-citywide",
    "indicator": "/indicators/gdp",
}
# The reader holds the whole report: its screenshots show the first screen, not the full page.
FIRST_SCREEN_ONLY = {"report": "/report", "report-passage": "/observations/gdp-2020-citywide"}


class PlaywrightMissing(RuntimeError):
    """Playwright is not installed: it comes with the test extra."""


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@contextmanager
def seeded_app(folder: Path, seed_dir: Path) -> Iterator[FastAPI]:
    """The app on a new SQLite database in ``folder``, migrated and seeded from ``seed_dir``."""
    database_url = f"sqlite:///{folder / 'screenshots.sqlite3'}"
    engine = create_db_engine(database_url)
    migrate.upgrade(engine)
    load_bundle(engine, read_bundle(seed_dir))
    try:
        yield create_app(Settings(database_url=database_url), engine=engine)
    finally:
        engine.dispose()


def take_screenshots(out: Path, *, seed_dir: Path, chromium: Path = CHROMIUM) -> list[Path]:
    """Full-page PNGs of every page in ``PAGES`` at every width in ``WIDTHS``, written to ``out``."""
    try:
        from playwright.sync_api import Route, sync_playwright
    except ImportError:
        raise PlaywrightMissing("screenshots need Playwright: pip install -e '.[test]'") from None
    if not chromium.is_file():
        raise FileNotFoundError(f"no Chromium at {chromium} (apt-get install chromium, or pass --chromium)")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        seeded_app(Path(folder), seed_dir) as app,
        serving(app) as base,
        sync_playwright() as playwright,
    ):
        own = urlsplit(base).netloc
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)

        def only_own_host(route: Route) -> None:
            if urlsplit(route.request.url).netloc == own:
                route.continue_()
            else:
                route.abort()

        for device, width in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
            context.route("**/*", only_own_host)
            page = context.new_page()
            for name, path in [*PAGES.items(), *FIRST_SCREEN_ONLY.items()]:
                page.goto(base + path, wait_until="networkidle")
                if name == "report-passage":  # the record page's own link to its passage
                    page.locator('a[href*="/report?start="]').first.click()
                    page.wait_for_load_state("networkidle")
                target = out / f"{name}-{device}.png"
                page.screenshot(path=str(target), full_page=name in PAGES)
                written.append(target)
            context.close()
        browser.close()
    return written
