"""RFC 9457 problem details: the one error shape of the REST API, how it is answered, and
how the OpenAPI document declares it (as it is answered: application/problem+json only)."""

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from api.db import retry_after_s
from api.errors import ApiError, ServiceUnavailable

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("api")


class ProblemError(BaseModel):
    pointer: str = Field(description="JSON pointer to the offending input, e.g. /query/limit.")
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem document: the body of every 4xx and 5xx answer."""

    type: str = Field(description="about:blank: the problem is what the status says, explained by detail.")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="What was wrong, naming the parameter and the value.")
    errors: list[ProblemError] = Field(default_factory=list, description="One entry per invalid input, where the input was at fault.")


_TITLES = {
    400: "Invalid query",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Content too large",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
_MEANINGS = {
    400: "A parameter is invalid; errors[] names each one.",
    404: "No such record or file.",
    405: "This path answers GET, HEAD and OPTIONS only; Allow lists them.",
    406: "None of the formats asked for (format=, Accept) is offered.",
    413: "The request has a body over 64 KiB.",
    429: "Too many requests from this client; wait as Retry-After says.",
    503: "The database is not reachable right now; try again after Retry-After seconds.",
}
_RESPONSE_HEADERS = {
    405: {"Allow": {"description": "The methods this path answers.", "required": True, "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds until this client may send again.", "schema": {"type": "integer", "minimum": 0}}},
    503: {
        "Retry-After": {
            "description": "Seconds to wait before trying again: the longest a request waits on the database, rounded up (3 by default).",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


def title_for(status: int) -> str:
    return _TITLES.get(status, "Error")


def problem_response(
    status: int, title: str, detail: str, *, errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the problems an operation can return."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        responses[status] = {"description": _MEANINGS[status], "content": content}
        if status in _RESPONSE_HEADERS:
            responses[status]["headers"] = _RESPONSE_HEADERS[status]
    return responses


# What a request to a health probe may be answered before it runs: a method the path does not
# answer, a body over the limit (api.security). Probes are not rate-limited.
BEFORE_ANY_PROBE = problem_responses(405, 413)
# What any /v1 operation may answer besides its own problems: those, too many requests
# (api.rate_limit), and the database out of reach (each reads it).
EVERY_V1_OPERATION = problem_responses(405, 413, 429, 503)


def document_problems(app: FastAPI) -> None:
    """Make the app's OpenAPI document declare problems as they are answered.

    FastAPI adds a 422 with its own error shape to every operation that has parameters; this
    API answers invalid input with a 400 problem instead (see ``_validation_error``), so the 422
    and its schemas go, and the Problem schema is declared once for every problem response."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                responses.pop("422", None)
                operation["responses"] = dict(sorted(responses.items()))
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        schemas.update(problem.pop("$defs"))
        schemas["Problem"] = problem
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _query_pointer(field: str) -> str:
    return f"/query/{field}"


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    if isinstance(error, ServiceUnavailable):
        return _unavailable(request, error)
    errors = None
    if "field" in error.extra:
        errors = [{"pointer": _query_pointer(str(error.extra["field"])), "detail": error.detail}]
    return problem_response(error.status, error.title, error.detail, errors=errors)


def _unavailable(request: Request, error: ServiceUnavailable) -> JSONResponse:
    return problem_response(error.status, error.title, error.detail, headers=outage_headers(request, error))


def outage_headers(request: Request, error: ServiceUnavailable) -> dict[str, str]:
    """What every 503 for an outage does, whatever it is written in (problem, HTML page): one
    warning line with the cause (no traceback: an outage is not a bug), and Retry-After."""
    logger.warning("%s %s: %s (%s)", request.method, request.url.path, error.detail, error.extra.get("cause", "no cause given"))
    return {"Retry-After": str(retry_after_s(request.app.state.settings.statement_timeout_ms))}


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        {"pointer": "/" + "/".join(str(part) for part in problem["loc"]), "detail": str(problem["msg"])} for problem in error.errors()
    ]
    detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors)
    return problem_response(400, "Invalid query", detail, errors=errors)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 405:
        return _method_not_routed(request)
    headers = dict(error.headers) if error.headers else None
    return problem_response(error.status_code, title_for(error.status_code), str(error.detail), headers=headers)


def _method_not_routed(request: Request) -> Response:
    """The path exists but no operation answers the method: OPTIONS says what does (204),
    anything else is a 405. Either way Allow lists every method of every route of the path."""
    allow = ", ".join(allowed_methods(request))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    detail = f"{request.method} is not answered here; use {allow}"
    return problem_response(405, _TITLES[405], detail, headers={"Allow": allow})


_ROUTABLE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """The methods some route answers on this path, as the app's router finds them; HEAD
    wherever GET is (api.security.HeadAsGetMiddleware answers it), and OPTIONS (answered here)."""
    scope = {**request.scope, "root_path": request.scope.get("app_root_path", request.scope.get("root_path", ""))}
    methods = {"OPTIONS"}
    for route in request.app.router.routes:
        if isinstance(route, Mount):  # the app mounts only static files, which answer GET
            if route.matches(scope)[0] is not Match.NONE:
                methods.add("GET")
            continue
        methods.update(method for method in _ROUTABLE_METHODS if route.matches({**scope, "method": method})[0] is Match.FULL)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def internal_error_response() -> JSONResponse:
    """The answer to any failure the API did not foresee: nothing about its cause."""
    return problem_response(500, _TITLES[500], "the server could not answer this request")


async def _unexpected_error(_request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=error)
    return internal_error_response()


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    document_problems(app)
