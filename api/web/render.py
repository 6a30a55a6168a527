"""Turning a page's data into HTML: the templates, what every page is given, and the
friendly error page that bad input gets instead of a traceback."""

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from api.errors import ApiError, ServiceUnavailable
from api.pages import TEMPLATES_DIR
from api.rest.common import in_session
from api.rest.problems import outage_headers
from api.web.i18n import STRINGS, Words, language
from api.web.links import Params, link, record_path

TEMPLATES = Jinja2Templates(directory=str(TEMPLATES_DIR / "web"))
TEMPLATES.env.globals["record_path"] = record_path
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True

Build = Callable[[Session, Words], dict[str, Any]]


def as_written(value: float | int | None) -> str:
    """2008.3 stays 2008.3 and 6.0 is written 6, as the report writes numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


TEMPLATES.env.filters["as_written"] = as_written


def common_context(request: Request, words: Words) -> dict[str, Any]:
    """What every page needs: its words, links that keep its language, and the language switch."""
    params = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]

    def url(path: str, params: Params = ()) -> str:
        return link(words.lang, path, params)

    return {
        "w": words,
        "url": url,
        "path": request.url.path,
        "switch_href": link(words.other, request.url.path, params),
    }


async def render(request: Request, template: str, build: Build) -> Response:
    """The page ``template`` filled by ``build`` (run in a worker thread with its own session);
    an error of the request (400, 404, 503) becomes the error page with that status."""
    try:
        words = Words(language(request.query_params.get("lang")))
    except ApiError as error:
        return error_page(request, Words("zh"), error)
    try:
        context = await in_session(request, lambda session: build(session, words))
    except ApiError as error:
        return error_page(request, words, error)
    return TEMPLATES.TemplateResponse(request, template, {**common_context(request, words), **context})


def error_page(request: Request, words: Words, error: ApiError) -> Response:
    key = f"error.{error.status}"
    context = {**common_context(request, words), "error": error, "message": words.t(key if key in STRINGS else "error.400")}
    headers = outage_headers(request, error) if isinstance(error, ServiceUnavailable) else None
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=error.status, headers=headers)
