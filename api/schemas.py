"""Public read shapes shared by every transport (REST JSON/CSV and GraphQL).

A row becomes a public record here and only here (``*Public.from_row``), so a
serialisation rule — which fields, what names, how the source is nested — has one home.
"""

from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from sqlalchemy import Row

from api import models, search
from api.queries import EXACT_TOTAL_LIMIT

T = TypeVar("T")


def _as_written(value: float | None) -> float | int | None:
    """2008.3 stays 2008.3; 6.0 is written 6, as the report writes it."""
    if value is not None and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


Number = Annotated[float, PlainSerializer(_as_written)]
OptionalNumber = Annotated[float | None, PlainSerializer(_as_written)]


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Source(PublicModel):
    """Where a fact stands in the report: ``text[char_start:char_end] == quote``."""

    report_id: str = Field(description="The report the quote is taken from.")
    section_id: str | None = Field(description="The deepest section holding the quote.")
    quote: str = Field(description="Verbatim text of the report that states the fact.")
    char_start: int = Field(description="Offset of the quote's first character in the canonical text (Unicode code points).")
    char_end: int = Field(description="Offset just past the quote's last character.")
    note: str | None = Field(default=None, description="Curator's note where the text is ambiguous.")
    section_path_zh: str | None = Field(default=None, description="Headings from the part down to the section, in Chinese.")
    section_path_en: str | None = Field(default=None, description="The same headings in English.")
    text_url: str = Field(description="The passage in the report's text (REST path).")
    cite_gbt7714: str = Field(description="Citation in GB/T 7714-2015 style, ready to paste.")
    cite_apa: str = Field(description="Citation in APA 7 style, ready to paste.")

    @classmethod
    def of(cls, row: Any, report_id: str) -> Self:
        return cls(
            report_id=report_id,
            section_id=row.section_id,
            quote=row.quote,
            char_start=row.char_start,
            char_end=row.char_end,
            note=row.note,
            section_path_zh=row.section_path_zh,
            section_path_en=row.section_path_en,
            text_url=f"/v1/reports/{report_id}/text?start={row.char_start}&end={row.char_end}",
            cite_gbt7714=row.cite_gbt7714,
            cite_apa=row.cite_apa,
        )


class ReportPublic(PublicModel):
    id: str
    title_zh: str
    title_en: str
    region_zh: str
    region_en: str
    year: int
    speaker_zh: str
    speaker_en: str
    speaker_title_zh: str
    speaker_title_en: str
    issuer_zh: str
    issuer_en: str
    language: str
    text_sha256: str = Field(description="SHA-256 of the canonical text every offset refers to.")
    char_count: int = Field(description="Length of the canonical text in Unicode code points.")

    @classmethod
    def from_row(cls, row: models.Report) -> Self:
        return cls.model_validate(row)


class SectionPublic(PublicModel):
    id: str
    report_id: str
    parent_id: str | None
    level: str = Field(description="part | chapter | topic")
    number: str | None = Field(description="The numbering as written: 一, (一) …")
    heading_zh: str
    heading_en: str
    path: str = Field(description="Ids from the part down to this section, joined by '/'.")
    depth: int
    position: int = Field(description="Order of the section in the report.")
    char_start: int
    char_end: int

    @classmethod
    def from_row(cls, row: models.Section) -> Self:
        return cls.model_validate(row)


class ObservationPublic(PublicModel):
    id: str
    permalink: str = Field(description="The stable REST address of this record.")
    indicator_id: str
    period: str = Field(description="ISO 8601 year or interval: 2020, 2016/2020, 2021/2025 …")
    period_start: int
    period_end: int
    status: str = Field(description="actual | target")
    measure: str = Field(description="level | count | growth_rate | average_annual_growth_rate | change | share | ratio | multiple | ranking")
    scope: str | None = Field(description="citywide (全市) | city_level (市级) | null")
    value: Number = Field(description="The number exactly as the report writes it.")
    value_text: str = Field(description="The number as written in the quote.")
    unit: str | None = Field(description="The unit exactly as written: 亿元, %, 万人 …")
    unit_code: str | None
    base_unit: str | None
    base_value: OptionalNumber = Field(description="value × the unit's multiplier (亿元 → CNY × 1e8), derived at load time.")
    qualifier: str | None = Field(description="at_least | more_than | about | nearly | at_most | null")
    direction: str | None = Field(description="increase | decrease, where the text says which way a change goes.")
    source: Source

    @classmethod
    def from_row(cls, row: models.Observation) -> Self:
        return cls.model_validate({**_columns(row), "permalink": f"/v1/observations/{row.id}", "source": Source.of(row, row.report_id)})


class IndicatorPublic(PublicModel):
    id: str
    name_zh: str
    name_en: str
    topic: str
    description_en: str | None
    observations: list[ObservationPublic] = Field(default_factory=list)

    @classmethod
    def from_row(cls, row: models.Indicator, observations: list[models.Observation]) -> Self:
        return cls.model_validate({**_columns(row), "observations": [ObservationPublic.from_row(o) for o in observations]})


class ProjectMentionPublic(PublicModel):
    id: str
    status: str
    year: int | None
    source: Source

    @classmethod
    def from_row(cls, row: models.ProjectMention, report_id: str) -> Self:
        return cls.model_validate({**_columns(row), "source": Source.of(row, report_id)})


