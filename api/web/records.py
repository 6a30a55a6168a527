"""The record pages: every field of one record, its sentence in the report, how to cite it,
and the same record in REST and GraphQL."""

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api import models, queries, schemas
from api.datasets import DATASETS, present_indicators, present_projects
from api.queries import Condition
from api.schemas import flat_row
from api.web.links import api_path, graphql_path
from api.web.rows import every_row

SOURCE_FIELDS = "source { quote charStart charEnd sectionPathZh citeGbt7714 citeApa }"
GRAPHQL_FIELDS = {
    "indicators": "id nameZh nameEn topic observations { id period status value unit }",
    "observations": f"id indicatorId period status measure scope value unit qualifier {SOURCE_FIELDS}",
    "projects": f"id nameZh nameEn category status year flagship {SOURCE_FIELDS} mentions {{ id status year }}",
    "livelihood_items": f"id descriptionZh descriptionEn category status year value unit {SOURCE_FIELDS}",
    "five_year_goals": f"id plan kind dimension descriptionZh descriptionEn targetValue targetUnit {SOURCE_FIELDS}",
}
CHINESE_FIELDS = frozenset({"source_quote", "source_cite_gbt7714", "value_text", "unit", "target_unit"})
ENGLISH_FIELDS = frozenset({"source_cite_apa", "description_en", "source_note"})
GRAPHQL_FIELD = {
    "indicators": "indicator",
    "observations": "observation",
    "projects": "project",
    "livelihood_items": "livelihoodItem",
    "five_year_goals": "fiveYearGoal",
}


@dataclass(frozen=True)
class Context:
    """A quote inside its whole sentence: ``before`` + ``quote`` + ``after``."""

    before: str
    quote: str
    after: str
    start: int
    end: int
    section: models.Section | None


@dataclass
class RecordView:
    dataset: str
    key: str
    record: BaseModel
    title_zh: str
    title_en: str
    fields: list[tuple[str, Any, str | None]]
    context: Context | None
    rest_href: str
    graphql_href: str
    related: dict[str, Any] = field(default_factory=dict)

    @property
    def list_path(self) -> str:
        return f"/{DATASETS[self.dataset].path}"

    @property
    def source(self) -> schemas.Source | None:
        source = getattr(self.record, "source", None)
        return source if isinstance(source, schemas.Source) else None


def field_language(name: str) -> str | None:
    """The lang attribute of a field's value: Chinese and English text fields; None for codes and numbers."""
    if name.endswith("_zh") or name in CHINESE_FIELDS:
        return "zh-Hans"
    if name.endswith("_en") or name in ENGLISH_FIELDS:
        return "en"
    return None


def graphql_query(dataset: str, key: str) -> str:
    return f'{{ {GRAPHQL_FIELD[dataset]}(id: "{key}") {{ {GRAPHQL_FIELDS[dataset]} }} }}'


def quote_in_context(session: Session, source: schemas.Source) -> Context:
    passage = queries.report_text_passage(session, key=source.report_id, start=source.char_start, end=source.char_end)
    text = passage.report.text
    before = text[passage.sentence_start : passage.start].lstrip()
    after = text[passage.end : passage.sentence_end].rstrip()
    return Context(before, passage.text, after, passage.start, passage.end, passage.section)


def _view(session: Session, dataset: str, key: str, record: BaseModel, title_zh: str, title_en: str, related: dict[str, Any]) -> RecordView:
    source = getattr(record, "source", None)
    return RecordView(
        dataset=dataset,
        key=key,
        record=record,
        title_zh=title_zh,
        title_en=title_en,
        fields=[(name, value, field_language(name)) for name, value in flat_row(record).items()],
        context=quote_in_context(session, source) if isinstance(source, schemas.Source) else None,
        rest_href=api_path(dataset, key),
        graphql_href=graphql_path(graphql_query(dataset, key)),
        related=related,
    )


def indicator_view(session: Session, key: str) -> RecordView:
    record = present_indicators(session, [queries.get_indicator(session, key=key)])[0]
    goals = every_row(session, queries.FIVE_YEAR_GOALS, (Condition("indicator_id", "exact", key),))
    return _view(session, "indicators", key, record, record.name_zh, record.name_en, {"observations": record.observations, "goals": goals})


def observation_view(session: Session, key: str) -> RecordView:
    row = queries.get_observation(session, key=key)
    indicator = queries.get_indicator(session, key=row.indicator_id)
    record = schemas.ObservationPublic.from_row(row)
    title_zh = f"{indicator.name_zh} {row.period}"
    title_en = f"{indicator.name_en}, {row.period}"
    return _view(session, "observations", key, record, title_zh, title_en, {"indicator": indicator})


def project_view(session: Session, key: str) -> RecordView:
    record = present_projects(session, [queries.get_project(session, key=key)])[0]
    return _view(session, "projects", key, record, record.name_zh, record.name_en, {"mentions": record.mentions})


def livelihood_item_view(session: Session, key: str) -> RecordView:
    record = schemas.LivelihoodItemPublic.from_row(queries.get_livelihood_item(session, key=key))
    return _view(session, "livelihood_items", key, record, record.description_zh, record.description_en, {})


def five_year_goal_view(session: Session, key: str) -> RecordView:
    row = queries.get_five_year_goal(session, key=key)
    record = schemas.FiveYearGoalPublic.from_row(row)
    linked = queries.rows_by_ids(session, models.Observation, [k for k in (row.target_observation_id, row.baseline_observation_id) if k])
    indicator = queries.get_indicator(session, key=row.indicator_id) if row.indicator_id else None
    related = {
        "target": linked.get(row.target_observation_id or ""),
        "baseline": linked.get(row.baseline_observation_id or ""),
        "indicator": indicator,
    }
    return _view(session, "five_year_goals", key, record, record.description_zh, record.description_en, related)


VIEWS = {
    "indicators": indicator_view,
    "observations": observation_view,
    "projects": project_view,
    "livelihood_items": livelihood_item_view,
    "five_year_goals": five_year_goal_view,
}
