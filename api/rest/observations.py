"""/v1/observations: every number of the report, one value of one indicator each."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import queries
from api.rest.common import FILTER_HELP, FORMAT_HELP, CursorParam, LimitParam, each, in_session, list_endpoint, list_options, sort_query
from api.rest.problems import problem_responses
from api.schemas import ObservationPublic, Page

router = APIRouter(prefix="/observations", tags=["observations"])


@router.get(
    "",
    response_model=Page[ObservationPublic],
    operation_id="list_observations",
    responses=problem_responses(400, 406, 503),
    description="Observations in document order, each with its verbatim source quote and offsets." + FILTER_HELP + FORMAT_HELP,
)
async def list_observations(request: Request, limit: LimitParam = 50, cursor: CursorParam = None, sort: Annotated[str | None, sort_query(queries.OBSERVATIONS)] = None) -> Response:
    options = list_options(request, queries.OBSERVATIONS, limit, cursor, sort)
    return await list_endpoint(request, queries.OBSERVATIONS, options, ObservationPublic, each(ObservationPublic.from_row))


@router.get("/{observation_id}", response_model=ObservationPublic, operation_id="get_observation", responses=problem_responses(404, 503))
async def get_observation(request: Request, observation_id: str) -> ObservationPublic:
    """One observation (e.g. `gdp-2020-citywide`)."""
    return await in_session(request, lambda session: ObservationPublic.from_row(queries.get_observation(session, key=observation_id)))
