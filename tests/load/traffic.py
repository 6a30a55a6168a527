"""What the load and soak runs send: the request mix of a public-data API, and GraphQL documents
that are each seen once."""

import random

Request = tuple[str, str, dict[str, object] | None]

POPULAR_PATHS = (
    "/v1/meta",
    "/v1/observations?limit=20",
    "/v1/observations?indicator=gdp&sort=period",
    "/v1/observations/gdp-2020-citywide",
    "/v1/indicators?limit=50",
    "/v1/indicators/gdp",
    "/v1/projects?status=planned&limit=20",
    "/v1/projects/tongsujiayong-railway",
    "/v1/livelihood-items?limit=20",
    "/v1/five-year-goals?limit=20",
    "/v1/sections?limit=20",
    "/v1/search?q=铁路",
)
PAGE_QUERY = "{ observations(first: %d, where: {value: {gte: %d}}) { totalCount nodes { id value unit } } }"
NAMED_QUERY = "query Soak%d { indicator(id: \"gdp\") { nameEn observations { period value } } projects(first: %d) { totalCount } }"


def mixed_request(rng: random.Random) -> Request:
    """Traffic of a public-data API: 70 % popular reads (12 REST addresses, 10 GraphQL documents) that
    the response cache answers once warm; 30 % reads with a random filter value (REST lists and
    GraphQL), each new to the cache, so they reach the database."""
    pick = rng.random()
    rows = rng.randint(1, 10)
    if pick < 0.45:
        return "GET", rng.choice(POPULAR_PATHS), None
    if pick < 0.70:
        return "POST", "/graphql", {"query": PAGE_QUERY % (rng.randint(1, 5), rng.choice((0, 100)))}
    if pick < 0.85:
        return "GET", f"/v1/observations?limit={rows}&value__gte={rng.randint(0, 100000) / 10}", None
    if pick < 0.95:
        return "GET", f"/v1/projects?limit={rows}&year__gte={rng.randint(1990, 2035)}", None
    return "POST", "/graphql", {"query": PAGE_QUERY % (rows, rng.randint(0, 10000))}


def distinct_document(number: int) -> Request:
    """A GraphQL document seen once: it misses the parser and validation caches."""
    return "POST", "/graphql", {"query": NAMED_QUERY % (number, 1 + number % 10)}
