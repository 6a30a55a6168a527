"""``python -m api serve`` in a process of its own on a free loopback port, for the tests that
need a real server (signals, many connections) and for the load scripts."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """Starts on ``with``, is live (``/health/live`` answers) inside it, and is stopped (SIGTERM,
    then SIGKILL if need be) at the end. ``settings`` are environment variables (DATABASE_URL, …)."""

    def __init__(self, settings: dict[str, str], log_path: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.command = [sys.executable, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        inherited = {name: value for name, value in os.environ.items() if name != "SEED_DATABASE_URL"}  # seed what is served
        self.env = {**inherited, "LOG_LEVEL": "warning", **settings}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "LiveServer":
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=log)  # noqa: S603 - our own interpreter and module
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"the server did not come up: {self.log()}")
            time.sleep(0.1)
        return self

    def __exit__(self, _type: type[BaseException] | None, _error: BaseException | None, _tb: TracebackType | None) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def terminate(self, timeout: float = 15) -> int:
        """SIGTERM, and the exit status once it has stopped."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/health/live", timeout=1).status_code == 200
        except httpx.TransportError:
            return False
