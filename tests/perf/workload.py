"""The requests the benchmarks send, built from the data through the API itself."""

import itertools
import json
import random
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

from tests.perf.wrk import Request

HOT_LIST = "/v1/observations?limit=50&status=actual"
DATASETTE_LIST = "/cixi-2021/observations.json?status=actual&_sort=char_start&_size=50&_shape=objects"
SEARCH = "/v1/search?" + urlencode({"q": "教育"})

SECTION_FIELDS = "id reportId parentId level number headingZh headingEn path depth position charStart charEnd"
SOURCE_FIELDS = (
    "reportId sectionId quote charStart charEnd note sectionPathZh sectionPathEn textUrl citeGbt7714 citeApa "
    f"section {{ {SECTION_FIELDS} }}"
)
OBSERVATION_FIELDS = (
    "id permalink indicatorId period periodStart periodEnd status measure scope value valueText unit unitCode baseUnit baseValue "
    f"qualifier direction source {{ {SOURCE_FIELDS} }}"
)
# The same 50 rows as HOT_LIST, with every field REST gives them.
GRAPHQL_50 = (
    '{ observations(where: {status: {exact: "actual"}}, first: 50) '
    f"{{ totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {OBSERVATION_FIELDS} }} }} }}"
)
INDICATOR_PAGE = (
    f"totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ id nameZh nameEn topic observations {{ {OBSERVATION_FIELDS} }} }}"
)
DETAIL_PATHS = {
    "observations": "observations",
    "indicators": "indicators",
    "projects": "projects",
    "livelihood-items": "livelihood-items",
    "five-year-goals": "five-year-goals",
    "sections": "sections",
}
LIST_FACETS = {
    "observations": ["status", "measure", "scope", "unit", "unit_code", "period", "indicator_id", "section_id", "topic", "qualifier"],
    "projects": ["category", "status", "year", "flagship", "section_id"],
    "livelihood-items": ["category", "status", "year", "unit", "section_id"],
    "five-year-goals": ["plan", "kind", "dimension", "indicator_id", "section_id"],
    "sections": ["level", "depth", "parent_id"],
    "indicators": ["topic"],
}
SORTS = {
    "observations": ["value", "-value", "period", "-period_start", "char_start", "-char_start", "indicator_id", "unit", "-base_value"],
    "projects": ["name_zh", "-year", "status", "char_start"],
    "livelihood-items": ["-value", "year", "category"],
    "five-year-goals": ["plan", "-target_value", "kind"],
    "sections": ["position", "-depth", "heading_zh"],
    "indicators": ["name_zh", "topic", "-id"],
}


def get_json(base_url: str, path: str, timeout_s: float = 60) -> Any:
    with urllib.request.urlopen(base_url + path, timeout=timeout_s) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def post_graphql(base_url: str, query: str) -> Any:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        base_url + "/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
        body = json.loads(response.read())
    if "errors" in body:
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    return body["data"]


def graphql_request(query: str) -> Request:
    return Request("POST", "/graphql", json.dumps({"query": query}, ensure_ascii=False, separators=(",", ":")))


def every_observation_query(base_url: str) -> str:
    """Every indicator with all its observations, source and section, in one query: ``first`` is
    capped at 100, so the pages are aliased, each after the previous one's end cursor."""
    pages: list[str] = []
    after: str | None = None
    while True:
        argument = "first: 100" + (f', after: "{after}"' if after else "")
        pages.append(f"page{len(pages)}: indicators({argument}) {{ {INDICATOR_PAGE} }}")
        info = post_graphql(base_url, f"{{ indicators({argument}) {{ pageInfo {{ hasNextPage endCursor }} }} }}")["indicators"]["pageInfo"]
        if not info["hasNextPage"]:
            return "{ " + " ".join(pages) + " }"
        after = info["endCursor"]


def count_observations(data: dict[str, Any]) -> int:
    return sum(len(node["observations"]) for page in data.values() for node in page["nodes"])


def _ids(base_url: str, resource: str) -> list[str]:
    return [item["id"] for item in get_json(base_url, f"/v1/{resource}?limit=500")["items"]]


def _facet_values(base_url: str, resource: str, fields: list[str]) -> dict[str, list[str]]:
    query = urlencode([("limit", "1"), *(("facet", field) for field in fields)])
    facets = get_json(base_url, f"/v1/{resource}?{query}")["facets"]
    return {
        field: [str(v["value"]).lower() if isinstance(v["value"], bool) else str(v["value"]) for v in values if v["value"] is not None]
        for field, values in facets.items()
    }


def _bigrams(texts: list[str]) -> list[str]:
    found: set[str] = set()
    for text in texts:
        cjk = [character for character in text if "\u4e00" <= character <= "\u9fff"]
        found.update(a + b for a, b in itertools.pairwise(cjk))
    return sorted(found)


def mixed_requests(base_url: str, *, seed: int = 2021) -> list[Request]:
    """Thousands of distinct reads: details, filtered and sorted lists, pages, and searches."""
    paths: list[str] = []
    for resource, detail in DETAIL_PATHS.items():
        paths += [f"/v1/{detail}/{quote(key)}" for key in _ids(base_url, resource)]
    for resource, fields in LIST_FACETS.items():
        values = _facet_values(base_url, resource, fields)
        for field, choices in values.items():
            for value in choices:
                for limit in (10, 50):
                    paths.append(f"/v1/{resource}?" + urlencode({field: value, "limit": limit}))
        if resource == "observations":
            for status in values["status"]:
                for other in ("measure", "scope", "unit", "period", "indicator_id"):
                    paths += [f"/v1/{resource}?" + urlencode({"status": status, other: value, "limit": 20}) for value in values[other]]
        for sort in SORTS[resource]:
            paths += [f"/v1/{resource}?" + urlencode({"sort": sort, "limit": limit}) for limit in (5, 20, 100)]
    observations = get_json(base_url, "/v1/observations?limit=500")["items"]
    for value in sorted({item["value"] for item in observations}):
        paths.append("/v1/observations?" + urlencode({"value__gte": value, "limit": 50}))
    paths += ["/v1/observations?" + urlencode({"period__overlaps": year, "limit": 50}) for year in range(2015, 2036)]
    names = [item["name_zh"] for item in get_json(base_url, "/v1/indicators?limit=500")["items"]]
    names += [item["name_zh"] for item in get_json(base_url, "/v1/projects?limit=500")["items"]]
    for word in _bigrams(names):
        paths.append("/v1/search?" + urlencode({"q": word}))
        paths.append("/v1/observations?" + urlencode({"q": word, "limit": 20}))
    distinct = sorted(set(paths))
    random.Random(seed).shuffle(distinct)  # noqa: S311 - a reproducible order, not a secret
    return [Request("GET", path) for path in distinct]
