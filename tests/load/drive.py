"""Load and soak runs against ``python -m api serve --workers 2`` on loopback, bounded in time.
Not part of the test suite (pytest collects only tests/test_*.py); run by hand, figures printed
(``pip install -e '.[bench]'``):

    python tests/load/drive.py load   # 200 requests/s for 60 s (Locust): errors, p50/p99/max latency
    python tests/load/drive.py soak   # 50 000 requests, 10 000 distinct GraphQL documents: worker RSS growth

Each starts its own server (an embedded SQLite database that the server seeds, unless
--database-url is given) with the rate limiter off, warms it up (every worker computes the
release), and exits 1 when a bound is missed: any error, or (soak) the workers' resident memory
growing by more than 10 % from after the warm-up to the end.
"""

import argparse
import asyncio
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from live_server import LiveServer
from traffic import Request, distinct_document, mixed_request

HERE = Path(__file__).resolve().parent
WARM_UP_REQUESTS = 400
RSS_GROWTH_BOUND = 0.10


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "requests": len(self.latencies),
            "errors": len(self.errors),
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
            "first_errors": self.errors[:5],
        }


async def send(client: httpx.AsyncClient, request: Request, tally: Tally) -> None:
    method, path, body = request
    start = time.perf_counter()
    try:
        response = await client.request(method, path, json=body)
        if response.status_code != 200 or (path == "/graphql" and "errors" in response.json()):
            tally.errors.append(f"{response.status_code} {method} {path} {response.text[:200]}")
    except httpx.HTTPError as error:
        tally.errors.append(f"{type(error).__name__} {method} {path}")
    tally.latencies.append(time.perf_counter() - start)


async def closed_loop(base_url: str, requests: Iterator[Request], concurrency: int, *, keep_alive: bool = True) -> Tally:
    """``concurrency`` requests in flight until ``requests`` runs out (each is sent once); without
    ``keep_alive`` each request comes on a new connection, which any worker may accept."""
    tally = Tally()
    # Idle connections are dropped before the server's 5 s keep-alive ends, or a request could race its close.
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency if keep_alive else 0, keepalive_expiry=3)

    async def worker(client: httpx.AsyncClient) -> None:
        for request in requests:
            await send(client, request, tally)

    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return tally


def warm_up(server: LiveServer, requests: Iterator[Request]) -> Tally:
    """Every worker gets its share: on 8 kept-alive connections the workers that accepted them took
    all of it, and a worker that got none started the soak cold (90 MiB) and grew by a third."""
    return asyncio.run(closed_loop(server.base_url, requests, 8, keep_alive=False))


