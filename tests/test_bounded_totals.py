"""A total is counted exactly up to a limit; past it the count stops and says so, on both engines."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api import queries
from api.queries import Condition, Total


def _matching(session: Session, resource: queries.Resource, conditions: list[Condition], q: str | None = None) -> int:
    return len(session.exec(queries.filtered(resource, conditions, q, dialect=session.get_bind().dialect.name)).all())


def test_a_total_within_the_limit_is_exact(engine: Engine) -> None:
    with Session(engine) as session:
        rows = _matching(session, queries.OBSERVATIONS, [])
        assert queries.count_up_to(session, queries.filtered(queries.OBSERVATIONS, [])) == Total(rows, exact=True)
        assert queries.count_up_to(session, queries.filtered(queries.OBSERVATIONS, []), limit=rows) == Total(rows, exact=True)


def test_past_the_limit_the_total_says_more_than_the_limit(engine: Engine) -> None:
    with Session(engine) as session:
        rows = _matching(session, queries.OBSERVATIONS, [])
        assert queries.count_up_to(session, queries.filtered(queries.OBSERVATIONS, []), limit=rows - 1) == Total(rows - 1, exact=False)


def test_a_bounded_total_counts_the_filters_and_the_search_words(engine: Engine) -> None:
    conditions = [Condition("status", "exact", "actual")]
    with Session(engine) as session:
        statement = queries.filtered(queries.OBSERVATIONS, conditions, "教育", dialect=session.get_bind().dialect.name)
        rows = _matching(session, queries.OBSERVATIONS, conditions, "教育")
        assert 0 < rows < _matching(session, queries.OBSERVATIONS, conditions)
        assert queries.count_up_to(session, statement) == Total(rows, exact=True)
        assert queries.count_up_to(session, statement, limit=rows - 1) == Total(rows - 1, exact=False)


def test_every_list_of_one_report_is_within_the_exact_limit(engine: Engine) -> None:
    with Session(engine) as session:
        largest = max(_matching(session, resource, []) for resource in queries.RESOURCES.values())
    assert largest <= queries.EXACT_TOTAL_LIMIT


def test_rest_and_graphql_say_when_a_total_is_not_exact(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """321 observations with counting stopped at 100: the page says more than 100, and no
    X-Total-Count claims an exact number."""
    monkeypatch.setattr(queries, "EXACT_TOTAL_LIMIT", 100)
    page = client.get("/v1/observations?limit=5")
    assert (page.json()["total"], page.json()["total_exact"], "X-Total-Count" in page.headers) == (100, False, False)
    graphql = client.post("/graphql", json={"query": "{ observations(first: 5) { totalCount totalCountExact } }"}).json()
    assert graphql["data"]["observations"] == {"totalCount": 100, "totalCountExact": False}
    within = client.get("/v1/five-year-goals?limit=5")  # 61 goals
    assert within.json()["total_exact"] is True and within.headers["X-Total-Count"] == str(within.json()["total"])
