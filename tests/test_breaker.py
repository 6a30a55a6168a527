"""The database breaker: after an outage, work fails at once for a cooldown, then tries again; a
statement cut by the timeout or a full pool never opens it."""

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.breaker import DatabaseBreaker
from api.db import is_database_down
from api.errors import ServiceUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_after_an_outage_work_fails_at_once_until_the_cooldown_ends() -> None:
    clock = Clock()
    breaker = DatabaseBreaker(cooldown_s=1.0, clock=clock)
    breaker.check()
    breaker.record_outage("connection refused")
    with pytest.raises(ServiceUnavailable) as refused:
        breaker.check()
    assert refused.value.extra["cause"] == "connection refused"
    clock.now += 0.99
    assert breaker.is_open
    clock.now += 0.02
    breaker.check()  # the next work tries the database again


def test_one_success_closes_the_breaker() -> None:
    clock = Clock()
    breaker = DatabaseBreaker(cooldown_s=5.0, clock=clock)
    breaker.record_outage("no reply")
    breaker.record_success()
    assert not breaker.is_open
    breaker.check()


def _operational(original: Exception) -> OperationalError:
    return OperationalError("select 1", {}, original)


def test_a_refused_or_silent_database_is_down() -> None:
    assert is_database_down(_operational(psycopg.OperationalError("connection refused")))


def test_a_statement_cut_by_the_timeout_is_not_an_outage_of_the_database() -> None:
    assert not is_database_down(_operational(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")))


def test_a_full_pool_is_not_an_outage_of_the_database() -> None:
    assert not is_database_down(PoolTimeout("QueuePool limit reached"))
    assert not is_database_down(None)


def test_an_error_that_is_not_the_drivers_own_is_not_an_outage_of_the_database() -> None:
    assert not is_database_down(_operational(Exception("unable to open database file")))
