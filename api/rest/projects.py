"""/v1/projects: named projects with their status as the report states it."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import queries
from api.datasets import present_projects
from api.rest.common import FILTER_HELP, FORMAT_HELP, CursorParam, LimitParam, in_session, list_endpoint, list_options, sort_query
from api.rest.problems import problem_responses
from api.schemas import Page, ProjectPublic

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get(
    "",
    response_model=Page[ProjectPublic],
    operation_id="list_projects",
    responses=problem_responses(400, 406, 503),
    description="Named projects, with their other mentions in the report." + FILTER_HELP + FORMAT_HELP,
)
async def list_projects(request: Request, limit: LimitParam = 50, cursor: CursorParam = None, sort: Annotated[str | None, sort_query(queries.PROJECTS)] = None) -> Response:
    options = list_options(request, queries.PROJECTS, limit, cursor, sort)
    return await list_endpoint(request, queries.PROJECTS, options, ProjectPublic, present_projects)


@router.get("/{project_id}", response_model=ProjectPublic, operation_id="get_project", responses=problem_responses(404, 503))
async def get_project(request: Request, project_id: str) -> ProjectPublic:
    """One project (e.g. `tongsujiayong-railway`)."""
    return await in_session(request, lambda session: present_projects(session, [queries.get_project(session, key=project_id)])[0])
