"""Benchmarks, side by side in one run: ``python -m tests.perf.bench`` (add ``--help`` for options).

Every server runs alone, one worker, on loopback, under uvicorn with the same options
(``servers.UVICORN_OPTIONS``); wrk loads it with 32 connections from one thread:

- L      the physical-limit proxy: a bare ASGI app answering the recorded bytes of R-hot;
- D      Datasette over the API's own SQLite download, the same filtered 50 rows as JSON;
- R-hot  ``/v1/observations?limit=50&status=actual``, the same request over and over;
- R-mix  thousands of distinct details, filtered and sorted lists and searches, in a shuffled cycle;
- G      GraphQL: the same 50 rows with every field;  G-600: every observation (all indicators'
         observations with source and section, in one query);  S: a Chinese search.

Our scenarios run twice: with the response cache (the default settings) and without it
(``RESPONSE_CACHE_BYTES=0``). Startup is timed with the documented command, ``python -m api serve``:
the first run on an empty embedded database (migrate, seed, serve) and cold starts on the seeded one.
``--scales 1,100,1000`` adds latencies on PostgreSQL with synthetic copies (``tests/perf/scale.py``).

L and D are measured before our scenarios and again after them, and their mean is the comparison:
the CPU is shared with whatever else runs, and this way a change of background load over the run
weighs on both sides alike. The load average at the start of every measurement is recorded.
Results are printed and written to ``tests/perf/results/<time>.json`` and ``.md`` (git-ignored).
"""

import argparse
import base64
import http.client
import itertools
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.perf import servers, workload, wrk
from tests.perf.servers import Server
from tests.perf.wrk import Request

RESULTS = Path(__file__).resolve().parent / "results"
OUR_APP = "api.asgi:app"
# The rate limiter stays in the chain (its cost is part of every answer) with a limit no benchmark reaches.
OUR_ENV = {"LOG_LEVEL": "warning", "RATE_LIMIT": "1000000000/minute"}


@dataclass
class Row:
    name: str
    description: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    rss_mb: float
    requests: int
    errors: int
    non_2xx_3xx: int
    ratio_to_l: float = 0.0
    ratio_to_d: float = 0.0
    load_average: str = ""
    notes: str = ""


@dataclass
class Report:
    started: str
    machine: dict[str, Any]
    settings: dict[str, Any]
    startup: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    scale: list[dict[str, Any]] = field(default_factory=list)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(
    server: Server,
    name: str,
    description: str,
    requests: list[Request],
    folder: Path,
    *,
    seconds: float,
    warm_up: bool = True,
    connections: int = 32,
    notes: str = "",
) -> Row:
    requests_file = wrk.write_requests(folder / f"{name}.requests", requests)
    server.wait_idle()
    load = load_average().split()[0]
    if warm_up:
        wrk.run(server.base_url, requests_file, seconds=2, connections=connections)
        server.wait_idle()
    result = wrk.run(server.base_url, requests_file, seconds=seconds, connections=connections)
    row = Row(
        name,
        description,
        result.per_second,
        result.p50_ms,
        result.p99_ms,
        server.rss_mb(),
        result.requests,
        result.errors,
        result.non_2xx_3xx,
        load_average=load,
        notes=notes,
    )
    print(
        f"  {name:<16} {row.requests_per_s:>9.0f} req/s  p50 {row.p50_ms:7.2f} ms  p99 {row.p99_ms:7.2f} ms  "
        f"RSS {row.rss_mb:6.1f} MB  {notes}",
        flush=True,
    )
    return row


def timed_start(name: str, env: dict[str, str], folder: Path) -> tuple[Server, float, float]:
    """`python -m api serve`; seconds from process start to the first 200 of R-hot, and the CPU
    seconds the server used until then (less dependent on what else the machine runs)."""
    port = servers.free_port()
    started = time.perf_counter()
    server = servers.start(name, servers.api_serve_command(port), port=port, env=env, folder=folder)
    server.wait_until_ok(workload.HOT_LIST)
    return server, time.perf_counter() - started, server.cpu_seconds()


