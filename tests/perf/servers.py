"""Server processes for the benchmarks: one worker each, on loopback, each in its own process."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# Every server runs under uvicorn with the same options: uvloop and httptools (what `python -m api
# serve` picks with uvicorn[standard]), one worker, no server header, warnings only in the log.
UVICORN_OPTIONS = (
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--workers",
    "1",
    "--no-server-header",
    "--log-level",
    "warning",
    "--no-access-log",
)
# Every server gets the environment the README recommends for production: glibc keeps at most two
# malloc arenas, instead of one per thread that frees nothing back (8 per core by default).
SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {self.name} (pid {self.process.pid})")

    def wait_until_ok(self, path: str, timeout_s: float = 120.0, max_rss_mb: float | None = None) -> float:
        """Seconds from now until ``path`` first answers 200 (polling every 10 ms); gives up past
        ``max_rss_mb`` of resident memory, before the machine runs out of it."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            if max_rss_mb is not None and self.rss_mb() > max_rss_mb:
                raise MemoryError(f"{self.name} passed {max_rss_mb:.0f} MB of RSS before its first answer")
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=30) as response:  # noqa: S310 - loopback only
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.01)
        raise TimeoutError(f"{self.name} did not answer {path} with 200 within {timeout_s} s; see {self.log}")

    def wait_until_listening(self, timeout_s: float = 120.0) -> float:
        """Seconds from now until the server accepts connections (polling every 10 ms)."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        raise TimeoutError(f"{self.name} did not listen on {self.port} within {timeout_s} s; see {self.log}")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, timeout_s: float = 300.0) -> None:
        """Until the process stops computing: requests a client gave up on still run to their end."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            before = self.cpu_seconds()
            time.sleep(0.5)
            if self.cpu_seconds() - before < 0.05:
                return

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, command: Sequence[str], *, port: int, env: Mapping[str, str], folder: Path) -> Server:
    log = folder / f"{name}.log"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        list(command),
        cwd=REPO,
        env={**os.environ, **SERVER_ENV, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return Server(name, process, port, log)


def uvicorn_command(app: str, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port), *UVICORN_OPTIONS]


def api_serve_command(port: int) -> list[str]:
    """The documented way to serve the API (it migrates and seeds an empty embedded database first)."""
    return [sys.executable, "-m", "api", "serve", "--host", HOST, "--port", str(port)]
