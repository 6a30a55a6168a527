"""GraphQL object types. Their fields come from the public read shapes in ``api.schemas``
(one serialisation rule for both transports); nested objects resolve through the
per-request loaders.

Resolvers return the public records themselves (``as_type``): a pydantic-derived strawberry type
reads its fields from the model it was derived from (its ``is_type_of`` accepts that model), so no
record is copied field by field into a second object (a third of the time of a query of every
observation with its source and section)."""

from typing import Annotated, Any, TypeVar, cast

import strawberry
from pydantic import BaseModel
from strawberry import auto
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.types import Info

from api import schemas

T = TypeVar("T")
K = TypeVar("K", bound=type)


def from_public_model(model: type[BaseModel], **options: Any) -> Any:
    """strawberry's type derived from ``model``, whose ``is_type_of`` is a plain isinstance check.

    strawberry's own first asks each object for its cast marker; a pydantic model has none, and
    answering a missing attribute goes through pydantic's ``__getattr__`` and a raised
    AttributeError, for every object of every list (a tenth of an uncached 50-row query).
    Nothing here uses ``strawberry.cast``."""

    def derive(cls: K) -> K:
        derived = pydantic_type(model=model, **options)(cls)
        derived.__strawberry_definition__.is_type_of = lambda obj, _info: isinstance(obj, (derived, model))
        return cast(K, derived)

    return derive


def as_type(kind: type[T], record: BaseModel) -> T:
    """``record`` standing for the GraphQL type derived from its model."""
    return cast(T, record)


def _loaders(info: Info) -> Any:
    return info.context["loaders"]


@from_public_model(model=schemas.SectionPublic, all_fields=True, description="A heading of the report and its span in the text.")
class Section:
    @strawberry.field(description="The enclosing section, if any.")
    async def parent(self, info: Info) -> Annotated["Section", strawberry.lazy("api.graphql.types")] | None:
        if self.parent_id is None:
            return None
        return as_type(Section, await _loaders(info).sections.load(self.parent_id))


@from_public_model(model=schemas.Source, all_fields=True, description="Where a fact stands in the report.")
class Source:
    @strawberry.field(description="The deepest section holding the quote.")
    async def section(self, info: Info) -> Section | None:
        if self.section_id is None:
            return None
        return as_type(Section, await _loaders(info).sections.load(self.section_id))


@from_public_model(model=schemas.ReportPublic, all_fields=True, description="A source document.")
class Report:
    pass


@from_public_model(model=schemas.ObservationPublic, all_fields=True, description="One value of one indicator, as the report states it.")
class Observation:
    @strawberry.field(description="The indicator this is a value of.")
    async def indicator(self, info: Info) -> Annotated["Indicator", strawberry.lazy("api.graphql.types")]:
        return as_type(Indicator, await _loaders(info).indicators.load(self.indicator_id))


@from_public_model(model=schemas.IndicatorPublic, description="An indicator concept (GDP, R&D intensity …) across periods.")
class Indicator:
    id: auto
    name_zh: auto
    name_en: auto
    topic: auto
    description_en: auto

    @strawberry.field(description="Every observation of this indicator, oldest period first.")
    async def observations(self, info: Info) -> list[Observation]:
        return cast(list[Observation], await _loaders(info).observations_by_indicator.load(self.id))


@from_public_model(model=schemas.ProjectMentionPublic, all_fields=True, description="Another place the report speaks of a project.")
class ProjectMention:
    pass


@from_public_model(model=schemas.ProjectPublic, description="A named project with its status as the report states it.")
class Project:
    id: auto
    name_zh: auto
    name_en: auto
    category: auto
    status: auto
    year: auto
    flagship: auto
    source: auto

    @strawberry.field(description="Other places the report speaks of this project.")
    async def mentions(self, info: Info) -> list[ProjectMention]:
        rows = await _loaders(info).mentions_by_project.load(self.id)
        report_id = self.source.report_id
        return [as_type(ProjectMention, schemas.ProjectMentionPublic.from_row(row, report_id)) for row in rows]


@from_public_model(model=schemas.LivelihoodItemPublic, all_fields=True, description="A people's-livelihood (民生) item.")
class LivelihoodItem:
    pass


@from_public_model(model=schemas.FiveYearGoalPublic, all_fields=True, description="A 14th Five-Year Plan goal, major task or 2035 vision.")
class FiveYearGoal:
    @strawberry.field(description="The indicator the goal is measured by, where the report names one.")
    async def indicator(self, info: Info) -> Indicator | None:
        if self.indicator_id is None:
            return None
        return as_type(Indicator, await _loaders(info).indicators.load(self.indicator_id))

    @strawberry.field(description="The target observation (its value is target_value).")
    async def target(self, info: Info) -> Observation | None:
        return await _observation(info, self.target_observation_id)

    @strawberry.field(description="The 2020 baseline observation, where the report gives one.")
    async def baseline(self, info: Info) -> Observation | None:
        return await _observation(info, self.baseline_observation_id)


async def _observation(info: Info, key: str | None) -> Observation | None:
    if key is None:
        return None
    record = await _loaders(info).observations.load(key)
    return None if record is None else as_type(Observation, record)


@strawberry.type(description="Relay page info.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@from_public_model(model=schemas.SearchResult, all_fields=True, description="A record found by full-text search.")
class SearchResult:
    pass


@from_public_model(model=schemas.SearchResults, all_fields=True, description="Search results, best first.")
class SearchResults:
    pass