def startup_times(database_url: str, folder: Path) -> dict[str, Any]:
    env = OUR_ENV | {"DATABASE_URL": database_url}
    server, first_run, _ = timed_start("first-run", env, folder)
    server.stop()
    cold, cpu = [], []
    for attempt in range(3):
        server, seconds, cpu_seconds = timed_start(f"cold-start-{attempt}", env, folder)
        server.stop()
        cold.append(seconds)
        cpu.append(cpu_seconds)
    cold_start = statistics.median(cold)
    return {
        "first_run_s": first_run,
        "cold_start_s": cold_start,
        "cold_start_attempts_s": cold,
        "cold_start_cpu_s": statistics.median(cpu),
        "seeding_s": first_run - cold_start,
        "notes": "first run: process start to the first 200 on an empty embedded database (migrate, seed, serve); "
        "cold start: the same on the seeded database (median of 3; CPU: the server's user + system seconds until then); "
        "seeding: the difference",
    }


def first_answer_and_memory(database_url: str, folder: Path, *, requests: int = 1000) -> dict[str, Any]:
    """On the seeded database: how long the first request takes once the server listens (it reads
    the release), the RSS after it, and the RSS after ``requests`` requests of R-mix, one at a time."""
    port = servers.free_port()
    server = servers.start(
        "memory", servers.api_serve_command(port), port=port, env=OUR_ENV | {"DATABASE_URL": database_url}, folder=folder
    )
    try:
        server.wait_until_listening()
        started = time.perf_counter()
        workload.get_json(server.base_url, workload.HOT_LIST)
        first_request_s = time.perf_counter() - started
        rss_started = server.rss_mb()
        mix = workload.mixed_requests(server.base_url)
        for request in itertools.islice(itertools.cycle(mix), requests):
            send(server, request)
        return {
            "first_request_s": first_request_s,
            "rss_after_start_mb": rss_started,
            "rss_after_mix_mb": server.rss_mb(),
            "mixed_requests": requests,
            "notes": f"first request: {workload.HOT_LIST} once the server listens; RSS after it, and after {requests} "
            "R-mix requests sent one at a time (with the requests that build the mix)",
        }
    finally:
        server.stop()


