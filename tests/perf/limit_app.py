"""L, the physical-limit proxy: a bare ASGI app that answers every request with one recorded
response (status, headers and body byte for byte), so that only the server and the network
remain. ``BENCH_RECORDED_RESPONSE`` names the JSON file ``bench.record_response`` wrote."""

import base64
import json
import os
from pathlib import Path
from typing import Any

_recorded = json.loads(Path(os.environ["BENCH_RECORDED_RESPONSE"]).read_text(encoding="utf-8"))
START = {
    "type": "http.response.start",
    "status": _recorded["status"],
    "headers": [(name.encode("latin-1"), value.encode("latin-1")) for name, value in _recorded["headers"]],
}
BODY = {"type": "http.response.body", "body": base64.b64decode(_recorded["body"])}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send(START)
    await send(BODY)