class ProjectPublic(PublicModel):
    id: str
    permalink: str = Field(description="The stable REST address of this record.")
    name_zh: str
    name_en: str
    category: str
    status: str = Field(description="completed | in_progress | starting | planned | preparatory")
    year: int | None
    flagship: bool = Field(description="One of the six flagship projects (六大标志性工程) of the 14th Five-Year Plan.")
    source: Source
    mentions: list[ProjectMentionPublic] = Field(default_factory=list)

    @classmethod
    def from_row(cls, row: models.Project, mentions: list[models.ProjectMention]) -> Self:
        return cls.model_validate(
            {
                **_columns(row),
                "permalink": f"/v1/projects/{row.id}",
                "source": Source.of(row, row.report_id),
                "mentions": [ProjectMentionPublic.from_row(m, row.report_id) for m in mentions],
            }
        )


class LivelihoodItemPublic(PublicModel):
    id: str
    permalink: str = Field(description="The stable REST address of this record.")
    category: str
    description_zh: str
    description_en: str
    status: str = Field(description="achieved | planned")
    year: int
    value: OptionalNumber
    value_text: str | None
    unit: str | None
    unit_code: str | None
    base_unit: str | None
    base_value: OptionalNumber
    qualifier: str | None
    source: Source

    @classmethod
    def from_row(cls, row: models.LivelihoodItem) -> Self:
        return cls.model_validate({**_columns(row), "permalink": f"/v1/livelihood-items/{row.id}", "source": Source.of(row, row.report_id)})


class FiveYearGoalPublic(PublicModel):
    id: str
    permalink: str = Field(description="The stable REST address of this record.")
    plan: str = Field(description="fyp14 (2021–2025) | vision2035")
    kind: str = Field(description="overall | goal | major_task | vision")
    dimension: str | None
    description_zh: str
    description_en: str
    indicator_id: str | None
    target_observation_id: str | None
    baseline_observation_id: str | None
    target_value: OptionalNumber = Field(description="From the target observation.")
    target_unit: str | None
    target_qualifier: str | None
    source: Source

    @classmethod
    def from_row(cls, row: models.FiveYearGoal) -> Self:
        return cls.model_validate({**_columns(row), "permalink": f"/v1/five-year-goals/{row.id}", "source": Source.of(row, row.report_id)})


class SearchResult(PublicModel):
    kind: str = Field(description="The dataset: sections, indicators, observations, projects, livelihood_items, five_year_goals.")
    id: str
    title_zh: str
    title_en: str
    snippet: str = Field(description="A passage around the first match, matches marked with <mark> (HTML-escaped otherwise).")
    score: float = Field(description="Relevance; higher is better. The same on every database engine.")
    url: str = Field(description="The record in the REST API.")

    @classmethod
    def from_hit(cls, document: models.SearchDocument, score: float, q: str, base_url: str) -> Self:
        return cls(
            kind=document.kind,
            id=document.record_id,
            title_zh=document.title_zh,
            title_en=document.title_en,
            snippet=search.snippet(document.body or document.title_zh, q),
            score=score,
            url=base_url + document.record_id,
        )


class SearchResults(PublicModel):
    q: str
    total: int
    items: list[SearchResult]


class ClaimCheck(PublicModel):
    number: str = Field(description="The number as written in the checked text.")
    unit: str | None = Field(description="The unit written right after it, if the report uses that unit.")
    year: str | None = Field(description="The year the checked text names, if any.")
    verdict: str = Field(description="supported | contradicted | not_found")
    reason: str
    facts: list[ObservationPublic] = Field(description="The report's facts this number was compared with, best first.")


class Verification(PublicModel):
    text: str
    verdict: str = Field(description="supported (every number matches) | contradicted | not_found | no_numbers")
    claims: list[ClaimCheck]


class Page(BaseModel, Generic[T]):
    """One page of a list, in a stable order, with the total of all matching rows."""

    items: list[T]
    total: int = Field(description=f"Rows matching the filters, over all pages; counted up to {EXACT_TOTAL_LIMIT:,} (see total_exact).")
    total_exact: bool = Field(description=f"false: counting stopped at {EXACT_TOTAL_LIMIT:,}, and more than `total` rows match.")
    limit: int
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


def _columns(row: Any) -> dict[str, Any]:
    """The columns of a plain row (``api.queries.plain_rows``) or of an ORM object."""
    if isinstance(row, Row):
        return row._asdict()
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def flat_columns(model: type[BaseModel]) -> list[str]:
    """The column order of a record in flat formats (CSV): its fields, nested ``source``
    spread into ``source_*`` columns, nested lists left out."""
    columns: list[str] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if annotation is Source:
            columns += [f"source_{sub}" for sub in Source.model_fields]
        elif getattr(annotation, "__origin__", None) is list:
            continue
        else:
            columns.append(name)
    return columns


def flat_row(record: BaseModel) -> dict[str, Any]:
    """One record as a flat mapping in ``flat_columns`` order (the one rule every flat format uses)."""
    data = record.model_dump(mode="json")
    row: dict[str, Any] = {}
    for column in flat_columns(type(record)):
        if column.startswith("source_") and "source" in data:
            row[column] = data["source"][column.removeprefix("source_")]
        else:
            row[column] = data[column]
    return row
