"""SQLModel tables. Created only by Alembic migrations, filled only by ``api.ingest.load``.

Every fact table carries its provenance: the section it stands in, the verbatim quote, and
``char_start``/``char_end`` into the report's canonical text (``text[char_start:char_end] == quote``).
"""

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from api.db import metadata

SQLModel.metadata = metadata


class Provenance(SQLModel):
    section_id: str | None = Field(default=None, foreign_key="sections.id", index=True)
    quote: str = Field(sa_type=Text)
    char_start: int = Field(index=True)
    char_end: int
    note: str | None = Field(default=None, sa_type=Text)
    section_path_zh: str | None = Field(default=None, sa_type=Text)
    section_path_en: str | None = Field(default=None, sa_type=Text)
    cite_gbt7714: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    cite_apa: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})


class ValueColumns(SQLModel):
    value: float | None = Field(default=None, index=True)
    value_text: str | None = None
    unit: str | None = Field(default=None, index=True)
    unit_code: str | None = Field(default=None, index=True)
    base_unit: str | None = None
    base_value: float | None = Field(default=None, index=True)
    qualifier: str | None = Field(default=None, index=True)


class Report(SQLModel, table=True):
    __tablename__ = "reports"

    id: str = Field(primary_key=True)
    title_zh: str
    title_en: str
    region_zh: str = Field(index=True)
    region_en: str
    year: int = Field(index=True)
    speaker_zh: str
    speaker_en: str
    speaker_title_zh: str
    speaker_title_en: str
    issuer_zh: str
    issuer_en: str
    language: str
    text: str = Field(sa_type=Text)
    text_sha256: str
    char_count: int


class Section(SQLModel, table=True):
    __tablename__ = "sections"

    id: str = Field(primary_key=True)
    report_id: str = Field(foreign_key="reports.id", index=True)
    parent_id: str | None = Field(default=None, foreign_key="sections.id", index=True)
    level: str = Field(index=True)
    number: str | None = Field(default=None, index=True)
    heading_zh: str = Field(index=True)
    heading_en: str = Field(index=True)
    path: str
    depth: int = Field(index=True)
    position: int = Field(index=True)
    char_start: int = Field(index=True)
    char_end: int


class Indicator(SQLModel, table=True):
    __tablename__ = "indicators"

    id: str = Field(primary_key=True)
    name_zh: str = Field(index=True)
    name_en: str = Field(index=True)
    topic: str = Field(index=True)
    description_en: str | None = None


class Observation(Provenance, ValueColumns, table=True):
    __tablename__ = "observations"

    id: str = Field(primary_key=True)
    report_id: str = Field(foreign_key="reports.id", index=True)
    indicator_id: str = Field(foreign_key="indicators.id", index=True)
    period: str = Field(index=True)
    period_start: int = Field(index=True)
    period_end: int = Field(index=True)
    status: str = Field(index=True)
    measure: str = Field(index=True)
    scope: str | None = Field(default=None, index=True)
    direction: str | None = Field(default=None, index=True)


class Project(Provenance, table=True):
    __tablename__ = "projects"

    id: str = Field(primary_key=True)
    report_id: str = Field(foreign_key="reports.id", index=True)
    name_zh: str = Field(index=True)
    name_en: str = Field(index=True)
    category: str = Field(index=True)
    status: str = Field(index=True)
    year: int | None = Field(default=None, index=True)
    flagship: bool = Field(default=False, index=True)


class ProjectMention(Provenance, table=True):
    __tablename__ = "project_mentions"

    id: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True)
    status: str
    year: int | None = None


class LivelihoodItem(Provenance, ValueColumns, table=True):
    __tablename__ = "livelihood_items"

    id: str = Field(primary_key=True)
    report_id: str = Field(foreign_key="reports.id", index=True)
    category: str = Field(index=True)
    description_zh: str = Field(sa_type=Text, index=True)
    description_en: str = Field(sa_type=Text, index=True)
    status: str = Field(index=True)
    year: int = Field(index=True)


class FiveYearGoal(Provenance, table=True):
    __tablename__ = "five_year_goals"

    id: str = Field(primary_key=True)
    report_id: str = Field(foreign_key="reports.id", index=True)
    plan: str = Field(index=True)
    kind: str = Field(index=True)
    dimension: str | None = Field(default=None, index=True)
    description_zh: str = Field(sa_type=Text, index=True)
    description_en: str = Field(sa_type=Text, index=True)
    indicator_id: str | None = Field(default=None, foreign_key="indicators.id", index=True)
    target_observation_id: str | None = Field(default=None, foreign_key="observations.id")
    baseline_observation_id: str | None = Field(default=None, foreign_key="observations.id")
    target_value: float | None = Field(default=None, index=True)
    target_unit: str | None = None
    target_qualifier: str | None = None


class CoverageExclusion(SQLModel, table=True):
    __tablename__ = "coverage_exclusions"

    id: int = Field(primary_key=True)
    report_id: str = Field(foreign_key="reports.id", index=True)
    text: str | None = None
    context: str | None = None
    pattern: str | None = None
    reason: str = Field(sa_type=Text)
    line: int




class SearchDocument(SQLModel, table=True):
    """One searchable record: its text and its search tokens (see ``api.search``).

    SQLite indexes ``tokens`` with FTS5 and PostgreSQL with a GIN index over a tsvector
    of them; both are made by the migration and kept in step by the engine.
    """

    __tablename__ = "search_documents"

    id: str = Field(primary_key=True)
    report_id: str = Field(foreign_key="reports.id", index=True)
    kind: str = Field(index=True)
    record_id: str = Field(index=True)
    title_zh: str = Field(sa_type=Text)
    title_en: str = Field(sa_type=Text)
    body: str = Field(sa_type=Text)
    tokens: str = Field(sa_type=Text)


class StoredRelease(SQLModel, table=True):
    """The release the data makes up (``api.release``), stored by ``api.ingest.load`` in the
    transaction that loads the data, so that a process reads it instead of hashing every row.

    One row. ``schema_revision`` is the Alembic revision its digest was computed at: a later
    migration may change the rows the digest covers, so a row of another revision is not used.
    """

    __tablename__ = "releases"

    version: str = Field(primary_key=True)
    data_sha256: str
    counts: dict[str, int] = Field(sa_type=JSON)
    report_id: str = Field(foreign_key="reports.id")
    temporal_start: int
    temporal_end: int
    schema_revision: str


TABLES_IN_LOAD_ORDER: tuple[type[SQLModel], ...] = (
    Report,
    Section,
    Indicator,
    Observation,
    Project,
    ProjectMention,
    LivelihoodItem,
    FiveYearGoal,
    CoverageExclusion,
    SearchDocument,
)
