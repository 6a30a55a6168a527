"""The /graphql endpoint: strawberry's router with GraphiQL served offline (``ide.py``), and every
refusal of the HTTP request itself (a JSON array batch, a body that is not JSON, no query …) an
RFC 9457 problem, as REST's are, instead of strawberry's plain-text answer."""

from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException  # strawberry's own request adapter and refusal
from fastapi import Request, WebSocket
from fastapi.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.http.types import HTTPMethod
from strawberry.types.unset import UNSET

from api.graphql.ide import OfflineGraphQLRouter
from api.rest.problems import problem_response, title_for

BATCHING_NOT_SUPPORTED = "batching is not supported: send one operation per request, as a JSON object (not an array)"


class GraphQLEndpoint(OfflineGraphQLRouter):
    def encode_json(self, data: object) -> bytes:
        """orjson, as REST's records (``api.record_json``): the standard library's encoder was
        4 % of an uncached 50-row query."""
        return orjson.dumps(data)

    async def run(self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET) -> Response | WebSocket:
        try:
            return await super().run(request, context, root_value)
        except HTTPException as error:
            return problem_response(error.status_code, title_for(error.status_code), error.reason)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Refuses a batch by what it is, before strawberry's own check (which says only that it
        is not enabled); one operation per request keeps every limit of ``limits.py`` per request."""
        if _is_json_post(request.method, request.content_type) and (await request.get_body()).lstrip()[:1] == b"[":
            raise HTTPException(400, BATCHING_NOT_SUPPORTED)
        return await super().parse_http_body(request)


def _is_json_post(method: HTTPMethod, content_type: str | None) -> bool:
    return method == "POST" and "json" in (content_type or "")
