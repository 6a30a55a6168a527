"""The published contracts, rendered deterministically (committed under openapi/)."""

import json

from api.graphql.schema import schema
from api.main import create_app
from api.settings import Settings


def openapi_json() -> str:
    app = create_app(Settings(database_url="sqlite://"))
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def graphql_sdl() -> str:
    return schema.as_str() + "\n"
