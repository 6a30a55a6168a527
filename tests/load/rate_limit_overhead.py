"""What the rate limiter costs per request, side by side in one run: the same trivial ASGI app
called directly, and behind RateLimitMiddleware with in-process counts (the default); and the
counting alone, ours against the ``limits`` library's MemoryStorage (why ours is used in process).
No network, no framework: only the limiter's own work. Not part of the test suite; run by hand:

    python tests/load/rate_limit_overhead.py [--requests 200000]
"""

import argparse
import asyncio
import time

from limits.storage import MemoryStorage
from starlette.types import Message, Receive, Scope, Send

from api.rate_limit import LocalCounts, RateLimitMiddleware

SCOPE: Scope = {"type": "http", "method": "GET", "path": "/v1/observations", "client": ("192.0.2.1", 50000), "headers": []}
START: Message = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
BODY: Message = {"type": "http.response.body", "body": b"{}"}


async def answer(_scope: Scope, _receive: Receive, send: Send) -> None:
    await send(START)
    await send(BODY)


async def receive() -> Message:
    return {"type": "http.request", "body": b""}


async def discard(_message: Message) -> None:
    return None


async def per_request_us(app: object, requests: int) -> float:
    start = time.perf_counter()
    for _ in range(requests):
        await app(SCOPE, receive, discard)  # type: ignore[operator]
    return (time.perf_counter() - start) / requests * 1e6


def counting_us(requests: int) -> tuple[float, float]:
    ours, library = LocalCounts(60), MemoryStorage()
    start = time.perf_counter()
    for _ in range(requests):
        ours.hit("192.0.2.1", int(time.time() // 60))
    middle = time.perf_counter()
    for _ in range(requests):
        library.incr("192.0.2.1", 60)
        library.get_expiry("192.0.2.1")
    end = time.perf_counter()
    return (middle - start) / requests * 1e6, (end - middle) / requests * 1e6


async def compare(requests: int) -> None:
    limited = RateLimitMiddleware(answer, rate=f"{requests * 10}/minute")
    for _ in range(3):  # alternate, so that both see the same machine
        bare, behind = await per_request_us(answer, requests), await per_request_us(limited, requests)
        ours, library = counting_us(requests)
        print(
            f"bare app {bare:.2f} µs/request, behind the limiter {behind:.2f}: +{behind - bare:.2f} µs; "
            f"counting alone: ours {ours:.2f} µs, limits' MemoryStorage {library:.2f} µs ({library / ours:.0f}x)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200_000)
    asyncio.run(compare(parser.parse_args().requests))
