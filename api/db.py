"""Engines, how work reaches them, and the database roles they connect as.

The API serves from a read-only connection: SQLite is opened with ``mode=ro``; on PostgreSQL
every transaction is read-only by default and production connects as a role that may only
SELECT (``create_roles``). Migrations and seeding use a separate read-write engine. Every unit of
work while serving goes through ``run_database_work``: its session, its thread (or none), its
bounds, and the one mapping of an outage to a 503. PostgreSQL's engine is in ``api.postgres``.
"""

import asyncio
import math
import re
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import anyio.to_thread
from sqlalchemy import URL, Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from api.breaker import breaker_for
from api.errors import ServiceUnavailable

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)

CONNECT_TIMEOUT_S = 2  # libpq's (and psycopg's) smallest connect_timeout
REPLY_MARGIN_S = 0.5  # a live server answers (or cancels by statement_timeout) before the client gives up
PING_REPLY_S = 1.0  # a pre-ping waits on no lock and no work: a live server answers it in milliseconds
SQLITE_BUSY_TIMEOUT_S = 15
SQLITE_PROGRESS_STEPS = 10_000  # virtual-machine steps between checks of a statement's deadline (~0.1 ms)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy's default would be psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(url: str, *, statement_timeout_ms: int = 2000, read_only: bool = False, pool_size: int = 10) -> Engine:
    """An engine for SQLite (the embedded default) or PostgreSQL (production).

    ``read_only`` is for serving: SQLite opens the file with ``mode=ro``; PostgreSQL makes every
    transaction read-only by default (the SELECT-only role of ``create_roles`` is what enforces it).
    """
    url = normalize_url(url)
    if is_sqlite(url):
        return _sqlite_engine(make_url(url), read_only=read_only, statement_timeout_ms=statement_timeout_ms)
    from api.postgres import postgres_engine  # psycopg is imported only to serve PostgreSQL

    return postgres_engine(url, statement_timeout_ms=statement_timeout_ms, read_only=read_only, pool_size=pool_size)


def _sqlite_engine(url: URL, *, read_only: bool, statement_timeout_ms: int) -> Engine:
    """SQLite; for serving, read-only and with every statement and lock wait bounded like
    PostgreSQL's (serving runs SQLite's work on the event loop: ``run_database_work``)."""
    database = url.database or ""
    as_given = database in ("", ":memory:") or database.startswith("file:")  # in memory, or a URI filename already
    if read_only and not as_given:
        url = url.set(database=f"file:{quote(str(Path(database).resolve()))}", query={**url.query, "mode": "ro", "uri": "true"})
    elif not as_given:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    bound_s = statement_timeout_ms / 1000 if read_only and statement_timeout_ms > 0 else None
    busy_timeout_s = min(SQLITE_BUSY_TIMEOUT_S, bound_s) if bound_s else SQLITE_BUSY_TIMEOUT_S
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_s})
    event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    if bound_s:
        _cut_statements_after(engine, bound_s)
    return engine


def _cut_statements_after(engine: Engine, seconds: float) -> None:
    """SQLite's statement_timeout: a statement still running ``seconds`` after it started is
    interrupted (``OperationalError: interrupted``, a 503 like PostgreSQL's), through SQLite's
    progress handler, which it calls every few thousand virtual-machine steps."""

    def connect(dbapi_connection: Any, record: Any) -> None:
        deadline = record.info
        deadline["cut_at"] = math.inf
        dbapi_connection.set_progress_handler(lambda: time.monotonic() > deadline["cut_at"], SQLITE_PROGRESS_STEPS)

    def started(connection: Connection, *_args: Any) -> None:
        connection.info["cut_at"] = time.monotonic() + seconds

    def ended(connection: Connection, *_args: Any) -> None:
        connection.info["cut_at"] = math.inf

    event.listen(engine, "connect", connect)
    event.listen(engine, "before_cursor_execute", started)
    for transaction_ends in ("commit", "rollback"):
        event.listen(engine, transaction_ends, ended)


def retry_after_s(statement_timeout_ms: int) -> int:
    """What a 503 tells clients to wait: the longest a request waits on PostgreSQL before it is
    answered (no reply: statement timeout + margin; connecting: the connect timeout), rounded up;
    3 s by default. Retrying sooner only adds requests waiting on the same database."""
    reply_s = statement_timeout_ms / 1000 + REPLY_MARGIN_S if statement_timeout_ms > 0 else 0
    return math.ceil(max(reply_s, CONNECT_TIMEOUT_S))


@contextmanager
def outages_as_unavailable() -> Iterator[None]:
    """Turns a database that cannot be reached, stops answering, cuts a statement or has no free
    connection into :class:`~api.errors.ServiceUnavailable`, the one error every transport answers
    with a 503 (REST: ``api.rest.common.in_session``; GraphQL's resolvers and loaders call it directly).
    Other database errors pass through unchanged: they are bugs, not outages."""
    try:
        yield
    except (OperationalError, PoolTimeout) as error:
        raise ServiceUnavailable("the database is not reachable right now; try again shortly", cause=_first_line(error)) from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise ServiceUnavailable("the database connection was lost; try again shortly", cause=_first_line(error)) from error
        raise