def send(server: Server, request: Request) -> int:
    connection = http.client.HTTPConnection(servers.HOST, server.port, timeout=60)
    try:
        connection.request(request.method, quote(request.path, safe="/?&=%:,-_.~+*()!$'@;"), body=request.body or None)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def record_response(server: Server, path: str, target: Path) -> Path:
    """The exact status, headers (but Date) and body our server answers to wrk's request."""
    connection = http.client.HTTPConnection(servers.HOST, server.port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    headers = [(name.lower(), value) for name, value in response.getheaders() if name.lower() not in ("date", "server")]
    connection.close()
    target.write_text(
        json.dumps({"status": response.status, "headers": headers, "body": base64.b64encode(body).decode()}), encoding="utf-8"
    )
    return target


def download(server: Server, path: str, target: Path) -> Path:
    connection = http.client.HTTPConnection(servers.HOST, server.port, timeout=120)
    connection.request("GET", path)
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    target.write_bytes(response.read())
    return target


def our_scenarios(server: Server, folder: Path, *, seconds: float, suffix: str, mix: list[Request], every_observation: str) -> list[Row]:
    cached = not suffix
    label = "" if cached else " (response cache off)"
    rows = [
        measure(
            server,
            "R-hot" + suffix,
            "REST /v1/observations?limit=50&status=actual, repeated" + label,
            [Request("GET", workload.HOT_LIST)],
            folder,
            seconds=seconds,
        ),
        measure(
            server,
            "G" + suffix,
            "GraphQL: the same 50 observations, every field" + label,
            [workload.graphql_request(workload.GRAPHQL_50)],
            folder,
            seconds=seconds,
        ),
        measure(
            server,
            "G-600" + suffix,
            "GraphQL: every observation with source and section" + label,
            [workload.graphql_request(every_observation)],
            folder,
            seconds=seconds,
            # Computed each time, one answer takes so long that 32 waiting connections would see none within the run.
            connections=32 if cached else 4,
            notes="" if cached else "4 connections",
        ),
        measure(server, "S" + suffix, "REST /v1/search?q=教育" + label, [Request("GET", workload.SEARCH)], folder, seconds=seconds),
    ]
    rows.append(
        measure(
            server,
            "R-mix" + suffix,
            f"{len(mix)} distinct details, lists, filters, sorts and searches, cycled" + label,
            mix,
            folder,
            seconds=seconds,
            warm_up=False,
        )
    )
    first_time = min(1.0, len(mix) / max(rows[-1].requests, 1))
    rows[-1].notes = f"{first_time:.0%} of the requests were the first of their URL"
    return rows


def with_server(
    name: str, command: list[str], port: int, env: dict[str, str], folder: Path, ready_path: str, work: Callable[[Server], Any]
) -> Any:
    server = servers.start(name, command, port=port, env=env, folder=folder)
    try:
        server.wait_until_ok(ready_path)
        return work(server)
    finally:
        server.stop()


LIMIT_WHAT = "bare ASGI app answering R-hot's recorded bytes"
DATASETTE_WHAT = "Datasette " + workload.DATASETTE_LIST


def bracketed(before: Row, after: Row) -> Row:
    """A comparison measured before and after our scenarios: their mean, so that a change in the
    machine's background load over the run weighs on both sides alike."""
    return Row(
        before.name,
        before.description,
        (before.requests_per_s + after.requests_per_s) / 2,
        (before.p50_ms + after.p50_ms) / 2,
        (before.p99_ms + after.p99_ms) / 2,
        max(before.rss_mb, after.rss_mb),
        before.requests + after.requests,
        before.errors + after.errors,
        before.non_2xx_3xx + after.non_2xx_3xx,
        load_average=f"{before.load_average} / {after.load_average}",
        notes=f"mean of {before.requests_per_s:,.0f} req/s before and {after.requests_per_s:,.0f} req/s after our runs",
    )


def check_datasette_rows(server: Server, our_ids: list[str]) -> None:
    rows = workload.get_json(server.base_url, workload.DATASETTE_LIST)["rows"]
    if [row["id"] for row in rows] != our_ids:
        raise RuntimeError("Datasette's 50 rows are not ours: the comparison would not be like for like")


def run(args: argparse.Namespace) -> Report:
    folder = Path(tempfile.mkdtemp(prefix="cixi-bench-"))
    report = Report(
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        machine={"cpus": os.cpu_count(), "python": platform.python_version(), "load_average_before": load_average()},
        settings={
            "seconds": args.seconds,
            "connections": 32,
            "wrk_threads": 1,
            "uvicorn": " ".join(servers.UVICORN_OPTIONS),
            "our_env": OUR_ENV,
            "every_server_env": servers.SERVER_ENV,
            "scale_seconds": args.scale_seconds,
        },
    )
    print(f"working folder {folder}; load average {report.machine['load_average_before']}", flush=True)
    if args.startup_only:
        startup(folder, report)
    elif not args.scale_only:
        throughput(args, folder, report)
    if args.scales:
        from tests.perf.scale_runs import scale_rows

        report.scale = scale_rows([int(factor) for factor in args.scales.split(",")], folder, seconds=args.scale_seconds)
    report.machine["load_average_after"] = load_average()
    report.targets = targets(report)
    return report


def startup(folder: Path, report: Report) -> None:
    """Startup only: first run, cold starts, the first request and the memory of one process."""
    database_url = f"sqlite:///{folder / 'api.sqlite3'}"
    report.startup = startup_times(database_url, folder) | {"memory": first_answer_and_memory(database_url, folder)}
    times, memory = report.startup, report.startup["memory"]
    print(
        f"  first run {times['first_run_s']:.2f} s, cold start {times['cold_start_s']:.2f} s {times['cold_start_attempts_s']} "
        f"(CPU {times['cold_start_cpu_s']:.2f} s), first request {memory['first_request_s'] * 1000:.0f} ms, "
        f"RSS {memory['rss_after_start_mb']:.0f} MB after it, {memory['rss_after_mix_mb']:.0f} MB after {memory['mixed_requests']} R-mix",
        flush=True,
    )


def throughput(args: argparse.Namespace, folder: Path, report: Report) -> None:
    """Startup, then every scenario of ours, L and D, with the ratios."""
    database_url = f"sqlite:///{folder / 'api.sqlite3'}"
    print("startup (python -m api serve) …", flush=True)
    report.startup = startup_times(database_url, folder)
    print(f"  first run {report.startup['first_run_s']:.2f} s, cold start {report.startup['cold_start_s']:.2f} s", flush=True)

    env = OUR_ENV | {"DATABASE_URL": database_url}
    port = servers.free_port()
    state: dict[str, Any] = {}

    def prepare(server: Server) -> None:
        state["recorded"] = record_response(server, workload.HOT_LIST, folder / "recorded.json")
        state["sqlite"] = download(server, "/v1/downloads/cixi-2021.sqlite3", folder / "cixi-2021.sqlite3")
        state["ids"] = [item["id"] for item in workload.get_json(server.base_url, workload.HOT_LIST)["items"]]
        state["every"] = workload.every_observation_query(server.base_url)
        total = workload.get_json(server.base_url, "/v1/observations?limit=1")["total"]
        returned = workload.count_observations(workload.post_graphql(server.base_url, state["every"]))
        if returned != total:
            raise RuntimeError(f"G-600 returns {returned} observations, not all {total}")
        state["mix"] = workload.mixed_requests(server.base_url)

    with_server("ours-prepare", servers.uvicorn_command(OUR_APP, port), port, env, folder, workload.HOT_LIST, prepare)

    def limit_and_datasette(when: str) -> tuple[Row, Row]:
        print(f"L and D ({when}) …", flush=True)
        limit = with_server(
            f"limit-{when}",
            servers.uvicorn_command("tests.perf.limit_app:app", port),
            port,
            {"BENCH_RECORDED_RESPONSE": str(state["recorded"])},
            folder,
            "/",
            lambda server: measure(server, "L", LIMIT_WHAT, [Request("GET", workload.HOT_LIST)], folder, seconds=args.seconds),
        )

        def datasette(server: Server) -> Row:
            check_datasette_rows(server, state["ids"])
            return measure(server, "D", DATASETTE_WHAT, [Request("GET", workload.DATASETTE_LIST)], folder, seconds=args.seconds)

        return limit, with_server(
            f"datasette-{when}",
            servers.uvicorn_command("tests.perf.datasette_app:app", port),
            port,
            {"BENCH_DATASETTE_FILE": str(state["sqlite"])},
            folder,
            workload.DATASETTE_LIST,
            datasette,
        )

    limit_before, datasette_before = limit_and_datasette("before")
    print(f"ours, response cache on (R-mix: {len(state['mix'])} distinct requests) …", flush=True)
    report.rows += with_server(
        "ours",
        servers.uvicorn_command(OUR_APP, port),
        port,
        env,
        folder,
        workload.HOT_LIST,
        lambda server: our_scenarios(server, folder, seconds=args.seconds, suffix="", mix=state["mix"], every_observation=state["every"]),
    )
    print("ours, response cache off …", flush=True)
    report.rows += with_server(
        "ours-uncached",
        servers.uvicorn_command(OUR_APP, port),
        port,
        env | {"RESPONSE_CACHE_BYTES": "0"},
        folder,
        workload.HOT_LIST,
        lambda server: our_scenarios(
            server, folder, seconds=args.seconds, suffix=" uncached", mix=state["mix"], every_observation=state["every"]
        ),
    )
    limit_after, datasette_after = limit_and_datasette("after")
    limit_row, datasette_row = bracketed(limit_before, limit_after), bracketed(datasette_before, datasette_after)
    report.rows = [limit_row, datasette_row, *report.rows]
    for row in report.rows:
        row.ratio_to_l = row.requests_per_s / limit_row.requests_per_s
        row.ratio_to_d = row.requests_per_s / datasette_row.requests_per_s


def _row(report: Report, name: str) -> Row:
    return next(row for row in report.rows if row.name == name)


def targets(report: Report) -> list[dict[str, Any]]:
    def target(text: str, value: float, limit: float, at_least: bool) -> dict[str, Any]:
        return {"target": text, "measured": round(value, 3), "limit": limit, "met": value >= limit if at_least else value <= limit}

    found = []
    if report.rows:
        found += [
            target("R-hot / L", _row(report, "R-hot").ratio_to_l, 0.5, True),
            target("R-hot / D", _row(report, "R-hot").ratio_to_d, 20, True),
            target("R-mix / D", _row(report, "R-mix").ratio_to_d, 3, True),
            target("G / D", _row(report, "G").ratio_to_d, 2, True),
            target("G-600 / L", _row(report, "G-600").ratio_to_l, 0.01, True),
            target("RSS after R-mix, MB", _row(report, "R-mix").rss_mb, 150, False),
        ]
    if report.startup:
        found += [
            target("cold start, s", report.startup["cold_start_s"], 1.5, False),
            target("first-run seeding, s", report.startup["seeding_s"], 3, False),
        ]
    for name in ("list", "facet", "search"):
        growth = [entry for entry in report.scale if entry.get("query") == name and entry.get("growth_p50") is not None]
        if growth:
            found.append(target(f"{name}: p50 at {growth[-1]['factor']}x / p50 at 1x", growth[-1]["growth_p50"], 3, False))
    return found


def markdown(report: Report) -> str:
    lines = [
        f"# Benchmark {report.started}",
        "",
        f"{report.machine['cpus']} CPUs, Python {report.machine['python']}; "
        f"load average before {report.machine['load_average_before']}, after {report.machine['load_average_after']}. "
        f"uvicorn {report.settings['uvicorn']}; every server with {report.settings['every_server_env']}.",
        "",
    ]
    if report.rows:
        lines += [f"Throughput: wrk -t1 -c32 -d{report.settings['seconds']:g}s per scenario, after 2 s of warm-up (R-mix: none).", ""]
    if report.rows:
        lines += [
            "| scenario | req/s | p50 ms | p99 ms | RSS MB | ×L | ×D | errors | load | what |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
    for row in report.rows:
        errors = row.errors + row.non_2xx_3xx
        what = row.description + (f" — {row.notes}" if row.notes else "")
        lines.append(
            f"| {row.name} | {row.requests_per_s:,.0f} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {row.rss_mb:.0f} | "
            f"{row.ratio_to_l:.3f} | {row.ratio_to_d:.1f} | {errors} | {row.load_average} | {what} |"
        )
    startup = report.startup
    if startup:
        lines += [
            "",
            f"Startup: first run {startup['first_run_s']:.2f} s, cold start {startup['cold_start_s']:.2f} s "
            f"(attempts {', '.join(f'{s:.2f}' for s in startup['cold_start_attempts_s'])}; CPU {startup['cold_start_cpu_s']:.2f} s), "
            f"seeding {startup['seeding_s']:.2f} s. {startup['notes']}.",
            "",
        ]
    memory = startup.get("memory")
    if memory:
        lines += [
            f"First request {memory['first_request_s'] * 1000:.0f} ms; RSS {memory['rss_after_start_mb']:.0f} MB after it, "
            f"{memory['rss_after_mix_mb']:.0f} MB after {memory['mixed_requests']} R-mix requests ({memory['notes']}).",
            "",
        ]
    if report.scale:
        lines += [
            f"Scale (PostgreSQL, response cache off): wrk -t1 -c1 -d{report.settings['scale_seconds']:g}s per query and factor, "
            "after 1 s of warm-up; a query slower than that is timed once by itself.",
            "",
            "| query | factor | rows | p50 ms | p99 ms | p50 / p50 at first factor | RSS MB | what |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for entry in report.scale:
            growth, rss = entry.get("growth_p50"), entry.get("rss_mb")
            lines.append(
                f"| {entry['query']} | {entry['factor']}× | {entry.get('rows', '')} | "
                f"{entry.get('p50_ms', 0):.2f} | {entry.get('p99_ms', 0):.2f} | "
                f"{'' if growth is None else f'{growth:.2f}'} | {'' if rss is None else f'{rss:.0f}'} | {entry['what']} |"
            )
        lines.append("")
    lines += ["| target | measured | limit | met |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {t['target']} | {t['measured']} | {t['limit']} | {'yes' if t['met'] else 'NO'} |" for t in report.targets]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="duration of each measured wrk run")
    parser.add_argument(
        "--scales", default="", help="comma-separated factors for the PostgreSQL scale runs, e.g. 1,100,1000 (off by default)"
    )
    parser.add_argument("--scale-seconds", type=float, default=3, help="duration of each scale latency run (one connection)")
    parser.add_argument("--scale-only", action="store_true", help="only the scale runs (with --scales), not the throughput scenarios")
    parser.add_argument(
        "--startup-only", action="store_true", help="only startup: first run, cold starts, first request and RSS (then --scales)"
    )
    args = parser.parse_args()
    report = run(args)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / report.started.replace(":", "")
    stem.with_suffix(".json").write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False), encoding="utf-8")
    text = markdown(report)
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written: {stem}.json, {stem}.md")


if __name__ == "__main__":
    main()
