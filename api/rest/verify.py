"""/v1/verify: check a sentence against the report."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from api import queries, verify
from api.rest.common import in_session
from api.rest.problems import problem_responses
from api.schemas import ClaimCheck, ObservationPublic, Verification

router = APIRouter(tags=["verify"])


@router.get("/verify", response_model=Verification, operation_id="verify_text", responses=problem_responses(400, 503))
async def verify_text(
    request: Request,
    text: Annotated[str, Query(min_length=2, max_length=500, description="A sentence to check, e.g. 2020年慈溪地区生产总值2008.3亿元.")],
) -> Verification:
    """Match every number of a sentence (with its unit and year) to the report's facts, or say
    which number, unit or period does not match, with the source sentences to cite."""

    def work(session: Session) -> Verification:
        claims = queries.verify_sentence(session, text=text)
        checks = [
            ClaimCheck(
                number=claim.number,
                unit=claim.unit,
                year=claim.year,
                verdict=claim.verdict,
                reason=claim.reason,
                facts=[ObservationPublic.from_row(fact) for fact in claim.facts],
            )
            for claim in claims
        ]
        return Verification(text=text, verdict=verify.overall_verdict(claims), claims=checks)

    return await in_session(request, work)
