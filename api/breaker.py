"""Answer at once while the database is known to be down, instead of queueing behind it.

A request that meets an unreachable or hung PostgreSQL waits up to the connect or reply bound
(``api.db``) before its 503. Alone, that is the 2 to 3 s the API promises; under load, the requests
queued for the few worker threads would each wait their turn behind such a request, and the last
of them long after. So once database work has failed for an outage, every piece of database work
that starts in the next ``cooldown_s`` fails at once with the same 503 — including the work already
queued — and the first one after that tries the database again: one success closes the breaker.
"""

import threading
import time
import weakref
from collections.abc import Callable

from sqlalchemy import Engine

from api.errors import ServiceUnavailable


class DatabaseBreaker:
    def __init__(self, cooldown_s: float = 1.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._open_until = 0.0
        self._last_cause = ""
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._clock() < self._open_until

    def check(self) -> None:
        """Raise the outage's 503 while the breaker is open; otherwise let the work through."""
        if self.is_open:
            raise ServiceUnavailable("the database is not reachable right now; try again shortly", cause=self._last_cause)

    def record_outage(self, cause: str) -> None:
        with self._lock:
            self._open_until = self._clock() + self.cooldown_s
            self._last_cause = cause

    def record_success(self) -> None:
        if self._open_until:
            with self._lock:
                self._open_until = 0.0


_breakers: "weakref.WeakKeyDictionary[Engine, DatabaseBreaker]" = weakref.WeakKeyDictionary()
_breakers_lock = threading.Lock()


def breaker_for(engine: Engine) -> DatabaseBreaker:
    """The breaker of one database (one per engine, shared by REST and GraphQL)."""
    with _breakers_lock:
        breaker = _breakers.get(engine)
        if breaker is None:
            breaker = _breakers[engine] = DatabaseBreaker()
        return breaker
