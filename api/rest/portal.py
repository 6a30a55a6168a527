"""/v1/meta, /v1/downloads, /v1/datapackage.json, /v1/catalog: the release for data portals.

Everything here describes one release (``api.release``) and its files (``api.exports``), which
are computed once per process and written once per release; the catalogue and the data package
are rebuilt per request only because their URLs follow the request's base URL.
"""

from collections.abc import Callable
from email.utils import format_datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.catalog import SERIALIZATIONS, catalog_graph, negotiate, serialize
from api.datapackage import data_package
from api.exports import MEDIA_TYPES, Exports, exports_for
from api.release import Download, Release, current_release
from api.rest.common import in_session
from api.rest.problems import problem_responses

router = APIRouter(tags=["open data"])
T = TypeVar("T")


class Links(BaseModel):
    meta: str
    downloads: str
    datapackage: str
    catalog: str
    openapi: str
    graphql: str


class Meta(Release):
    links: Links


class DownloadLink(Download):
    url: str = Field(description="Absolute download URL.")


class DownloadList(BaseModel):
    version: str
    total: int
    items: list[DownloadLink]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/"


async def _published(request: Request, then: Callable[[Release, Exports], T]) -> T:
    """Run ``then`` on the release and its files, in a worker thread (it may write the files)."""

    def work(session: Session) -> T:
        release = current_release(session)
        return then(release, exports_for(session, release))

    return await in_session(request, work)


def _content(*media_types: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {} for media_type in media_types}, "description": "Successful Response"}}


@router.get("/meta", response_model=Meta, operation_id="get_meta", responses=problem_responses(404, 503))
async def get_meta(request: Request) -> Meta:
    """The data release: version, records per dataset, source document, licence, last-modified
    (the release date: the same on every instance), and links to the portal documents."""
    base = _base(request)
    release = await in_session(request, current_release)
    links = Links(
        meta=f"{base}v1/meta",
        downloads=f"{base}v1/downloads",
        datapackage=f"{base}v1/datapackage.json",
        catalog=f"{base}v1/catalog",
        openapi=f"{base}openapi.json",
        graphql=f"{base}graphql",
    )
    return Meta(**release.model_dump(), links=links)


@router.get("/downloads", response_model=DownloadList, operation_id="list_downloads", responses=problem_responses(404, 503))
async def list_downloads(request: Request) -> DownloadList:
    """Every file of the release with its size and SHA-256: per dataset CSV, CSV with a UTF-8 BOM
    (for Excel/WPS), JSON and NDJSON; the report text; the whole database as SQLite; a zip of
    every CSV with its datapackage.json."""
    base = _base(request)

    def listing(release: Release, exports: Exports) -> DownloadList:
        items = [DownloadLink(**d.model_dump(), url=f"{base}v1/downloads/{d.name}") for d in exports.downloads]
        return DownloadList(version=release.version, total=len(items), items=items)

    return await _published(request, listing)


@router.get(
    "/downloads/{name}",
    response_class=FileResponse,
    operation_id="get_download",
    responses={**_content(*sorted(set(MEDIA_TYPES.values()))), **problem_responses(404, 503)},
)
async def get_download(request: Request, name: str) -> FileResponse:
    """One file of the release, by the name /v1/downloads lists. Its ETag is its SHA-256."""
    (path, download), last_modified = await _published(request, lambda release, exports: (exports.file(name), release.last_modified))
    headers = {"ETag": f'"{download.sha256}"', "Last-Modified": format_datetime(last_modified, usegmt=True)}
    return FileResponse(path, media_type=download.media_type, filename=download.name, headers=headers)


@router.get(
    "/datapackage.json",
    response_class=JSONResponse,
    operation_id="get_datapackage",
    responses={**_content("application/json"), **problem_responses(404, 503)},
)
async def get_datapackage(request: Request) -> JSONResponse:
    """A Frictionless Data Package: one tabular resource per dataset, pointing at its CSV download,
    with a Table Schema (types, descriptions, units, primary and foreign keys), size and SHA-256."""
    base = _base(request)
    package = await _published(request, lambda release, exports: data_package(release, exports.downloads, base_url=base))
    return JSONResponse(package)


async def _catalog(request: Request, media_type: str) -> Response:
    base = _base(request)
    content = await _published(request, lambda release, exports: serialize(catalog_graph(release, exports.downloads, base), media_type))
    return Response(content, media_type=media_type, headers={"Vary": "Accept"})


# What each serialization of the catalogue is, so that generated clients parse it.
_CATALOG_SCHEMAS: dict[str, dict[str, str]] = {
    "application/ld+json": {"type": "object"},
    "text/turtle": {"type": "string"},
    "application/rdf+xml": {"type": "string"},
}


def _catalog_responses(*media_types: str, problems: tuple[int, ...] = (404,)) -> dict[int | str, dict[str, Any]]:
    content = {media_type: {"schema": _CATALOG_SCHEMAS[media_type]} for media_type in media_types}
    return {200: {"content": content, "description": "Successful Response"}, **problem_responses(*problems, 503)}


@router.get(
    "/catalog", response_class=Response, operation_id="get_catalog", responses=_catalog_responses(*SERIALIZATIONS, problems=(404, 406))
)
async def get_catalog(request: Request, accept: Annotated[str | None, Header()] = None) -> Response:
    """The DCAT-AP 3.0.1 catalogue of the release, in the serialization the Accept header asks for:
    `application/ld+json` (the default), `text/turtle` or `application/rdf+xml`; others are a 406 problem."""
    return await _catalog(request, negotiate(accept))


@router.get(
    "/catalog.jsonld", response_class=Response, operation_id="get_catalog_jsonld", responses=_catalog_responses("application/ld+json")
)
async def get_catalog_jsonld(request: Request) -> Response:
    """The DCAT-AP catalogue as JSON-LD."""
    return await _catalog(request, "application/ld+json")


@router.get(
    "/catalog.ttl", response_class=Response, operation_id="get_catalog_turtle", responses=_catalog_responses("text/turtle")
)
async def get_catalog_turtle(request: Request) -> Response:
    """The DCAT-AP catalogue as Turtle."""
    return await _catalog(request, "text/turtle")


@router.get(
    "/catalog.rdf", response_class=Response, operation_id="get_catalog_rdfxml", responses=_catalog_responses("application/rdf+xml")
)
async def get_catalog_rdfxml(request: Request) -> Response:
    """The DCAT-AP catalogue as RDF/XML."""
    return await _catalog(request, "application/rdf+xml")
