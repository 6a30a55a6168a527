"""Nothing lost: ``python -m api seed`` refuses a corrupt or partly edited seed as a whole, and a
seed killed with SIGKILL in the middle of its transaction leaves the previous data exactly as it
was (same row fingerprint), on SQLite and on PostgreSQL; the next run loads the edit whole."""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api import migrate, release
from api.db import create_db_engine, is_sqlite
from api.ingest.load import load_bundle
from api.ingest.read import Bundle, read_bundle

WRITE_PHASE_TIMEOUT_S = 60.0
UNQUOTED_NAME_EN = re.compile(r"^(\s*(?:- )?name_en: [^\"'#\n][^#\n]*?)\s*$", re.M)
Fingerprint = Callable[[Engine], str]


@pytest.fixture
def seeded(empty_database_url: str, bundle: Bundle) -> Iterator[tuple[str, Engine]]:
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    load_bundle(engine, bundle)
    yield empty_database_url, engine
    engine.dispose()


def _edit_every_english_name(seed: Path) -> int:
    """A valid edit that updates some thousand rows (indicators, projects and their search documents)."""
    edited = 0
    for path in sorted((seed / "facts").glob("*.yaml")):
        content, count = UNQUOTED_NAME_EN.subn(r"\1 (edited)", path.read_text(encoding="utf-8"))
        path.write_text(content, encoding="utf-8")
        edited += count
    return edited


def _seed(url: str, seed: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "SEED_DATABASE_URL": url, "SEED_DIR": str(seed)}
    return subprocess.Popen([sys.executable, "-m", "api", "seed"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


# Other clients of the test database: not this connection, and not PostgreSQL's own workers (an
# autovacuum worker on the database after a load is listed with it, and comes back when ended).
CLIENT_BACKENDS = "from pg_stat_activity where datname = :db and pid <> pg_backend_pid() and backend_type = 'client backend'"


def _writing(url: str, engine: Engine) -> Callable[[], bool]:
    """Whether a load is inside its transaction and has written: SQLite's rollback journal exists;
    PostgreSQL has a backend on this database that holds a transaction id."""
    if is_sqlite(url):
        journal = Path(f"{make_url(url).database}-journal")
        return journal.exists
    database = make_url(url).database

    def has_write_transaction() -> bool:
        with engine.connect() as connection:
            query = f"select count(*) {CLIENT_BACKENDS} and backend_xid is not null"
            return bool(connection.execute(text(query), {"db": database}).scalar())

    return has_write_transaction


def _kill_while_writing(process: subprocess.Popen[bytes], writing: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WRITE_PHASE_TIMEOUT_S
    while not writing():
        output = b"" if process.poll() is None else process.communicate()[0]
        assert process.poll() is None, f"the load ended before it could be killed: {output.decode(errors='replace')}"
        assert time.monotonic() < deadline, "the load did not start writing"
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _no_other_backend(url: str, engine: Engine) -> None:
    """PostgreSQL rolls the killed client's transaction back when its backend sees the socket closed.

    A backend busy in a statement notices only when the statement ends (or sooner with
    ``client_connection_check_interval``); after 10 s it is ended as an operator would end it, with
    ``pg_terminate_backend``, which rolls its transaction back the same way."""
    if is_sqlite(url):
        return
    database = {"db": make_url(url).database}
    started, terminated = time.monotonic(), False
    with engine.connect() as connection:
        while connection.execute(text(f"select count(*) {CLIENT_BACKENDS}"), database).scalar():
            waited = time.monotonic() - started
            assert waited < 20, "the killed load's backend is still there"
            if waited > 10 and not terminated:
                connection.execute(text(f"select pg_terminate_backend(pid) {CLIENT_BACKENDS}"), database)
                terminated = True
            time.sleep(0.05)


def test_a_seed_killed_mid_transaction_leaves_the_previous_data_intact(
    seeded: tuple[str, Engine], seed_copy: Path, fingerprint: Fingerprint
) -> None:
    url, engine = seeded
    before = fingerprint(engine)
    assert _edit_every_english_name(seed_copy) > 300
    engine.dispose()  # no pooled connection of ours in the way of the load's locks

    load = _seed(url, seed_copy)
    _kill_while_writing(load, _writing(url, engine))
    assert load.returncode == -signal.SIGKILL
    _no_other_backend(url, engine)

    assert fingerprint(engine) == before
    assert _release_matches_data(engine)
    assert load_bundle(engine, read_bundle(seed_copy)).changed > 300  # the next run loads the edit whole
    assert fingerprint(engine) != before
    assert _release_matches_data(engine)


def _release_matches_data(engine: Engine) -> bool:
    """The release stored with the data is the one the data makes up."""
    with Session(engine) as session:
        return release.stored_release(session) == release.compute_release(session)


def test_a_corrupt_file_refuses_the_whole_seed_and_changes_nothing(
    seeded: tuple[str, Engine], seed_copy: Path, fingerprint: Fingerprint
) -> None:
    url, engine = seeded
    before = fingerprint(engine)
    _edit_every_english_name(seed_copy)  # valid edits in every file …
    corrupt = seed_copy / "facts" / "3-2-innovation.yaml"
    content = corrupt.read_text(encoding="utf-8")
    corrupt.write_text(content[: len(content) // 2], encoding="utf-8")  # … and one file cut off half-way, as by a failed copy

    load = _seed(url, seed_copy)
    output = load.communicate(timeout=120)[0].decode(errors="replace")

    assert load.returncode == 1
    assert "3-2-innovation.yaml" in output and "nothing was loaded" in output
    assert fingerprint(engine) == before
