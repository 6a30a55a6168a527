"""The HTML pages reference only the API itself, and say so in their Content-Security-Policy.
(tests/test_docs_in_browser.py checks what a browser really requests.)"""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.pages import STATIC_DIR, content_security_policy
from api.security import DATA_POLICY
from api.settings import Settings

PAGES = ["/docs", "/redoc", "/graphql", "/docs/oauth2-redirect"]
REFERENCE = re.compile(r"""\b(?:src|href)=["']([^"']*)["']""")
VENDORED = ["graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js"]


@pytest.fixture(scope="module")
def pages() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url="sqlite://"))) as client:
        yield client


@pytest.mark.parametrize("path", PAGES)
def test_a_page_references_only_its_own_origin(pages: TestClient, path: str) -> None:
    response = pages.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    references = REFERENCE.findall(response.text)
    assert all(reference.startswith("/") and not reference.startswith("//") for reference in references), references
    for reference in references:
        assert pages.get(reference).status_code == 200, reference
    assert "://" not in response.text


@pytest.mark.parametrize("path", PAGES)
def test_a_page_may_load_only_from_its_own_origin(pages: TestClient, path: str) -> None:
    policy = pages.get(path, headers={"Accept": "text/html"}).headers["content-security-policy"]
    directives = dict(directive.split(" ", 1) for directive in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].split()[0] == "'self'"
    sources = [source for value in directives.values() for source in value.split()]
    assert all(source.startswith(("'self'", "'sha256-", "'unsafe-inline'", "data:", "blob:", "'none'")) for source in sources), sources


def test_inline_scripts_are_allowed_by_their_hash_only() -> None:
    page = b"<html><script>alert(1)</script><script src='/static/x.js'></script></html>"
    assert content_security_policy(page).endswith("script-src 'self' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='")


def test_json_responses_carry_the_data_policy_not_a_page_policy(pages: TestClient) -> None:
    assert pages.get("/openapi.json").headers["content-security-policy"] == DATA_POLICY


def test_the_redoc_bundle_loads_no_logo_from_the_cdn(pages: TestClient) -> None:
    bundle = pages.get("/redoc/redoc.standalone.js")
    assert bundle.status_code == 200
    assert "cdn.redoc.ly" not in bundle.text


def test_graphiql_is_vendored_with_its_licences() -> None:
    folder = STATIC_DIR / "graphiql"
    for name in [*VENDORED, "LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom", "ide.js", "ide.css"]:
        assert (folder / name).is_file(), name
    for name in ["LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"]:
        assert "MIT License" in (folder / name).read_text(encoding="utf-8")
