"""A TCP proxy between the API and its database that a test can cut, hang, slow down and restore.

- ``cut()``: every open connection is closed and new ones are refused (the port stops listening),
  as when the database host goes down.
- ``hang()``: connections are accepted and kept open, but nothing is forwarded either way, as when
  the database or the network stops answering without closing anything.
- ``delay(seconds)``: every chunk from the database is held back that long (a slow network).
- ``restore()``: forward normally again (listening again after a cut).

It runs its own asyncio loop in a daemon thread; the methods are called from the test's thread.
"""

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any

from load.live_server import free_port


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.flowing = asyncio.Event()
        self.upstream_delay = 0.0
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self.loop.run_forever, name="tcp-proxy", daemon=True)

    def __enter__(self) -> "TcpProxy":
        self.thread.start()
        self._call(self._listen())
        self.loop.call_soon_threadsafe(self.flowing.set)
        return self

    def __exit__(self, *_: object) -> None:
        self._call(self._shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()

    def cut(self) -> None:
        self._call(self._stop())

    def hang(self) -> None:
        self.loop.call_soon_threadsafe(self.flowing.clear)

    def delay(self, seconds: float) -> None:
        self.upstream_delay = seconds

    def restore(self) -> None:
        self.upstream_delay = 0.0
        self._call(self._listen())
        self.loop.call_soon_threadsafe(self.flowing.set)

    def _call(self, work: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=5)

    async def _listen(self) -> None:
        if self.server is None:
            self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    async def _shutdown(self) -> None:
        await self._stop()
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.writers.add(client_writer)
        await self.flowing.wait()
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            return
        self.writers.add(upstream_writer)
        # Cancelled when the proxy shuts down: asyncio would log a cancelled connection callback as an error.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(
                self._pump(client_reader, upstream_writer, delayed=False),
                self._pump(upstream_reader, client_writer, delayed=True),
            )

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, delayed: bool) -> None:
        try:
            while chunk := await reader.read(65536):
                await self.flowing.wait()
                if delayed and self.upstream_delay:
                    await asyncio.sleep(self.upstream_delay)
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()
            self.writers.discard(writer)

