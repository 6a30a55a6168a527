"""Where database work runs, and how long it may hold what it runs on: PostgreSQL's in worker
threads (it waits on the network), SQLite's on the event loop (it waits on nothing but the CPU),
with every SQLite statement cut at the statement timeout like PostgreSQL's."""

import threading
import time
from pathlib import Path

import anyio
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.db import create_db_engine, run_database_work
from api.errors import ServiceUnavailable

# Counts to a billion: minutes of SQLite's CPU, unless something cuts it.
ENDLESS = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000000) select count(*) from n"
TIMEOUT_MS = 300


def _thread_of_the_work(engine: Engine) -> tuple[int, int]:
    async def main() -> tuple[int, int]:
        worker = await run_database_work(engine, lambda session: (session.exec(text("select 1")), threading.get_ident())[1])
        return worker, threading.get_ident()

    return anyio.run(main)


def test_postgresql_work_runs_in_a_worker_thread_and_sqlite_work_on_the_event_loop(engine: Engine) -> None:
    worker, event_loop = _thread_of_the_work(engine)
    if engine.dialect.name == "sqlite":
        assert worker == event_loop
    else:
        assert worker != event_loop


@pytest.fixture
def bounded_sqlite(tmp_path: Path) -> Engine:
    """A read-only serving engine on an SQLite file, with a short statement timeout."""
    path = tmp_path / "bounded.sqlite3"
    writer = create_db_engine(f"sqlite:///{path}")
    with writer.begin() as connection:
        connection.execute(text("create table t (x integer)"))
    writer.dispose()
    return create_db_engine(f"sqlite:///{path}", read_only=True, statement_timeout_ms=TIMEOUT_MS)


def test_a_sqlite_statement_is_cut_at_the_statement_timeout(bounded_sqlite: Engine) -> None:
    start = time.monotonic()
    with pytest.raises(OperationalError, match="interrupted"), Session(bounded_sqlite) as session:
        session.exec(text(ENDLESS))
    assert time.monotonic() - start < TIMEOUT_MS / 1000 + 0.5
    with Session(bounded_sqlite) as session:  # the same pooled connection, with a fresh deadline
        time.sleep(TIMEOUT_MS / 1000 + 0.1)
        assert session.exec(text("select count(*) from t")).one()[0] == 0


def test_a_cut_sqlite_statement_is_a_503_and_the_next_work_succeeds(bounded_sqlite: Engine) -> None:
    async def main() -> int:
        with pytest.raises(ServiceUnavailable):
            await run_database_work(bounded_sqlite, lambda session: session.exec(text(ENDLESS)).one())
        return int(await run_database_work(bounded_sqlite, lambda session: session.exec(text("select 41 + 1")).one()[0]))

    assert anyio.run(main) == 42


def test_the_writer_engine_has_no_statement_timeout(tmp_path: Path) -> None:
    """Seeding a thousand times the report's rows takes minutes: only serving is bounded."""
    writer = create_db_engine(f"sqlite:///{tmp_path / 'writer.sqlite3'}", statement_timeout_ms=1)
    with Session(writer) as session:
        assert session.exec(text("with recursive n(i) as (select 1 union all select i + 1 from n where i < 200000) select count(*) from n")).one()[0] == 200000
    writer.dispose()
