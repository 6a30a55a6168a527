"""Each record's JSON, serialised once per release.

The response cache (``api.response_cache``) replays a page only to the request it was made for;
the next filter, sort or page size misses it. Yet the records on that next page are, byte for
byte, the records earlier pages already wrote: the data changes only with a release. So list
pages keep every record's JSON, keyed by release, record kind and id, in a least-recently-used
store bounded in bytes, and a page that misses the response cache costs its SQL, the
presentation of the records not seen before, and joining bytes.

The bytes are those of ``pydantic_core.to_json`` over the record's public model — the same
serialiser, and so the same rules (``api.schemas``), as every other JSON answer.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import pydantic_core
from cachetools import LRUCache
from pydantic import BaseModel

Presenter = Callable[[Sequence[Any]], Sequence[BaseModel]]
RecordKey = tuple[str, str, str]


class RecordJsonStore:
    """Serialised records of the current release, least recently used first out past ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(max_bytes, 0)
        self._entries: LRUCache[RecordKey, bytes] = LRUCache(maxsize=max(self.max_bytes, 1), getsizeof=len)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def fragments(self, version: str | None, kind: str, rows: Sequence[Any], present: Presenter) -> list[orjson.Fragment]:
        """The JSON of each row's public record, in row order; ``present`` is called once, for
        the rows not stored yet (none when every record is known)."""
        if version is None or not self.enabled:
            return [orjson.Fragment(serialise(item)) for item in present(rows)]
        keys: list[RecordKey] = [(version, kind, str(row.id)) for row in rows]
        with self._lock:
            known = {key: self._entries[key] for key in keys if key in self._entries}
        missing = [row for row, key in zip(rows, keys, strict=True) if key not in known]
        if missing:
            made = {(version, kind, str(row.id)): serialise(item) for row, item in zip(missing, present(missing), strict=True)}
            with self._lock:
                for key, data in made.items():
                    if len(data) <= self.max_bytes:
                        self._entries[key] = data
            known.update(made)
        return [orjson.Fragment(known[key]) for key in keys]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def serialise(record: BaseModel) -> bytes:
    return pydantic_core.to_json(record)


def json_bytes(body: Any) -> bytes:
    """A JSON body holding ``orjson.Fragment`` records, as compact UTF-8."""
    return orjson.dumps(body)
