"""Each record's JSON is written once per release and reused by every list page that holds it,
byte for byte what the page would have written itself."""

import json
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine

from api.main import create_app
from api.record_json import RecordJsonStore, serialise
from api.settings import Settings

PAGES = [
    "/v1/observations?limit=50",
    "/v1/observations?status=target&sort=-value&limit=30",
    "/v1/observations?q=教育&limit=20",
    "/v1/indicators?limit=40&facet=topic",
    "/v1/projects?flagship=true",
    "/v1/livelihood-items?limit=100",
    "/v1/five-year-goals?sort=-target_value",
    "/v1/sections?limit=100",
    "/v1/reports",
]


class Record(BaseModel):
    id: str
    value: float


class Row:
    def __init__(self, key: str, value: float) -> None:
        self.id = key
        self.value = value


class CountingPresenter:
    def __init__(self) -> None:
        self.presented: list[str] = []

    def __call__(self, rows: Sequence[Any]) -> list[Record]:
        self.presented += [row.id for row in rows]
        return [Record(id=row.id, value=row.value) for row in rows]


def _client(engine: Engine, record_json_bytes: int) -> TestClient:
    settings = Settings(database_url=str(engine.url), response_cache_bytes=0, rate_limit_enabled=False, record_json_bytes=record_json_bytes)
    return TestClient(create_app(settings, engine=engine), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def without_store(engine: Engine) -> Iterator[TestClient]:
    with _client(engine, 0) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def with_store(engine: Engine) -> Iterator[TestClient]:
    with _client(engine, 16 * 1024 * 1024) as test_client:
        yield test_client


@pytest.mark.parametrize("path", PAGES)
def test_a_list_page_is_the_same_bytes_with_and_without_the_record_store(
    path: str, with_store: TestClient, without_store: TestClient
) -> None:
    expected = without_store.get(path)
    assert expected.status_code == 200
    for _ in range(2):  # the second time every record comes from the store
        answer = with_store.get(path)
        assert answer.status_code == 200
        assert answer.content == expected.content
    assert json.loads(answer.content)["items"], "a page that proves nothing"


def test_records_seen_on_one_page_are_not_presented_again_on_another(with_store: TestClient) -> None:
    store: RecordJsonStore = with_store.app.state.record_json  # type: ignore[attr-defined]
    with_store.get("/v1/observations?limit=1")  # the release is known from the first answer on
    store.clear()
    with_store.get("/v1/observations?limit=50")
    held = len(store)
    with_store.get("/v1/observations?limit=20&sort=char_start")  # the first 20 of the same 50
    assert held == 50
    assert len(store) == held


def test_a_presenter_is_called_once_per_record_and_release() -> None:
    store = RecordJsonStore(1024 * 1024)
    present = CountingPresenter()
    rows = [Row("gdp-2020", 2008.3), Row("gdp-growth-2020", 4.8)]
    first = store.fragments("2021.1+aaaa", "Record", rows, present)
    again = store.fragments("2021.1+aaaa", "Record", [*rows, Row("rd-2020", 3.2)], present)
    assert present.presented == ["gdp-2020", "gdp-growth-2020", "rd-2020"]
    assert orjson.dumps(again[:2]) == orjson.dumps(first)
    store.fragments("2021.1+bbbb", "Record", rows, present)  # a new release presents afresh
    assert present.presented[3:] == ["gdp-2020", "gdp-growth-2020"]


def test_without_a_known_release_nothing_is_kept() -> None:
    store = RecordJsonStore(1024 * 1024)
    present = CountingPresenter()
    store.fragments(None, "Record", [Row("gdp-2020", 2008.3)], present)
    store.fragments(None, "Record", [Row("gdp-2020", 2008.3)], present)
    assert present.presented == ["gdp-2020", "gdp-2020"]
    assert len(store) == 0


def test_the_store_stays_within_its_byte_budget() -> None:
    budget = 2000
    store = RecordJsonStore(budget)
    rows = [Row(f"record-{index:04d}", index / 10) for index in range(500)]
    store.fragments("v", "Record", rows, CountingPresenter())
    one = len(serialise(Record(id="record-0000", value=0.0)))
    assert 0 < len(store) <= budget // one + 1
    assert len(store) < len(rows)


def test_a_record_serialises_as_its_public_model_does() -> None:
    record = Record(id="gdp-2020", value=2008.3)
    assert json.loads(serialise(record)) == record.model_dump(mode="json")
