"""PostgreSQL engines: every wait bounded (imported only when serving PostgreSQL)."""

from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext

from api.db import CONNECT_TIMEOUT_S, PING_REPLY_S, REPLY_MARGIN_S


def postgres_engine(url: str, *, statement_timeout_ms: int, read_only: bool, pool_size: int) -> Engine:
    """PostgreSQL with every wait bounded, so that a database that is down, hung or slow costs a
    request at most a few seconds (then a 503), and the API recovers by itself when it is back:

    - connecting: ``connect_timeout`` (whole handshake);
    - a slow statement: ``statement_timeout``, cut by the server, the connection stays usable;
    - a server or network that stops answering: no reply within statement_timeout + a margin closes
      the connection on the client side (``RepliesWithin``); TCP keepalives cannot see this when
      the peer's kernel still acknowledges, as a hung server's does;
    - a pooled connection that died while idle: ``pool_pre_ping``; a pre-ping gets no reply within
      ``PING_REPLY_S`` (1 s) from a hung server, so most requests meet a hang in 1 s, not 2.5;
    - all connections busy: ``pool_timeout``.
    """
    options = f"-c statement_timeout={statement_timeout_ms}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=10,
        pool_timeout=CONNECT_TIMEOUT_S,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": options},
    )
    reply_timeout = statement_timeout_ms / 1000 + REPLY_MARGIN_S if statement_timeout_ms > 0 else None  # 0: no statement timeout

    def connect(_dialect: Any, _record: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]) -> psycopg.Connection[Any]:
        connection = RepliesWithin.connect(*cargs, **cparams)
        connection.reply_timeout = reply_timeout
        return connection

    def idle(dbapi_connection: RepliesWithin | None, _record: Any) -> None:
        if dbapi_connection is not None:  # None: it was invalidated
            dbapi_connection.reply_timeout = PING_REPLY_S

    def in_use(dbapi_connection: RepliesWithin, _record: Any, _proxy: Any) -> None:
        dbapi_connection.reply_timeout = reply_timeout

    event.listen(engine, "do_connect", connect)
    event.listen(engine, "checkin", idle)  # the next round trip of an idle connection is its pre-ping
    event.listen(engine, "checkout", in_use)  # after the pre-ping
    event.listen(engine, "handle_error", _no_reconnect_after_silence)
    return engine


class NoReply(psycopg.OperationalError):
    """The database did not answer in time; the connection was closed."""


class RepliesWithin(psycopg.Connection[Any]):
    """A psycopg connection whose every round trip is bounded by ``reply_timeout`` seconds."""

    reply_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        try:
            return super().wait(gen, interval, timeout if timeout is not None else self.reply_timeout)
        except psycopg.errors._WaitTimeout:  # psycopg's own signal that the wait expired (private, hence pinned psycopg>=3.3)
            self.pgconn.finish()  # its state is unknown; nothing more may be sent on it
            raise NoReply(f"no reply from the database within {self.reply_timeout} s") from None


def _no_reconnect_after_silence(context: ExceptionContext) -> None:
    """A pre-ping that got no reply invalidates that connection but does not reconnect at once:
    a silent server would make the reconnect wait for the connect timeout too."""
    if context.is_pre_ping and isinstance(context.original_exception, NoReply):
        context.is_disconnect = False
