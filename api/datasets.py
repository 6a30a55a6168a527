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
    resource: Resource
    public: type[BaseModel]
    present: Callable[[Session, Sequence[Any]], Sequence[BaseModel]]


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "sections", "sections", "Sections", "报告章节",
            "The report's heading tree: parts, chapters and topic headings, with their spans in the text.",
            queries.SECTIONS, schemas.SectionPublic, _each(schemas.SectionPublic.from_row),
        ),
        Dataset(
            "indicators", "indicators", "Indicators", "指标",
            "Indicator concepts (GDP, R&D intensity …) observed in the report.",
            queries.INDICATORS, schemas.IndicatorPublic, present_indicators,
        ),
        Dataset(
            "observations", "observations", "Observations", "指标数值",
            "Every number of the report: one value of one indicator, with period, status, unit and source quote.",
            queries.OBSERVATIONS, schemas.ObservationPublic, _each(schemas.ObservationPublic.from_row),
        ),
        Dataset(
            "projects", "projects", "Projects", "重点项目",
            "Named projects with their status as the report states it.",
            queries.PROJECTS, schemas.ProjectPublic, present_projects,
        ),
        Dataset(
            "livelihood_items", "livelihood-items", "Livelihood items", "民生事项",
            "People's-livelihood (民生) items achieved in 2020 or planned for 2021.",
            queries.LIVELIHOOD_ITEMS, schemas.LivelihoodItemPublic, _each(schemas.LivelihoodItemPublic.from_row),
        ),
        Dataset(
            "five_year_goals", "five-year-goals", "Five-year goals", "“十四五”目标",
            "Goals of the 14th Five-Year Plan (2021–2025), its ten major tasks and the 2035 vision.",
            queries.FIVE_YEAR_GOALS, schemas.FiveYearGoalPublic, _each(schemas.FiveYearGoalPublic.from_row),
        ),
    )
}


def all_records(session: Session, dataset: Dataset) -> list[BaseModel]:
    """Every record of a dataset, in its default order (for exports and downloads)."""
    rows: list[Any] = []
    cursor = None
    while True:
        page = queries.list_rows(session, dataset.resource, queries.ListOptions(limit=queries.MAX_PAGE_SIZE, cursor=cursor))
        rows += page.rows
        cursor = page.next_cursor
        if cursor is None:
            return list(dataset.present(session, rows))
