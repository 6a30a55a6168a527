"""Strict models of the curated seed files (one model per record block).

These describe what a person writes in ``seed/``; everything derivable (offsets when
the quote is unique, the section, normalized units, ids of observations) is computed
in ``api.ingest.read`` and never typed by hand.
"""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.ingest.keys import KEY_PATTERN
from api.vocab import (
    Direction,
    GoalDimension,
    GoalKind,
    LivelihoodStatus,
    Measure,
    ObservationStatus,
    Plan,
    ProjectStatus,
    Qualifier,
    Scope,
    SectionLevel,
    Topic,
)

Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=KEY_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Quote = Annotated[str, StringConstraints(min_length=2)]
Period = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4}(?:/\d{4})?$")]


class StrictRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(StrictRecord):
    """A verbatim passage of the canonical text.

    ``occurrence`` (1-based) or ``char_start`` picks one place when the quote occurs
    more than once; with neither, the quote must be unique in the text.
    """

    quote: Quote
    occurrence: int | None = Field(default=None, ge=1)
    char_start: int | None = Field(default=None, ge=0)
    note: Text | None = None


class Valued(StrictRecord):
    """A number as written: ``value`` must be a number token of the quote.

    ``value_text`` is only needed when the quote writes the number in Chinese
    numerals (``两``, ``第四``'s ``四``); it must then mean ``value``.
    """

    value: Decimal | None = None
    value_text: Text | None = None
    unit: Text | None = None
    qualifier: Qualifier | None = None


class ReportRecord(StrictRecord):
    id: Key
    title_zh: Text
    title_en: Text
    region_zh: Text
    region_en: Text
    year: int
    speaker_zh: Text
    speaker_en: Text
    speaker_title_zh: Text
    speaker_title_en: Text
    issuer_zh: Text
    issuer_en: Text
    language: Text
    text_file: Text
    text_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class UnitRecord(StrictRecord):
    unit: Text
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9_]+$")]
    base_unit: Text
    multiplier: Decimal


class SectionRecord(StrictRecord):
    """A heading of the report. ``anchor`` is where the section starts in the text
    (the heading line itself unless the heading is not written verbatim)."""

    id: Key
    parent: Key | None = None
    level: SectionLevel
    number: Text | None = None
    heading_zh: Text
    heading_en: Text
    anchor: Quote | None = None
    occurrence: int | None = Field(default=None, ge=1)


class IndicatorRecord(StrictRecord):
    id: Key
    name_zh: Text
    name_en: Text
    topic: Topic
    description_en: Text | None = None


class ObservationRecord(Cited, Valued):
    id: Key | None = None
    indicator: Key
    period: Period
    status: ObservationStatus
    measure: Measure
    scope: Scope | None = None
    direction: Direction | None = None


class ProjectMentionRecord(Cited):
    status: ProjectStatus
    year: int | None = None


class ProjectRecord(Cited):
    id: Key
    name_zh: Text
    name_en: Text
    category: Topic
    status: ProjectStatus
    year: int | None = None
    flagship: bool = False
    mentions: list[ProjectMentionRecord] = Field(default_factory=list)


class LivelihoodItemRecord(Cited, Valued):
    id: Key
    category: Topic
    description_zh: Text
    description_en: Text
    status: LivelihoodStatus
    year: int


class FiveYearGoalRecord(Cited):
    id: Key
    plan: Plan
    kind: GoalKind
    dimension: GoalDimension | None = None
    description_zh: Text
    description_en: Text
    indicator: Key | None = None
    target: Key | None = Field(default=None, description="id of the target observation")
    baseline: Key | None = Field(default=None, description="id of the 2020 baseline observation")


class ExclusionRecord(StrictRecord):
    """A number in the text that is not a fact. ``text`` is the number token as
    written; ``context`` (verbatim, containing it) limits the exclusion to the
    places where that context occurs; ``pattern`` (a regex) excludes every match."""

    text: Text | None = None
    context: Text | None = None
    pattern: Text | None = None
    reason: Text


class FactFile(StrictRecord):
    """One chapter's facts: ``seed/facts/*.yaml``."""

    indicators: list[IndicatorRecord] = Field(default_factory=list)
    observations: list[ObservationRecord] = Field(default_factory=list)
    projects: list[ProjectRecord] = Field(default_factory=list)
    livelihood_items: list[LivelihoodItemRecord] = Field(default_factory=list)
    five_year_goals: list[FiveYearGoalRecord] = Field(default_factory=list)
