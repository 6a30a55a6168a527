"""Runs wrk with ``requests.lua`` over a file of requests and reads its one-line JSON summary."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

LUA = Path(__file__).resolve().parent / "requests.lua"
WRK = "/usr/bin/wrk"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""

    def line(self) -> str:
        return "\t".join((self.method, quote(self.path, safe="/?&=%:,-_.~+*()!$'@;"), self.body)).rstrip("\t")


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx_3xx: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def write_requests(path: Path, requests: list[Request]) -> Path:
    path.write_text("".join(request.line() + "\n" for request in requests), encoding="utf-8")
    return path


def run(base_url: str, requests_file: Path, *, seconds: float, connections: int = 32, threads: int = 1) -> Run:
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{round(seconds)}s",
        "--timeout",
        "60s",
        "-s",
        str(LUA),
        base_url,
        "--",
        str(requests_file),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - fixed binary, our arguments
    summary = json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))
    errors = sum(summary[name] for name in ("errors_connect", "errors_read", "errors_write", "errors_timeout"))
    return Run(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        errors=errors,
        non_2xx_3xx=summary["errors_status"],
    )
