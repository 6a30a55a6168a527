"""The API keeps its published contracts under generated input (schemathesis).

Every REST operation of openapi/openapi.json is called with data generated from its parameters
(valid, boundary and invalid values, and methods it does not declare), and every answer must pass
every default check: no server error, a declared status, a declared content type, a body that
matches the declared schema, valid data accepted and invalid data refused, 405 with Allow for an
undeclared method. Every root field of openapi/schema.graphql is queried with documents generated
from the schema; no answer may be a server error or break the GraphQL response shape.

The default run is small, and runs on PostgreSQL, the stricter engine (it refuses what SQLite lets
pass: NUL characters, comparisons across types). A deeper run is a command:
``FUZZ_EXAMPLES=1000 FUZZ_ENGINES=sqlite python -m pytest tests/test_fuzz_contract.py``
(``FUZZ_ENGINES=sqlite,postgresql`` for both engines).
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from api.main import create_app
from api.settings import Settings

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "openapi"
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ_ENGINES = os.environ.get("FUZZ_ENGINES", "postgresql").split(",")
FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

# The contracts as published (tests/test_contracts.py proves that the code serves them).
rest = schemathesis.openapi.from_path(OPENAPI_DIR / "openapi.json")
# GraphQL's types cannot say what the API refuses among well-typed values (a page size below 1,
# a period that is no year, a facet on an unknown field), so a valid document may be refused: such
# a refusal is labelled the client's (BAD_USER_INPUT), which the other checks tell from a server error.
WELL_TYPED_MAY_BE_REFUSED = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {"enabled": False}}})
graphql = schemathesis.graphql.from_path(OPENAPI_DIR / "schema.graphql", config=WELL_TYPED_MAY_BE_REFUSED)


@pytest.fixture(scope="session")
def fuzzed_app(databases: Any, engine: Engine) -> Iterator[FastAPI]:
    """The app as served, but with every request reaching the handlers: no replayed responses,
    no rate limit (thousands of requests from one client are the point here)."""
    if databases.backend not in FUZZ_ENGINES:
        pytest.skip(f"fuzzed on {', '.join(FUZZ_ENGINES)} (FUZZ_ENGINES=sqlite,postgresql for both)")
    yield create_app(Settings(database_url=str(engine.url), response_cache_bytes=0, rate_limit_enabled=False), engine=engine)


@rest.parametrize()
@FUZZ_SETTINGS
def test_every_rest_operation_keeps_its_contract(case: schemathesis.Case, fuzzed_app: FastAPI) -> None:
    if case.meta is not None and case.meta.generation.mode.is_positive and case.query:
        # A cursor is valid only as the API issued it, for the same sort: no schema can describe
        # one, so valid requests carry none (tests/test_rest_queries.py follows real cursors).
        # Invalid requests keep theirs, and must be refused.
        case.query.pop("cursor", None)
    case.call_and_validate(app=fuzzed_app)


@graphql.parametrize()
@FUZZ_SETTINGS
def test_every_graphql_field_answers_without_a_server_error(case: schemathesis.Case, fuzzed_app: FastAPI) -> None:
    case.call_and_validate(base_url="http://localhost/graphql", app=fuzzed_app)
