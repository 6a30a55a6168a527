"""/v1/reports: the source documents and their canonical text."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api import queries
from api.rest.common import CursorParam, LimitParam, each, in_session, list_endpoint, list_options, sort_query
from api.rest.problems import problem_responses
from api.schemas import Page, ReportPublic

router = APIRouter(prefix="/reports", tags=["reports"])


class CoverageNumber(BaseModel):
    text: str = Field(description="The number token as written.")
    char_start: int
    char_end: int
    state: str = Field(description="covered | excluded | uncovered")
    context: str
    covered_by: list[str] = Field(description="Ids of the records whose value this number is.")
    reason: str | None = Field(description="Why an excluded number states no fact.")


class Coverage(BaseModel):
    report_id: str
    numbers: int
    covered: int
    excluded: int
    uncovered: int
    percent_accounted: float
    items: list[CoverageNumber]


class TextPassage(BaseModel):
    report_id: str
    start: int
    end: int
    text: str = Field(description="The canonical text from start to end.")
    sentence: str = Field(description="The whole sentence(s) around the passage.")
    sentence_start: int
    sentence_end: int
    section_id: str | None = Field(description="The deepest section holding the passage.")
    section_path: str | None = Field(description="Ids from the part down to that section.")
    heading_zh: str | None
    heading_en: str | None


@router.get("", response_model=Page[ReportPublic], operation_id="list_reports", responses=problem_responses(400, 406, 503))
async def list_reports(request: Request, limit: LimitParam = 50, cursor: CursorParam = None, sort: Annotated[str | None, sort_query(queries.REPORTS)] = None) -> Response:
    """The reports this API serves (now one: `cixi-2021`)."""
    options = list_options(request, queries.REPORTS, limit, cursor, sort)
    return await list_endpoint(request, queries.REPORTS, options, ReportPublic, each(ReportPublic.from_row))


@router.get("/{report_id}", response_model=ReportPublic, operation_id="get_report", responses=problem_responses(404, 503))
async def get_report(request: Request, report_id: str) -> ReportPublic:
    """One report's metadata, with the SHA-256 of the canonical text every offset refers to."""
    return await in_session(request, lambda session: ReportPublic.from_row(queries.get_report(session, key=report_id)))


@router.get("/{report_id}/text", response_model=TextPassage, operation_id="get_report_text", responses=problem_responses(400, 404, 503))
async def get_report_text(
    request: Request,
    report_id: str,
    start: Annotated[int, Query(ge=0, description="First character (Unicode code point offset).")] = 0,
    end: Annotated[int | None, Query(ge=0, description="Offset just past the last character; default the end of the text.")] = None,
) -> TextPassage:
    """The report's canonical text, whole or a passage of it by character offsets, with the
    sentence around it and the section it stands in (the context a citation needs)."""

    def work(session: Session) -> TextPassage:
        report = queries.get_report(session, key=report_id)
        stop = report.char_count if end is None else end
        passage = queries.report_text_passage(session, key=report_id, start=start, end=stop)
        section = passage.section
        return TextPassage(
            report_id=report_id,
            start=start,
            end=stop,
            text=passage.text,
            sentence=passage.sentence,
            sentence_start=passage.sentence_start,
            sentence_end=passage.sentence_end,
            section_id=section.id if section else None,
            section_path=section.path if section else None,
            heading_zh=section.heading_zh if section else None,
            heading_en=section.heading_en if section else None,
        )

    return await in_session(request, work)


@router.get("/{report_id}/coverage", response_model=Coverage, operation_id="get_report_coverage", responses=problem_responses(404, 503))
async def get_report_coverage(request: Request, report_id: str) -> Coverage:
    """Every number of the report's text (Arabic, and Chinese numerals that count), and whether a
    record's value covers it or an exclusion (with its reason) says it states no fact."""

    def work(session: Session) -> Coverage:
        report = queries.coverage_for_report(session, key=report_id)
        items = [
            CoverageNumber(
                text=n.text, char_start=n.char_start, char_end=n.char_end, state=n.state, context=n.context, covered_by=list(n.covered_by), reason=n.reason
            )
            for n in report.numbers
        ]
        return Coverage(report_id=report_id, **report.summary(), items=items)

    return await in_session(request, work)
