"""A typed Python client generates cleanly from openapi/openapi.json with openapi-python-client
(settings in openapi/client-config.yaml), imports, and reads the API: typed records, typed
problems, the catalogue as text."""

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "openapi"
PACKAGE = "cixi_report_client"


@pytest.fixture(scope="module")
def generation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.CompletedProcess[str]]:
    """Runs the generator offline into a temporary folder put on sys.path."""
    folder = tmp_path_factory.mktemp("client")
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(OPENAPI_DIR / "openapi.json"),
        "--config", str(OPENAPI_DIR / "client-config.yaml"),
        "--output-path", str(folder / PACKAGE),
        "--meta", "none",
    ]  # fmt: skip
    # The generator formats its output with ruff, which is installed beside this Python.
    path = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PATH": path}, timeout=120, check=False)  # noqa: S603 - our own interpreter and arguments
    sys.path.insert(0, str(folder))
    yield result
    sys.path.remove(str(folder))
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_the_client_generates_without_warnings(generation: subprocess.CompletedProcess[str]) -> None:
    output = generation.stdout + generation.stderr
    assert generation.returncode == 0, output
    assert "Warning" not in output and "ruff is not in PATH" not in output, output


def test_the_generated_client_imports(generation: subprocess.CompletedProcess[str]) -> None:
    assert generation.returncode == 0
    package = importlib.import_module(PACKAGE)
    assert package.Client.__name__ == "Client"
    models = _module("models")
    for name in ("ObservationPublic", "IndicatorPublic", "PageObservationPublic", "Problem", "Meta"):
        assert isinstance(getattr(models, name), type), name
    assert callable(_module("api.observations.list_observations").sync)


def test_the_generated_client_reads_the_api(generation: subprocess.CompletedProcess[str], client: TestClient) -> None:
    assert generation.returncode == 0
    api: Any = importlib.import_module(PACKAGE).Client(base_url=str(client.base_url)).set_httpx_client(client)
    models = _module("models")

    observation = _module("api.observations.get_observation").sync(client=api, observation_id="gdp-2020-citywide")
    assert isinstance(observation, models.ObservationPublic)
    assert observation.indicator_id == "gdp"

    missing = _module("api.observations.get_observation").sync(client=api, observation_id="no-such-observation")
    assert isinstance(missing, models.Problem)
    assert missing.status == 404

    turtle = _module("api.open_data.get_catalog_turtle").sync(client=api)
    assert isinstance(turtle, str) and "dcat:Catalog" in turtle
    rdf_xml = _module("api.open_data.get_catalog_rdfxml").sync(client=api)
    assert isinstance(rdf_xml, str) and rdf_xml.startswith("<?xml")
