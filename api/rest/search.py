"""/v1/search: one ranked search across every dataset."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from api import queries
from api.datasets import DATASETS, search_results
from api.errors import InvalidQuery
from api.rest.common import in_session
from api.rest.problems import problem_responses
from api.schemas import SearchResults
from api.search import WORD_PATTERN

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults, operation_id="search", responses=problem_responses(400, 503))
async def search_everything(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Words to find: Chinese (教育, 高铁), English (railway), or mixed (5G, PM2.5); at least one word or Chinese character.",
            json_schema_extra={"pattern": WORD_PATTERN},
        ),
    ],
    kind: Annotated[
        list[str] | None,
        Query(description="Limit to these datasets (repeatable).", json_schema_extra={"items": {"enum": sorted(DATASETS)}}),
    ] = None,
    report: Annotated[
        str | None, Query(description="Only this report's records (e.g. cixi-2021); every match is ranked, so one report's search stays as fast as the data grows.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="How many results, 1–100.")] = 20,
) -> SearchResults:
    """Full-text search over names, descriptions, quotes and the report text, ranked, with snippets."""
    unknown = sorted(set(kind or ()) - set(DATASETS))
    if unknown:
        raise InvalidQuery(f"unknown kind {unknown[0]!r}", field="kind", allowed=sorted(DATASETS))

    def work(session: Session) -> SearchResults:
        hits, total = queries.search_documents(session, q=q, kinds=kind or (), report=report, limit=limit)
        return search_results(q, hits, total, f"{request.base_url}v1/")

    return await in_session(request, work)
