"""The REST transport: one module per resource, mounted under /v1."""

from fastapi import APIRouter

from api.rest import five_year_goals, indicators, livelihood_items, observations, portal, projects, reports, search, sections, verify

v1 = APIRouter(prefix="/v1")
for module in (reports, sections, indicators, observations, projects, livelihood_items, five_year_goals, search, verify, portal):
    v1.include_router(module.router)
