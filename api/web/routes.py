"""The pages' addresses. Each handler names its template and the query-layer work that
fills it; none of them is part of the OpenAPI document."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.datasets import DATASETS
from api.errors import InvalidQuery
from api.exports import exports_for
from api.landing import dataset_jsonld, headlines
from api.release import current_release
from api.web import charts
from api.web.browse import LISTINGS, PAGE_SIZES, Listing, browse, browse_query
from api.web.i18n import Words
from api.web.reader import read_report
from api.web.records import VIEWS
from api.web.render import render

REPORT_ID = "cixi-2021"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request) -> Response:
    base = str(request.base_url).rstrip("/") + "/"

    def build(session: Session, _words: Words) -> dict[str, Any]:
        release = current_release(session)
        downloads = exports_for(session, release).downloads
        jsonld = json.dumps(dataset_jsonld(release, downloads, base), ensure_ascii=False).replace("</", "<\\/")
        return {"release": release, "jsonld": jsonld, "headlines": headlines(session), "listings": LISTINGS, "datasets": DATASETS}

    return await render(request, "home.html", build)


@router.get("/charts")
async def chart_page(request: Request) -> Response:
    def build(session: Session, words: Words) -> dict[str, Any]:
        fyp13 = charts.thirteenth_plan_changes(session)
        fyp14 = charts.fourteenth_plan_targets(session)
        by_chapter = charts.targets_2021_by_chapter(session)
        return {
            "fyp13": (fyp13, charts.draw_pairs(fyp13, words)),
            "fyp14": (fyp14, charts.draw_pairs(fyp14, words)),
            "by_chapter": (by_chapter, charts.draw_counts(by_chapter, words)),
            "targets_2021": sum(count.count for count in by_chapter),
        }

    return await render(request, "charts.html", build)


def _offset(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidQuery(f"{name}: {raw!r} is not a character offset", field=name) from None


@router.get("/report")
async def report_page(request: Request) -> Response:
    def build(session: Session, _words: Words) -> dict[str, Any]:
        return {"reading": read_report(session, key=REPORT_ID, start=_offset(request, "start"), end=_offset(request, "end"))}

    return await render(request, "report.html", build)


def _browse_handler(listing: Listing) -> Any:
    async def browse_page(request: Request) -> Response:
        def build(session: Session, words: Words) -> dict[str, Any]:
            return {"view": browse(session, listing, browse_query(request, listing), words), "page_sizes": PAGE_SIZES}

        return await render(request, "browse.html", build)

    return browse_page


def _record_handler(name: str) -> Any:
    async def record_page(request: Request, key: str) -> Response:
        def build(session: Session, _words: Words) -> dict[str, Any]:
            return {"view": VIEWS[name](session, key)}

        return await render(request, "record.html", build)

    return record_page


for _listing in LISTINGS.values():
    router.add_api_route(_listing.path, _browse_handler(_listing), methods=["GET"], name=f"browse_{_listing.name}")
    router.add_api_route(_listing.path + "/{key}", _record_handler(_listing.name), methods=["GET"], name=f"{_listing.name}_record")
