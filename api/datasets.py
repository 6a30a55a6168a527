"""The published datasets: for each, its query-layer resource, its public shape and how
its rows become public records. Lists, exports, downloads and the catalogue all read
this one table."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api import queries, schemas
from api.queries import Resource


def present_indicators(session: Session, rows: Sequence[Any]) -> list[schemas.IndicatorPublic]:
    observations = queries.observations_for_indicators(session, indicator_ids=[row.id for row in rows])
    return [schemas.IndicatorPublic.from_row(row, observations[row.id]) for row in rows]


def present_projects(session: Session, rows: Sequence[Any]) -> list[schemas.ProjectPublic]:
    mentions = queries.mentions_for_projects(session, project_ids=[row.id for row in rows])
    return [schemas.ProjectPublic.from_row(row, mentions[row.id]) for row in rows]


def _each(convert: Callable[[Any], BaseModel]) -> Callable[[Session, Sequence[Any]], list[BaseModel]]:
    return lambda _session, rows: [convert(row) for row in rows]


@dataclass(frozen=True)
class Dataset:
    name: str
    path: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    resource: Resource
    public: type[BaseModel]
    present: Callable[[Session, Sequence[Any]], Sequence[BaseModel]]


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "sections", "sections", "Sections", "报告章节",
            "The report's heading tree: parts, chapters and topic headings, with their spans in the text.",
            "报告的标题层级:部分、章节和主题标题,以及它们在全文中的起止位置。",
            queries.SECTIONS, schemas.SectionPublic, _each(schemas.SectionPublic.from_row),
        ),
        Dataset(
            "indicators", "indicators", "Indicators", "指标",
            "Indicator concepts (GDP, R&D intensity …) observed in the report.",
            "报告中出现的指标概念(地区生产总值、研发投入强度等)。",
            queries.INDICATORS, schemas.IndicatorPublic, present_indicators,
        ),
        Dataset(
            "observations", "observations", "Observations", "指标数值",
            "Every number of the report: one value of one indicator, with period, status, unit and source quote.",
            "报告中的每一个数字:某一指标的一个数值,含时期、实际或目标、单位和原文引文。",
            queries.OBSERVATIONS, schemas.ObservationPublic, _each(schemas.ObservationPublic.from_row),
        ),
        Dataset(
            "projects", "projects", "Projects", "重点项目",
            "Named projects with their status as the report states it.",
            "报告点名的项目及报告所述的项目状态。",
            queries.PROJECTS, schemas.ProjectPublic, present_projects,
        ),
        Dataset(
            "livelihood_items", "livelihood-items", "Livelihood items", "民生事项",
            "People's-livelihood (民生) items achieved in 2020 or planned for 2021.",
            "2020年已完成和2021年计划实施的民生实事。",
            queries.LIVELIHOOD_ITEMS, schemas.LivelihoodItemPublic, _each(schemas.LivelihoodItemPublic.from_row),
        ),
        Dataset(
            "five_year_goals", "five-year-goals", "Five-year goals", "“十四五”目标",
            "Goals of the 14th Five-Year Plan (2021–2025), its ten major tasks and the 2035 vision.",
            "“十四五”规划(2021—2025年)主要目标、重大任务和2035年远景目标。",
            queries.FIVE_YEAR_GOALS, schemas.FiveYearGoalPublic, _each(schemas.FiveYearGoalPublic.from_row),
        ),
    )
}


def all_records(session: Session, dataset: Dataset) -> list[BaseModel]:
    """Every record of a dataset, in its default order (for exports, downloads and the release).

    One ordered read, presented a page at a time: pages of ``list_rows`` would each count and sort
    the whole table again, and one presenter call for every row would put all their ids in one
    statement (PostgreSQL takes at most 65 535 values)."""
    rows = queries.all_rows(session, dataset.resource)
    size = queries.MAX_PAGE_SIZE
    return [record for start in range(0, len(rows), size) for record in dataset.present(session, rows[start : start + size])]


def search_results(q: str, hits: Sequence[queries.SearchHit], total: int, api_base: str) -> schemas.SearchResults:
    """Ranked search hits as public results, each linking to its record under ``api_base`` (…/v1/)."""
    items = [schemas.SearchResult.from_hit(hit.document, hit.score, q, f"{api_base}{DATASETS[hit.document.kind].path}/") for hit in hits]
    return schemas.SearchResults(q=q, total=total, items=items)
