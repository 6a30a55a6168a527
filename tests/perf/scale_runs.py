"""Latency as the data grows: the same reads at 1×, 100×, 1000× the report's rows, on PostgreSQL.

For each factor, ``scale.build`` makes a database with the report and factor - 1 synthetic copies,
and one API process serves it with the response cache off. Once every process has answered its
first request (which reads the release ``scale.build`` stored), each query is measured on every factor
in turn, one request at a time for a few seconds (p50 and p99 of that one connection), so that the
factors of one query are measured within seconds of each other on a machine whose load changes.

The reads are those of one report among many (``report=cixi-2021``), as a client reads them, and
two over every report. A list over every report reads its first page from the default-order index
and counts its ``total`` only up to ``queries.EXACT_TOTAL_LIMIT`` (then says it is not exact), so it
stays flat too. ``/v1/search`` over every report ranks every match, so it still grows with the number
of matches.
"""

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.perf import scale, servers, workload, wrk
from tests.perf.servers import Server
from tests.perf.workload import OBSERVATION_FIELDS, graphql_request
from tests.perf.wrk import Request

REPORT = scale.SOURCE_REPORT
MAX_RSS_MB = 12_000  # a server past this before its first answer is stopped, before the machine runs out of memory
ENV = {
    "LOG_LEVEL": "warning",
    "RATE_LIMIT": "1000000000/minute",
    "RESPONSE_CACHE_BYTES": "0",
    # Without a stored release the first request would compute it from every row (api/release.py):
    # far beyond the API's statement timeout at 1000×. Reads themselves stay well under it.
    "STATEMENT_TIMEOUT_MS": "1800000",
}
GRAPHQL_ONE_REPORT = (
    f'{{ observations(where: {{reportId: {{exact: "{REPORT}"}}, status: {{exact: "actual"}}}}, first: 50) '
    f"{{ totalCount nodes {{ {OBSERVATION_FIELDS} }} }} }}"
)


def _get(path: str, **query: Any) -> Request:
    return Request("GET", f"{path}?{urlencode(query, doseq=True)}" if query else path)


QUERIES: list[tuple[str, str, Request]] = [
    ("list", "filtered list of one report", _get("/v1/observations", report=REPORT, status="actual", limit=50)),
    ("sorted list", "one report, sorted by value", _get("/v1/observations", report=REPORT, sort="-value", limit=50)),
    ("facet", "one report's counts by status and measure", _get("/v1/observations", report=REPORT, facet=["status", "measure"], limit=1)),
    ("search", "one report's observations matching 教育", _get("/v1/observations", report=REPORT, q="教育", limit=20)),
    ("one-report search", "/v1/search of one report (ranks that report's matches)", _get("/v1/search", q="教育", report=REPORT)),
    ("graphql", "GraphQL: one report's 50 observations, every field", graphql_request(GRAPHQL_ONE_REPORT)),
    ("lookup", "one observation by id", _get("/v1/observations/gdp-2020-citywide")),
    (
        "all reports: list",
        "filtered list over every report (first page from an index, total counted up to a limit)",
        _get("/v1/observations", status="actual", limit=50),
    ),
    ("all reports: search", "/v1/search over every report (ranks all matches)", _get("/v1/search", q="教育")),
]


def _measure(server: Server, query: str, request: Request, folder: Path, seconds: float) -> wrk.Run:
    requests_file = wrk.write_requests(folder / f"{server.name}-{query.replace(' ', '-').replace(':', '')}.requests", [request])
    server.wait_idle()
    wrk.run(server.base_url, requests_file, seconds=1, connections=1)
    return wrk.run(server.base_url, requests_file, seconds=seconds, connections=1)


def _one_request_ms(server: Server, request: Request) -> float:
    server.wait_idle()
    started = time.perf_counter()
    if request.method == "GET":
        workload.get_json(server.base_url, request.path, timeout_s=3600)
    else:
        workload.post_graphql(server.base_url, json.loads(request.body)["query"])
    return (time.perf_counter() - started) * 1000


