"""/v1/livelihood-items: people's-livelihood (民生) achievements and commitments."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import queries
from api.rest.common import FILTER_HELP, FORMAT_HELP, CursorParam, LimitParam, each, in_session, list_endpoint, list_options, sort_query
from api.rest.problems import problem_responses
from api.schemas import LivelihoodItemPublic, Page

router = APIRouter(prefix="/livelihood-items", tags=["livelihood items"])


@router.get(
    "",
    response_model=Page[LivelihoodItemPublic],
    operation_id="list_livelihood_items",
    responses=problem_responses(400, 406, 503),
    description="Livelihood items achieved in 2020 or planned for 2021." + FILTER_HELP + FORMAT_HELP,
)
async def list_livelihood_items(request: Request, limit: LimitParam = 50, cursor: CursorParam = None, sort: Annotated[str | None, sort_query(queries.LIVELIHOOD_ITEMS)] = None) -> Response:
    options = list_options(request, queries.LIVELIHOOD_ITEMS, limit, cursor, sort)
    return await list_endpoint(request, queries.LIVELIHOOD_ITEMS, options, LivelihoodItemPublic, each(LivelihoodItemPublic.from_row))


@router.get("/{item_id}", response_model=LivelihoodItemPublic, operation_id="get_livelihood_item", responses=problem_responses(404, 503))
async def get_livelihood_item(request: Request, item_id: str) -> LivelihoodItemPublic:
    """One livelihood item."""
    return await in_session(request, lambda session: LivelihoodItemPublic.from_row(queries.get_livelihood_item(session, key=item_id)))