def soak_requests(total: int, documents: int, first_document: int, rng: random.Random) -> Iterator[Request]:
    """``total`` requests, ``documents`` of them distinct GraphQL documents, spread evenly."""
    every = max(1, total // documents) if documents else total + 1
    for number in range(total):
        if number % every == 0 and number // every < documents:
            yield distinct_document(first_document + number // every)
        else:
            yield mixed_request(rng)


def workers(server: LiveServer) -> list[psutil.Process]:
    """The processes that serve requests: uvicorn's spawned workers, or the server process itself
    when it runs a single one."""
    assert server.process is not None
    main = psutil.Process(server.process.pid)
    return [child for child in main.children(recursive=True) if "spawn_main" in " ".join(child.cmdline())] or [main]


def worker_rss(server: LiveServer) -> dict[int, int]:
    return {worker.pid: worker.memory_info().rss for worker in workers(server)}


def worker_cpu_s(server: LiveServer) -> float:
    return sum(sum(worker.cpu_times()[:2]) for worker in workers(server))


def _server(arguments: argparse.Namespace, folder: Path) -> LiveServer:
    database_url = arguments.database_url or f"sqlite:///{folder / 'load.sqlite3'}"
    settings = {"DATABASE_URL": database_url, "RATE_LIMIT_ENABLED": "false", "RESPONSE_CACHE_BYTES": str(arguments.response_cache_bytes)}
    return LiveServer(settings, folder / "serve.log", workers=arguments.workers)


def _locust(base_url: str, rate: int, seconds: int, folder: Path) -> dict[str, str]:
    """Locust, headless: ``rate`` users of one request a second each; its aggregated statistics."""
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
        "--users", str(rate), "--spawn-rate", str(rate), "--run-time", f"{seconds}s", "--host", base_url,
        "--csv", str(folder / "locust"), "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(command, check=False, capture_output=True, timeout=seconds + 120)  # noqa: S603 - our interpreter, our arguments
    with (folder / "locust_stats.csv").open(encoding="utf-8") as stats:
        return next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")


def run_load(arguments: argparse.Namespace, folder: Path) -> bool:
    with _server(arguments, folder) as server:
        warm_up(server, (mixed_request(random.Random(0)) for _ in range(WARM_UP_REQUESTS)))  # noqa: S311 - a load mix
        cpu_before = worker_cpu_s(server)
        stats = _locust(server.base_url, arguments.rate, arguments.seconds, folder)
        requests = int(stats["Request Count"])
        cpu_ms = (worker_cpu_s(server) - cpu_before) * 1000 / max(1, requests)
    figures = {
        "requests": requests,
        "errors": int(stats["Failure Count"]),
        "requests_per_s": round(float(stats["Requests/s"]), 1),
        "p50_ms": stats["50%"],
        "p99_ms": stats["99%"],
        "max_ms": round(float(stats["Max Response Time"]), 1),
        "server_cpu_ms_per_request": round(cpu_ms, 2),
    }
    print(f"load: {arguments.rate} requests/s for {arguments.seconds} s, {arguments.workers} workers:", json.dumps(figures))
    return requests > 0 and figures["errors"] == 0


def run_soak(arguments: argparse.Namespace, folder: Path) -> bool:
    rng = random.Random(2)  # noqa: S311 - a load mix, not a secret
    with _server(arguments, folder) as server:
        warm = warm_up(server, soak_requests(arguments.warm_up, arguments.warm_up // 2, 10**6, rng))
        before = worker_rss(server)
        start = time.perf_counter()
        measured = soak_requests(arguments.requests, arguments.documents, 0, rng)
        soak = asyncio.run(closed_loop(server.base_url, measured, arguments.concurrency))
        elapsed = time.perf_counter() - start
        after = worker_rss(server)
    growth = (sum(after.values()) - sum(before.values())) / sum(before.values())
    figures = {
        **soak.summary(),
        "seconds": round(elapsed, 1),
        "warm_up_errors": len(warm.errors),
        "rss_before_mib": [round(rss / 2**20, 1) for rss in before.values()],
        "rss_after_mib": [round(after.get(pid, 0) / 2**20, 1) for pid in before],
        "rss_growth_percent": round(100 * growth, 2),
    }
    print(f"soak: {arguments.requests} requests, {arguments.documents} distinct GraphQL documents:", json.dumps(figures))
    return not soak.errors and not warm.errors and set(after) == set(before) and growth <= RSS_GROWTH_BOUND


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", choices=["load", "soak"])
    parser.add_argument("--database-url", help="serve this database (default: a new embedded SQLite file)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=int, default=200, help="load: requests per second")
    parser.add_argument("--seconds", type=int, default=60, help="load: duration")
    parser.add_argument("--requests", type=int, default=50_000, help="soak: requests measured")
    parser.add_argument("--documents", type=int, default=10_000, help="soak: distinct GraphQL documents among them")
    parser.add_argument("--warm-up", type=int, default=6_000, help="soak: requests before the first RSS reading (half distinct documents)")
    parser.add_argument("--concurrency", type=int, default=16, help="soak: requests in flight")
    parser.add_argument(
        "--response-cache-bytes", type=int, default=None,
        help="per worker (default: the product's 16 MiB for load; 4 MiB for soak, so that warm-up fills it and later growth means a leak)",
    )  # fmt: skip
    arguments = parser.parse_args()
    if arguments.response_cache_bytes is None:
        arguments.response_cache_bytes = 64 * 2**20 if arguments.run == "load" else 4 * 2**20
    with tempfile.TemporaryDirectory(prefix="cixi-load-") as folder:
        passed = (run_load if arguments.run == "load" else run_soak)(arguments, Path(folder))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
