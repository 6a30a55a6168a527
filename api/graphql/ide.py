"""GraphiQL at GET /graphql, from the files the API ships (``api/static/graphiql``), not a CDN."""

import html
from functools import cache
from string import Template
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from api.pages import TEMPLATES_DIR


@cache
def _template() -> Template:
    return Template((TEMPLATES_DIR / "graphiql.html").read_text(encoding="utf-8"))


def graphiql_html(*, static_url: str, title: str) -> str:
    """The GraphiQL page, loading its scripts and styles from ``static_url``."""
    return _template().substitute(static=html.escape(static_url), title=html.escape(title))


class OfflineGraphQLRouter(GraphQLRouter[Any, None]):
    """Strawberry's router with its IDE page replaced by one that loads nothing from elsewhere."""

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        static_url = request.scope.get("root_path", "") + "/static"
        return HTMLResponse(graphiql_html(static_url=static_url, title=request.app.title))
