"""/v1/five-year-goals: the 14th Five-Year Plan (2021–2025) and the 2035 vision."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import queries
from api.rest.common import FILTER_HELP, FORMAT_HELP, CursorParam, LimitParam, each, in_session, list_endpoint, list_options, sort_query
from api.rest.problems import problem_responses
from api.schemas import FiveYearGoalPublic, Page

router = APIRouter(prefix="/five-year-goals", tags=["five-year goals"])


@router.get(
    "",
    response_model=Page[FiveYearGoalPublic],
    operation_id="list_five_year_goals",
    responses=problem_responses(400, 406, 503),
    description="Goals of the 14th Five-Year Plan, the ten major tasks and the 2035 vision, linked to indicators." + FILTER_HELP + FORMAT_HELP,
)
async def list_five_year_goals(request: Request, limit: LimitParam = 50, cursor: CursorParam = None, sort: Annotated[str | None, sort_query(queries.FIVE_YEAR_GOALS)] = None) -> Response:
    options = list_options(request, queries.FIVE_YEAR_GOALS, limit, cursor, sort)
    return await list_endpoint(request, queries.FIVE_YEAR_GOALS, options, FiveYearGoalPublic, each(FiveYearGoalPublic.from_row))


@router.get("/{goal_id}", response_model=FiveYearGoalPublic, operation_id="get_five_year_goal", responses=problem_responses(404, 503))
async def get_five_year_goal(request: Request, goal_id: str) -> FiveYearGoalPublic:
    """One goal, with its target value taken from its target observation."""
    return await in_session(request, lambda session: FiveYearGoalPublic.from_row(queries.get_five_year_goal(session, key=goal_id)))