def _start(factor: int, url: str, folder: Path) -> tuple[Server, dict[str, Any]]:
    """A server of one factor, after its first answer (or after giving up on it)."""
    port = servers.free_port()
    server = servers.start(
        f"scale-{factor}", servers.uvicorn_command("api.asgi:app", port), port=port, env=ENV | {"DATABASE_URL": url}, folder=folder
    )
    started = time.perf_counter()
    entry = {
        "query": "first request",
        "factor": factor,
        "what": "process start to the first answer (the release read from its table)",
    }
    try:
        server.wait_until_ok("/v1/observations/gdp-2020-citywide", timeout_s=3600, max_rss_mb=MAX_RSS_MB)
    except MemoryError as error:
        entry["what"] = f"gave up: {error}"
        entry["failed"] = True
    seconds = time.perf_counter() - started
    print(f"  {factor}×: first answer after {seconds:.1f} s, RSS {server.rss_mb():.0f} MB", flush=True)
    return server, entry | {"p50_ms": seconds * 1000, "p99_ms": seconds * 1000, "rss_mb": server.rss_mb()}


def scale_rows(factors: list[int], folder: Path, *, seconds: float) -> list[dict[str, Any]]:
    print(f"scale: {', '.join(f'{f}×' for f in factors)} on PostgreSQL …", flush=True)
    report_rows = _report_rows()
    built: dict[int, tuple[str, int]] = {}
    running: dict[int, Server] = {}
    entries: list[dict[str, Any]] = []
    try:
        for factor in factors:
            url, added, build_s = scale.build(f"bench_x{factor}", factor)
            built[factor] = (url, sum(added.values()) + report_rows)
            print(f"  {factor}×: bench_x{factor} built in {build_s:.0f} s ({built[factor][1]} rows)", flush=True)
        for factor in factors:
            server, entry = _start(factor, built[factor][0], folder)
            running[factor] = server
            entries.append(entry)
            if entry.get("failed"):
                server.stop()
                del running[factor]
        for query, what, request in QUERIES:
            for factor, server in running.items():
                run = _measure(server, query, request, folder, seconds)
                if run.errors or run.non_2xx_3xx:
                    raise RuntimeError(f"{query} at {factor}×: {run.errors} errors, {run.non_2xx_3xx} non-2xx/3xx answers")
                if run.requests == 0:  # slower than the run: time one request by itself
                    one = _one_request_ms(server, request)
                    entries.append(
                        {"query": query, "factor": factor, "p50_ms": one, "p99_ms": one, "requests": 1, "what": f"{what} (one request)"}
                    )
                    print(f"    {query:<20} {factor:>5}×  one request {one:8.0f} ms", flush=True)
                    continue
                entries.append(
                    {"query": query, "factor": factor, "p50_ms": run.p50_ms, "p99_ms": run.p99_ms, "requests": run.requests, "what": what}
                )
                print(f"    {query:<20} {factor:>5}×  p50 {run.p50_ms:8.2f} ms  p99 {run.p99_ms:8.2f} ms", flush=True)
        for factor, server in running.items():
            entries.append(
                {"query": "RSS after", "factor": factor, "p50_ms": 0.0, "p99_ms": 0.0, "rss_mb": server.rss_mb(), "what": "server RSS, MB"}
            )
    finally:
        for server in running.values():
            server.stop()
        for factor in built:
            scale.drop_database(f"bench_x{factor}")
    for entry in entries:
        entry["rows"] = built[entry["factor"]][1]
    base = {entry["query"]: entry["p50_ms"] for entry in entries if entry["factor"] == factors[0]}
    for entry in entries:
        entry["growth_p50"] = entry["p50_ms"] / base[entry["query"]] if base.get(entry["query"]) else None
    (folder / "scale.json").write_text(json.dumps(entries, indent=2, ensure_ascii=False), encoding="utf-8")
    return entries


def _report_rows() -> int:
    """Rows of the report itself (what factor 1 holds), from its seed."""
    from api.ingest.read import read_bundle
    from api.settings import SEED_DIR

    return sum(read_bundle(SEED_DIR).counts().values())
