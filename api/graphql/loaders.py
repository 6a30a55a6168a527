"""Per-request DataLoaders: nested reads are batched into one statement per level.

Each batch runs in a worker thread with its own session (the same concurrency model as
REST). Loaders are built per request in the context getter, so nothing is cached
across requests.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader

from api import models, queries

T = TypeVar("T")


async def in_thread(engine: Engine, work: Callable[[Session], T]) -> T:
    def run() -> T:
        with Session(engine) as session:
            return work(session)

    return await run_in_threadpool(run)


def _by_id_loader(engine: Engine, model: type[Any]) -> DataLoader[str, Any]:
    async def load(keys: Sequence[str]) -> list[Any]:
        found = await in_thread(engine, lambda session: queries.rows_by_ids(session, model, keys))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _grouped_loader(engine: Engine, fetch: Callable[[Session, Sequence[str]], dict[str, list[Any]]]) -> DataLoader[str, list[Any]]:
    async def load(keys: Sequence[str]) -> list[list[Any]]:
        grouped = await in_thread(engine, lambda session: fetch(session, keys))
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    sections: DataLoader[str, Any]
    indicators: DataLoader[str, Any]
    observations: DataLoader[str, Any]
    reports: DataLoader[str, Any]
    observations_by_indicator: DataLoader[str, list[Any]]
    mentions_by_project: DataLoader[str, list[Any]]


def build_loaders(engine: Engine) -> Loaders:
    return Loaders(
        sections=_by_id_loader(engine, models.Section),
        indicators=_by_id_loader(engine, models.Indicator),
        observations=_by_id_loader(engine, models.Observation),
        reports=_by_id_loader(engine, models.Report),
        observations_by_indicator=_grouped_loader(
            engine, lambda session, keys: queries.observations_for_indicators(session, indicator_ids=keys)
        ),
        mentions_by_project=_grouped_loader(engine, lambda session, keys: queries.mentions_for_projects(session, project_ids=keys)),
    )
