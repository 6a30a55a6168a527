"""The open-data portal documents: release metadata, downloads, Data Package, DCAT-AP catalogue
(run on SQLite and PostgreSQL)."""

import csv
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from frictionless import validate as frictionless_validate
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef, namespace
from rdflib.compare import isomorphic
from sqlalchemy import Engine

from api import migrate
from api.dcat import SPDX
from api.datasets import DATASETS
from api.db import create_db_engine, metadata
from api.exports import release_folder
from api.main import create_app
from api.schemas import flat_columns
from api.settings import Settings

SHAPES_DIR = Path(__file__).parent / "data" / "dcat-ap-3.0.1"
BOM = b"\xef\xbb\xbf"
# rdflib's own JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
RDF_FORMATS = {"application/ld+json": "json-ld", "text/turtle": "turtle", "application/rdf+xml": "xml"}


def _downloads(client: TestClient) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in client.get("/v1/downloads").json()["items"]}


def _fetch(client: TestClient, name: str) -> bytes:
    response = client.get(f"/v1/downloads/{name}")
    assert response.status_code == 200, response.text
    return bytes(response.content)


def _catalog(client: TestClient, media_type: str) -> Graph:
    response = client.get("/v1/catalog", headers={"accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    return Graph().parse(data=response.content, format=RDF_FORMATS[media_type])


# meta and downloads ----------------------------------------------------------------


def test_meta_counts_equal_the_list_totals(client: TestClient) -> None:
    meta = client.get("/v1/meta").json()
    assert re.fullmatch(r"2021\.1\+[0-9a-f]{12}", meta["version"])
    assert meta["counts"] == {name: client.get(f"/v1/{d.path}", params={"limit": 1}).json()["total"] for name, d in DATASETS.items()}
    assert all(count > 0 for count in meta["counts"].values())
    report = client.get("/v1/reports/cixi-2021").json()
    assert meta["source"]["sha256"] == report["text_sha256"]
    source = meta["source"]
    assert (source["title_zh"], source["issuer_zh"], source["year"]) == ("2021年慈溪市政府工作报告", "慈溪市人民政府", 2021)
    assert meta["licence"]["id"] == "CC-BY-4.0"
    assert (meta["temporal_start"], meta["temporal_end"]) == (2015, 2035)
    assert meta["links"]["catalog"] == "http://testserver/v1/catalog"


def test_the_release_is_computed_once_per_engine(client: TestClient, count_statements: Any) -> None:
    first = client.get("/v1/meta").json()
    client.get("/v1/downloads")
    statements = count_statements.count
    assert client.get("/v1/meta").json() == first
    assert client.get("/v1/downloads").status_code == 200
    assert count_statements.count == statements, count_statements.statements[statements:]


def test_every_dataset_has_each_format_and_the_release_its_whole_files(client: TestClient) -> None:
    downloads = _downloads(client)
    for dataset in DATASETS.values():
        assert {f"{dataset.path}.csv", f"{dataset.path}-bom.csv", f"{dataset.path}.json", f"{dataset.path}.ndjson"} <= set(downloads)
    assert {"cixi-2021.txt", "cixi-2021.sqlite3", "cixi-2021-csv.zip"} <= set(downloads)
    assert len(downloads) == 4 * len(DATASETS) + 3


def test_every_download_matches_its_published_size_and_sha256(client: TestClient) -> None:
    for name, item in _downloads(client).items():
        assert item["url"] == f"http://testserver/v1/downloads/{name}"
        response = client.get(item["url"])
        assert response.status_code == 200, name
        assert (len(response.content), hashlib.sha256(response.content).hexdigest()) == (item["size"], item["sha256"]), name
        assert response.headers["content-type"] == item["media_type"], name
        assert response.headers["etag"] == f'"{item["sha256"]}"'


def test_a_release_folder_missing_a_file_is_written_again_whole(client: TestClient) -> None:
    item = _downloads(client)["observations.ndjson"]
    folder = release_folder(client.get("/v1/meta").json()["version"])
    (folder / "observations.ndjson").unlink()
    assert hashlib.sha256(_fetch(client, "observations.ndjson")).hexdigest() == item["sha256"]
    assert sorted(path.name for path in folder.iterdir()) == sorted([*_downloads(client), "manifest.json"])
    assert not [path for path in folder.parent.iterdir() if path.name.startswith(".staging-")]


def test_the_report_text_download_is_the_canonical_text(client: TestClient) -> None:
    text = _fetch(client, "cixi-2021.txt").decode("utf-8")
    assert text == client.get("/v1/reports/cixi-2021/text").json()["text"]
    assert hashlib.sha256(text.encode()).hexdigest() == client.get("/v1/meta").json()["source"]["sha256"]


def test_an_unknown_download_is_a_404_problem(client: TestClient) -> None:
    for name in ("nope.csv", "manifest.json", "..%2Fmanifest.json"):
        response = client.get(f"/v1/downloads/{name}")
        assert response.status_code == 404, name
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404


# file contents ---------------------------------------------------------------------


def test_csv_round_trips_with_chinese_intact_and_the_bom_only_in_the_bom_variant(client: TestClient) -> None:
    meta = client.get("/v1/meta").json()
    for name, dataset in DATASETS.items():
        plain, with_bom = _fetch(client, f"{dataset.path}.csv"), _fetch(client, f"{dataset.path}-bom.csv")
        assert not plain.startswith(BOM) and with_bom.startswith(BOM), name
        assert with_bom.decode("utf-8-sig") == plain.decode("utf-8")
        rows = list(csv.reader(io.StringIO(plain.decode("utf-8"), newline="")))
        assert rows[0] == flat_columns(dataset.public), name
        assert len(rows) - 1 == meta["counts"][name]
    by_id = {row["id"]: row for row in csv.DictReader(io.StringIO(_fetch(client, "observations-bom.csv").decode("utf-8-sig"), newline=""))}
    gdp = by_id["gdp-2020-citywide"]
    expected = client.get("/v1/observations/gdp-2020-citywide").json()
    assert (gdp["value"], gdp["unit"], gdp["scope"], gdp["qualifier"]) == ("2008.3", "亿元", "citywide", "")
    assert gdp["source_quote"] == expected["source"]["quote"] and "地区生产总值" in gdp["source_quote"]
    flagship = next(csv.DictReader(io.StringIO(_fetch(client, "projects.csv").decode("utf-8"), newline="")))["flagship"]
    assert flagship in ("true", "false")


def test_json_and_ndjson_hold_the_public_records_in_list_order(client: TestClient) -> None:
    for dataset in DATASETS.values():
        records = json.loads(_fetch(client, f"{dataset.path}.json"))
        lines = [json.loads(line) for line in _fetch(client, f"{dataset.path}.ndjson").decode("utf-8").splitlines()]
        assert records == lines
        page = client.get(f"/v1/{dataset.path}", params={"limit": 500}).json()
        assert records[: len(page["items"])] == page["items"], dataset.name


def test_the_sqlite_download_opens_and_holds_every_table(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "cixi.sqlite3"
    path.write_bytes(_fetch(client, "cixi-2021.sqlite3"))
    meta = client.get("/v1/meta").json()
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        assert {table.name for table in metadata.sorted_tables} | {"alembic_version"} <= tables
        assert connection.execute("select count(*) from observations").fetchone()[0] == meta["counts"]["observations"]
        value, unit = connection.execute("select value, unit from observations where id = 'gdp-2020-citywide'").fetchone()
        assert (value, unit) == (2008.3, "亿元")
        assert connection.execute("select version_num from alembic_version").fetchone()[0] == migrate.head_revision()
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("pragma foreign_key_check").fetchall() == []


def test_the_zip_holds_every_csv_the_text_and_a_relative_datapackage(client: TestClient) -> None:
    with zipfile.ZipFile(io.BytesIO(_fetch(client, "cixi-2021-csv.zip"))) as archive:
        names = set(archive.namelist())
        assert names == {f"{d.path}.csv" for d in DATASETS.values()} | {"cixi-2021.txt", "datapackage.json"}
        for dataset in DATASETS.values():
            assert archive.read(f"{dataset.path}.csv") == _fetch(client, f"{dataset.path}.csv")
        package = json.loads(archive.read("datapackage.json"))
    assert [resource["path"] for resource in package["resources"]] == [f"{d.path}.csv" for d in DATASETS.values()]
    assert package["version"] == client.get("/v1/meta").json()["version"]


# data package ----------------------------------------------------------------------


def _assert_valid(descriptor: Path) -> None:
    report = frictionless_validate(str(descriptor))
    errors = [error.message for task in report.tasks for error in task.errors] + [error.message for error in report.errors]
    assert report.valid and report.stats["errors"] == 0, errors[:10]
    assert len(report.tasks) == len(DATASETS)


def test_the_datapackage_validates_with_frictionless(client: TestClient, tmp_path: Path) -> None:
    package = client.get("/v1/datapackage.json").json()
    downloads = _downloads(client)
    for resource in package["resources"]:
        name = resource["path"].rsplit("/", 1)[-1]
        assert resource["path"] == downloads[name]["url"]
        assert (resource["bytes"], resource["hash"]) == (downloads[name]["size"], f"sha256:{downloads[name]['sha256']}")
        (tmp_path / name).write_bytes(client.get(resource["path"]).content)
        resource["path"] = name  # the same files, offline
    (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    _assert_valid(tmp_path / "datapackage.json")


def test_the_datapackage_in_the_zip_validates_offline(client: TestClient, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(_fetch(client, "cixi-2021-csv.zip"))) as archive:
        archive.extractall(tmp_path)
    _assert_valid(tmp_path / "datapackage.json")


def test_the_datapackage_schemas_carry_types_keys_and_descriptions(client: TestClient) -> None:
    resources = {resource["name"]: resource for resource in client.get("/v1/datapackage.json").json()["resources"]}
    assert set(resources) == {d.path for d in DATASETS.values()}
    observations = resources["observations"]["schema"]
    fields = {field["name"]: field for field in observations["fields"]}
    assert [field["name"] for field in observations["fields"]] == flat_columns(DATASETS["observations"].public)
    assert (fields["value"]["type"], fields["period_start"]["type"], fields["unit"]["type"]) == ("number", "integer", "string")
    assert fields["period_start"]["unit"] == "year"
    assert "exactly as the report writes it" in fields["value"]["description"]
    assert fields["source_quote"]["constraints"] == {"required": True}
    assert observations["primaryKey"] == ["id"]
    assert {"fields": ["indicator_id"], "reference": {"resource": "indicators", "fields": ["id"]}} in observations["foreignKeys"]
    assert {"fields": ["source_section_id"], "reference": {"resource": "sections", "fields": ["id"]}} in observations["foreignKeys"]
    goals = resources["five-year-goals"]["schema"]["foreignKeys"]
    assert {"fields": ["indicator_id"], "reference": {"resource": "indicators", "fields": ["id"]}} in goals
    assert {"fields": ["target_observation_id"], "reference": {"resource": "observations", "fields": ["id"]}} in goals
    assert {field["name"]: field["type"] for field in resources["projects"]["schema"]["fields"]}["flagship"] == "boolean"


# catalogue -------------------------------------------------------------------------


def test_the_catalogue_parses_as_jsonld_turtle_and_rdfxml_into_the_same_graph(client: TestClient) -> None:
    graphs = [_catalog(client, media_type) for media_type in RDF_FORMATS]
    assert len(graphs[0]) > 500
    assert len({len(graph) for graph in graphs}) == 1
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])
    default = client.get("/v1/catalog")
    assert default.headers["content-type"] == "application/ld+json" and "Accept" in [part.strip() for part in default.headers["vary"].split(",")]
    for suffix, media_type in (("jsonld", "application/ld+json"), ("ttl", "text/turtle"), ("rdf", "application/rdf+xml")):
        fixed = client.get(f"/v1/catalog.{suffix}", headers={"accept": "application/pdf"})
        assert fixed.headers["content-type"].split(";")[0] == media_type
        assert isomorphic(Graph().parse(data=fixed.content, format=RDF_FORMATS[media_type]), graphs[0])


def test_the_catalogue_conforms_to_the_dcat_ap_3_shapes(client: TestClient) -> None:
    shapes = Graph().parse(SHAPES_DIR / "shapes.ttl").parse(SHAPES_DIR / "range.ttl")
    conforms, _report, text = shacl_validate(_catalog(client, "text/turtle"), shacl_graph=shapes)
    assert conforms, text


def test_the_catalogue_describes_every_download_with_its_size_and_checksum(client: TestClient) -> None:
    graph = _catalog(client, "application/ld+json")
    downloads = _downloads(client)
    described = {}
    for distribution in graph.subjects(namespace.RDF.type, namespace.DCAT.Distribution):
        url = str(graph.value(distribution, namespace.DCAT.downloadURL))
        size = graph.value(distribution, namespace.DCAT.byteSize)
        assert isinstance(size, Literal) and size.datatype == namespace.XSD.nonNegativeInteger
        described[url] = (size.toPython(), str(graph.value(graph.value(distribution, SPDX.checksum), SPDX.checksumValue)))
    assert described == {item["url"]: (item["size"], item["sha256"]) for item in downloads.values()}
    datasets = set(graph.subjects(namespace.RDF.type, namespace.DCAT.Dataset))
    assert len(datasets) == len(DATASETS) + 1
    services = graph.subjects(namespace.RDF.type, namespace.DCAT.DataService)
    endpoints = {str(graph.value(service, namespace.DCAT.endpointURL)) for service in services}
    assert endpoints == {"http://testserver/v1", "http://testserver/graphql"}


@pytest.fixture
def second_app_client(engine: Engine) -> Iterator[TestClient]:
    """Another app instance on its own engine (so nothing cached by the first is shared)."""
    url = engine.url.render_as_string(hide_password=False)
    other_engine = create_db_engine(url)
    with TestClient(create_app(Settings(database_url=url), engine=other_engine)) as other:
        yield other
    other_engine.dispose()


def test_the_catalogue_uris_are_the_same_on_two_app_instances(client: TestClient, second_app_client: TestClient) -> None:
    first, second = _catalog(client, "text/turtle"), _catalog(second_app_client, "text/turtle")

    def uris(graph: Graph) -> set[URIRef]:
        return {node for triple in graph for node in triple if isinstance(node, URIRef)}

    assert uris(first) == uris(second)
    assert isomorphic(first, second)
    assert client.get("/v1/meta").json() == second_app_client.get("/v1/meta").json()


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("*/*", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("text/*", "text/turtle"),
        ("text/turtle;q=0.5, application/rdf+xml", "application/rdf+xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/ld+json"),
    ],
)
def test_the_catalogue_is_negotiated_on_accept(client: TestClient, accept: str, expected: str) -> None:
    response = client.get("/v1/catalog", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize("accept", ["application/pdf", "text/html", "text/turtle;q=0"])
def test_an_unacceptable_accept_on_the_catalogue_is_a_406_problem(client: TestClient, accept: str) -> None:
    response = client.get("/v1/catalog", headers={"accept": accept})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"]) == (406, "Not acceptable")
    assert "text/turtle" in body["detail"]
