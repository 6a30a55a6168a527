"""/v1/sections: the report's heading tree."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import queries
from api.rest.common import FILTER_HELP, FORMAT_HELP, CursorParam, LimitParam, each, in_session, list_endpoint, list_options, sort_query
from api.rest.problems import problem_responses
from api.schemas import Page, SectionPublic

router = APIRouter(prefix="/sections", tags=["sections"])


@router.get(
    "",
    response_model=Page[SectionPublic],
    operation_id="list_sections",
    responses=problem_responses(400, 406, 503),
    description="Parts (一、二、三), chapters ((一)…(九)) and topic headings, in document order." + FILTER_HELP + FORMAT_HELP,
)
async def list_sections(request: Request, limit: LimitParam = 50, cursor: CursorParam = None, sort: Annotated[str | None, sort_query(queries.SECTIONS)] = None) -> Response:
    options = list_options(request, queries.SECTIONS, limit, cursor, sort)
    return await list_endpoint(request, queries.SECTIONS, options, SectionPublic, each(SectionPublic.from_row))


@router.get("/{section_id}", response_model=SectionPublic, operation_id="get_section", responses=problem_responses(404, 503))
async def get_section(request: Request, section_id: str) -> SectionPublic:
    """One section, with its span in the canonical text."""
    return await in_session(request, lambda session: SectionPublic.from_row(queries.get_section(session, key=section_id)))
