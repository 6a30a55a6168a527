"""Whole result sets through the query layer, page by page (for charts and the report reader)."""

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from api import queries
from api.queries import Condition, ListOptions, Resource


def every_row(session: Session, resource: Resource, conditions: Sequence[Condition] = ()) -> list[Any]:
    """Every row of ``resource`` matching ``conditions``, in its default order."""
    rows: list[Any] = []
    cursor: str | None = None
    while True:
        page = queries.list_rows(session, resource, ListOptions(conditions=conditions, limit=queries.MAX_PAGE_SIZE, cursor=cursor))
        rows += page.rows
        cursor = page.next_cursor
        if cursor is None:
            return rows