async def run_database_work(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run ``work`` with a session of its own: on PostgreSQL in a worker thread, on SQLite right here
    on the event loop.

    The one way both transports reach the database (REST: ``api.rest.common.in_session``; GraphQL:
    GraphQL's resolvers and loaders): an outage becomes ServiceUnavailable, and while the
    database is known to be down (``api.breaker``) work fails at once instead of waiting on it.

    PostgreSQL's work waits on the network, so it runs in threads while the event loop answers
    others. SQLite's waits on nothing but the CPU, in the same process: handing it to a thread and
    back, with the GIL passed between the thread and the event loop each time, halved throughput
    (R-mix, 6,524 distinct uncached reads: 294 req/s in 8 threads, 600 on the loop). Its statements
    and lock waits are cut at the statement timeout (``_cut_statements_after``), so the loop is never
    held longer than PostgreSQL's requests wait."""
    breaker = breaker_for(engine)

    def run() -> T:
        breaker.check()
        try:
            with outages_as_unavailable(), Session(engine) as session:
                result = work(session)
        except ServiceUnavailable as error:
            if is_database_down(error.__cause__):
                breaker.record_outage(str(error.extra.get("cause", "")))
            raise
        breaker.record_success()
        return result

    if engine.dialect.name == "sqlite":
        async with _sqlite_turn():
            return run()
    return await anyio.to_thread.run_sync(run)


_sqlite_turns: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Lock]" = weakref.WeakKeyDictionary()


def _sqlite_turn() -> anyio.Lock:
    """SQLite's work on an event loop takes turns in arrival order.

    Run as soon as its request's task ran, the work of some connections waited behind everyone
    else's under 256 connections (wrk: 41 to 81 of 9 000 to 17 000 requests over 10 s). Queued on a
    FIFO lock, each unit of work lets the loop read sockets once and runs in its turn: 0 over 10 s
    and at most 2.3 to 3.4 s in two 30 s runs, for a few percent of throughput."""
    loop = asyncio.get_running_loop()
    turn = _sqlite_turns.get(loop)
    if turn is None:
        turn = _sqlite_turns[loop] = anyio.Lock()
    return turn


def is_database_down(error: BaseException | None) -> bool:
    """Whether an outage error says PostgreSQL itself is gone: it refused or dropped the connection
    or stopped answering (the driver's own error, with no SQLSTATE from a server). Not a statement
    cut by statement_timeout, not a pool full for a moment, and not SQLite, whose file waits on no
    network: only the first should fail other requests early."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    return error.connection_invalidated or (_is_psycopg_error(original) and getattr(original, "sqlstate", None) is None)


def _is_psycopg_error(error: BaseException) -> bool:
    """The driver's own OperationalError (not imported here: SQLite serving never loads psycopg)."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(error, psycopg.OperationalError)


def _first_line(error: Exception) -> str:
    """The driver's own words (SQLAlchemy's message adds the statement and a link)."""
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def create_roles(connection: Connection, *, reader: str, writer: str) -> list[str]:
    """Create (if missing) a writer role that owns the schema objects and a reader role that may only
    read them, now and in the future; returns the statements run. Needs a role with CREATEROLE that
    may grant on the database (its owner, or a superuser). Passwords are set apart (``\\password``)."""
    for name in (reader, writer):
        if not ROLE_NAME.match(name):
            raise ValueError(f"role name {name!r}: use lower-case letters, digits and _")
    quote_name = connection.dialect.identifier_preparer.quote
    reader_id, writer_id = quote_name(reader), quote_name(writer)
    database = quote_name(connection.execute(text("select current_database()")).scalar_one())
    names = {"reader": reader, "writer": writer}
    existing = set(connection.execute(text("select rolname from pg_roles where rolname in (:reader, :writer)"), names).scalars())
    statements = [
        *(f"CREATE ROLE {quote_name(name)} LOGIN" for name in (reader, writer) if name not in existing),
        f"GRANT CONNECT ON DATABASE {database} TO {reader_id}, {writer_id}",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {writer_id}",
        f"GRANT USAGE ON SCHEMA public TO {reader_id}",
        *(f"ALTER {kind} public.{quote_name(name)} OWNER TO {writer_id}" for kind, name in _schema_objects(connection)),
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader_id}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {writer_id} IN SCHEMA public GRANT SELECT ON TABLES TO {reader_id}",
    ]
    for statement in statements:
        connection.exec_driver_sql(statement)
    return statements


def _schema_objects(connection: Connection) -> list[tuple[str, str]]:
    """Tables and sequences of the public schema that exist already (before the writer made any)."""
    rows = connection.execute(
        text(
            "select case c.relkind when 'S' then 'SEQUENCE' when 'v' then 'VIEW' else 'TABLE' end, c.relname "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v') and not exists "
            "(select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')) order by 2"
        )
    )
    return [(kind, name) for kind, name in rows]
