"""RFC 9457 problem details: the one error shape of the REST API."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import ApiError

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("api")


class ProblemError(BaseModel):
    pointer: str = Field(description="JSON pointer or parameter name of the offending input.")
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = None


def problem_response(status: int, title: str, detail: str, *, errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the problems an operation can return: a Problem,
    as application/problem+json (``model`` registers the schema, and adds it as JSON too)."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {status: {"model": Problem, "content": content, "description": _TITLES.get(status, "Problem")} for status in statuses}


_TITLES = {
    400: "Invalid query",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Content too large",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


async def _api_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    errors = None
    if "field" in error.extra:
        errors = [{"pointer": str(error.extra["field"]), "detail": error.detail}]
    return problem_response(error.status, error.title, error.detail, errors=errors)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        {"pointer": "/" + "/".join(str(part) for part in problem["loc"]), "detail": str(problem["msg"])}
        for problem in error.errors()
    ]
    detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors)
    return problem_response(400, "Invalid query", detail, errors=errors)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers) if error.headers else None
    return problem_response(error.status_code, _TITLES.get(error.status_code, "Error"), str(error.detail), headers=headers)


async def _unexpected_error(_request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=error)
    return problem_response(500, "Internal server error", "the server could not answer this request")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
