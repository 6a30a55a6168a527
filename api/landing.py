"""The landing page at /: what the data is, where to get it, and schema.org Dataset
metadata (JSON-LD) for search engines and portal harvesters."""

import html
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api import queries
from api.datasets import DATASETS
from api.exports import exports_for
from api.release import Release, current_release
from api.rest.common import in_session

router = APIRouter(include_in_schema=False)

HEADLINES = ("gdp-2020-citywide", "gdp-2020-citywide-growth-rate", "rd-intensity-2020", "gdp-2025-citywide")


def dataset_jsonld(release: Release, downloads: list[Any], base: str) -> dict[str, Any]:
    """A schema.org Dataset describing the whole release."""
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "2021年慈溪市政府工作报告 — structured data / Cixi Government Work Report 2021, structured data",
        "description": (
            "Every fact of the 2021 Cixi Municipal Government Work Report as structured, bilingual, citable records: "
            "indicators and observations, projects, people's-livelihood items, five-year goals and the report's sections."
        ),
        "url": base,
        "version": release.version,
        "inLanguage": ["zh", "en"],
        "creator": {"@type": "Organization", "name": release.source.issuer_zh},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "temporalCoverage": "2015/2035",
        "spatialCoverage": {"@type": "Place", "name": "慈溪市 (Cixi, Zhejiang, China)"},
        "keywords": ["慈溪", "政府工作报告", "十四五", "Cixi", "government work report", "open data"],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": d.media_type, "contentUrl": f"{base}v1/downloads/{d.name}", "contentSize": str(d.size)}
            for d in downloads
        ],
    }


def _page(release: Release, jsonld: dict[str, Any], headlines: list[Any]) -> str:
    escaped = json.dumps(jsonld, ensure_ascii=False).replace("</", "<\\/")
    cards = "".join(
        f'<li><strong>{html.escape(o.value_text)} {html.escape(o.unit or "")}</strong> '
        f'<span lang="zh">{html.escape(o.quote)}</span> <a href="/v1/observations/{html.escape(o.id)}">{html.escape(o.id)}</a></li>'
        for o in headlines
    )
    datasets = "".join(f'<li><a href="/v1/{d.path}">{html.escape(d.title_en)}</a> <span lang="zh">{html.escape(d.title_zh)}</span></li>' for d in DATASETS.values())
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>2021年慈溪市政府工作报告 · 开放数据 / Open data</title>
<script type="application/ld+json">{escaped}</script></head>
<body><main>
<h1>2021年慈溪市政府工作报告 <span lang="en">Cixi Government Work Report 2021 — open data</span></h1>
<p lang="en">Release {html.escape(release.version)}. Every number with the sentence it came from.</p>
<h2 lang="en">Headline figures</h2><ul>{cards}</ul>
<h2 lang="en">Datasets</h2><ul>{datasets}</ul>
<h2 lang="en">Use it</h2><ul lang="en">
<li><a href="/docs">REST reference (Swagger UI)</a> · <a href="/redoc">ReDoc</a> · <a href="/openapi.json">OpenAPI</a></li>
<li><a href="/graphql">GraphQL (GraphiQL)</a></li>
<li><a href="/v1/downloads">Downloads</a> · <a href="/v1/datapackage.json">Data package</a> · <a href="/v1/catalog">DCAT catalogue</a> · <a href="/v1/meta">Release</a></li>
</ul></main></body></html>"""


@router.get("/", response_class=HTMLResponse)
async def landing(request: Request) -> HTMLResponse:
    base = str(request.base_url).rstrip("/") + "/"

    def work(session: Session) -> str:
        release = current_release(session)
        downloads = exports_for(session, release).downloads
        headlines = list(queries.rows_by_ids(session, queries.models.Observation, HEADLINES).values())
        headlines.sort(key=lambda o: HEADLINES.index(o.id))
        return _page(release, dataset_jsonld(release, downloads, base), headlines)

    return HTMLResponse(await in_session(request, work))
