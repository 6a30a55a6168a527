"""`python -m api screenshots` says plainly what it is missing, before any work."""

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app


def test_screenshots_without_playwright_say_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # makes the import fail
    result = CliRunner().invoke(app, ["screenshots", "--out", str(tmp_path / "shots")])
    assert result.exit_code == 1
    assert "Playwright" in result.output and "pip install -e '.[test]'" in result.output
    assert not (tmp_path / "shots").exists()


def test_screenshots_without_chromium_say_where_they_looked(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    missing = tmp_path / "no-chromium"
    result = CliRunner().invoke(app, ["screenshots", "--out", str(tmp_path / "shots"), "--chromium", str(missing)])
    assert result.exit_code == 1
    assert f"no Chromium at {missing}" in result.output
