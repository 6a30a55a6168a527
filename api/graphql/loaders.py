"""Per-request DataLoaders: nested reads are batched into one statement per level.

Each batch runs in a worker thread with its own session (the same concurrency model as
REST) and presents its rows there, once each: a section that a hundred quotes stand in is
converted to its public record once. Loaders are built per request in the context getter,
so nothing is cached across requests.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from strawberry.dataloader import DataLoader

from api import models, queries, schemas
from api.db import run_database_work

T = TypeVar("T")


def _by_id_loader(engine: Engine, model: type[Any], present: Callable[[Any], Any]) -> DataLoader[str, Any]:
    """Public records by id; each record is presented once per request, in the worker thread."""

    def fetch(session: Session, keys: Sequence[str]) -> dict[str, Any]:
        return {key: present(row) for key, row in queries.rows_by_ids(session, model, keys).items()}

    async def load(keys: Sequence[str]) -> list[Any]:
        found = await run_database_work(engine, lambda session: fetch(session, keys))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _grouped_loader(engine: Engine, fetch: Callable[[Session, Sequence[str]], dict[str, list[Any]]]) -> DataLoader[str, list[Any]]:
    async def load(keys: Sequence[str]) -> list[list[Any]]:
        grouped = await run_database_work(engine, lambda session: fetch(session, keys))
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def _observations_by_indicator(session: Session, keys: Sequence[str]) -> dict[str, list[schemas.ObservationPublic]]:
    grouped = queries.observations_for_indicators(session, indicator_ids=keys)
    return {key: [schemas.ObservationPublic.from_row(row) for row in rows] for key, rows in grouped.items()}


@dataclass
class Loaders:
    sections: DataLoader[str, schemas.SectionPublic | None]
    indicators: DataLoader[str, schemas.IndicatorPublic | None]
    observations: DataLoader[str, schemas.ObservationPublic | None]
    reports: DataLoader[str, schemas.ReportPublic | None]
    observations_by_indicator: DataLoader[str, list[schemas.ObservationPublic]]
    mentions_by_project: DataLoader[str, list[Any]]


def build_loaders(engine: Engine) -> Loaders:
    return Loaders(
        sections=_by_id_loader(engine, models.Section, schemas.SectionPublic.from_row),
        indicators=_by_id_loader(engine, models.Indicator, lambda row: schemas.IndicatorPublic.from_row(row, [])),
        observations=_by_id_loader(engine, models.Observation, schemas.ObservationPublic.from_row),
        reports=_by_id_loader(engine, models.Report, schemas.ReportPublic.from_row),
        observations_by_indicator=_grouped_loader(engine, _observations_by_indicator),
        mentions_by_project=_grouped_loader(engine, lambda session, keys: queries.mentions_for_projects(session, project_ids=keys)),
    )
