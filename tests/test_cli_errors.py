"""The command line refuses what it cannot do in one line on stderr and exit code 1, never a
traceback: a database it cannot reach, and a seed into a database that has not been migrated."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect


def _cli(*arguments: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "api", *arguments],
        env={**os.environ, "DATABASE_URL": database_url, "SEED_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the probe is closed


def _assert_one_line_error(run: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "╭" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert all(part in lines[0] for part in expected), lines[0]


def test_seed_and_upgrade_against_an_unreachable_postgresql_say_so_in_one_line_without_the_password() -> None:
    url = f"postgresql://cixi:secret@127.0.0.1:{_closed_port()}/cixi"
    for arguments in (("seed",), ("db", "upgrade")):
        run = _cli(*arguments, database_url=url)
        _assert_one_line_error(run, "error: database postgresql://cixi:***@127.0.0.1", "Connection refused")
        assert "secret" not in run.stdout + run.stderr


def test_seed_into_a_database_without_the_schema_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    run = _cli("seed", database_url=f"sqlite:///{database}")
    _assert_one_line_error(run, "the database has no schema", "python -m api db upgrade", "nothing was loaded")
    assert inspect(create_engine(f"sqlite:///{database}")).get_table_names() == []
