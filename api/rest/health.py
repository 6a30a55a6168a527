"""Liveness and readiness probes."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from api import migrate, queries
from api.errors import ServiceUnavailable
from api.rest.common import in_session
from api.rest.problems import problem_responses

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", operation_id="health_live")
async def live() -> dict[str, str]:
    """The process is up (no database access)."""
    return {"status": "ok"}


@router.get("/ready", operation_id="health_ready", responses=problem_responses(503))
async def ready(request: Request) -> JSONResponse:
    """The database is reachable and migrated to the newest revision."""

    def work(session: Session) -> bool:
        queries.database_is_reachable(session)
        return migrate.is_up_to_date(request.app.state.engine)

    if not await in_session(request, work):
        raise ServiceUnavailable("the database schema is not at the newest migration")
    return JSONResponse({"status": "ready"})
