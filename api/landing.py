"""What the page at / says about the data: the headline figures (read from the data; only
their choice is made here) and schema.org Dataset metadata (JSON-LD) for search engines and
portal harvesters. The page itself is ``api/templates/web/home.html``."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from api import models, queries
from api.release import Release

# The figures the report opens with, and the targets it closes the plan with.
HEADLINES = (
    "gdp-2020-citywide",
    "general-public-budget-revenue-2020-citywide",
    "urban-disposable-income-per-capita-2020",
    "rural-disposable-income-per-capita-2020",
    "rd-intensity-2020",
    "gdp-2021-citywide-growth-rate",
    "gdp-2025-citywide",
)


@dataclass(frozen=True)
class Headline:
    """One figure and, where the report gives it, its growth rate over the same period."""

    figure: models.Observation
    indicator: models.Indicator
    growth: models.Observation | None


def _growth_of(figure: models.Observation, observations: list[models.Observation]) -> models.Observation | None:
    if figure.measure == "growth_rate":
        return None
    same = (figure.period, figure.scope, figure.status)
    return next((o for o in observations if o.measure == "growth_rate" and (o.period, o.scope, o.status) == same), None)


def headlines(session: Session) -> list[Headline]:
    """The headline figures in ``HEADLINES`` order (three statements, whatever their number)."""
    figures = queries.rows_by_ids(session, models.Observation, HEADLINES)
    indicators = queries.rows_by_ids(session, models.Indicator, [figure.indicator_id for figure in figures.values()])
    observations = queries.observations_for_indicators(session, indicator_ids=list(indicators))
    return [
        Headline(figures[key], indicators[figures[key].indicator_id], _growth_of(figures[key], observations[figures[key].indicator_id]))
        for key in HEADLINES
        if key in figures
    ]


def _download(download: Any, base: str) -> dict[str, str]:
    return {
        "@type": "DataDownload",
        "encodingFormat": download.media_type,
        "contentUrl": f"{base}v1/downloads/{download.name}",
        "contentSize": str(download.size),
    }


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
        "temporalCoverage": f"{release.temporal_start}/{release.temporal_end}",
        "spatialCoverage": {"@type": "Place", "name": "慈溪市 (Cixi, Zhejiang, China)"},
        "keywords": ["慈溪", "政府工作报告", "十四五", "Cixi", "government work report", "open data"],
        "distribution": [_download(d, base) for d in downloads],
    }
