"""/v1/indicators: indicator concepts, each with all its observations."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import queries
from api.datasets import present_indicators
from api.rest.common import FILTER_HELP, FORMAT_HELP, CursorParam, LimitParam, in_session, list_endpoint, list_options, sort_query
from api.rest.problems import problem_responses
from api.schemas import IndicatorPublic, Page

router = APIRouter(prefix="/indicators", tags=["indicators"])


@router.get(
    "",
    response_model=Page[IndicatorPublic],
    operation_id="list_indicators",
    responses=problem_responses(400, 406, 503),
    description="Indicator concepts (GDP, R&D intensity …), each with its observations across periods." + FILTER_HELP + FORMAT_HELP,
)
async def list_indicators(request: Request, limit: LimitParam = 50, cursor: CursorParam = None, sort: Annotated[str | None, sort_query(queries.INDICATORS)] = None) -> Response:
    options = list_options(request, queries.INDICATORS, limit, cursor, sort)
    return await list_endpoint(request, queries.INDICATORS, options, IndicatorPublic, present_indicators)


@router.get("/{indicator_id}", response_model=IndicatorPublic, operation_id="get_indicator", responses=problem_responses(404, 503))
async def get_indicator(request: Request, indicator_id: str) -> IndicatorPublic:
    """One indicator (e.g. `gdp`) with every observation of it, oldest period first."""
    return await in_session(request, lambda session: present_indicators(session, [queries.get_indicator(session, key=indicator_id)])[0])
