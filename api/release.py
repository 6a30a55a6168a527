"""The dataset release: what the loaded data is, as one citable, versioned whole.

A release is identified by ``2021.1+<12 hex>``: the series, then the first 12 hex digits of a
SHA-256 over the report texts' SHA-256, every public record of every dataset in
``api.datasets.DATASETS`` (in their default order, as canonical JSON) and every row of every
table (sorted by primary key in Python, so the database's collation does not matter; the SQLite
download holds them all). Two databases holding the same data — SQLite or PostgreSQL, loaded
today or next year — publish the same version; any change to a published value gives a new one.

Last-modified is ``RELEASED``, a date kept here beside ``SERIES``, not a clock reading: the
tables store no load time, seed files' mtimes change with every checkout, and the time a process
first computed the release differs per process and per restart — which would make two instances
behind one load balancer publish different catalogues and defeat HTTP caching. Bump ``SERIES``
and ``RELEASED`` together when the curated data changes in substance; within a series the
``+hash`` part (and the ETag of every download) still tells any two data states apart.

The release is computed once per engine and cached: the data changes only when a release is
loaded (``python -m api seed``), and a process serving it is restarted then (or calls ``forget``).
"""

import hashlib
import json
import threading
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Engine, inspect, select
from sqlmodel import Session

from api import queries
from api.datasets import DATASETS, all_records
from api.db import metadata
from api.errors import NotFound

SERIES = "2021.1"
RELEASED = datetime(2026, 11, 26, tzinfo=UTC)

# The years each plan of the five-year goals speaks of (the goals carry a plan, not a period).
PLAN_YEARS = {"fyp14": (2021, 2025), "vision2035": (2021, 2035)}


class SourceDocument(BaseModel):
    """The report every record is taken from."""

    id: str
    title_zh: str
    title_en: str
    issuer_zh: str
    issuer_en: str
    year: int
    language: str = Field(description="ISO 639-1 code of the report's language.")
    sha256: str = Field(description="SHA-256 of the canonical text (UTF-8) every char_start/char_end refers to.")
    char_count: int


class Licence(BaseModel):
    id: str = Field(description="SPDX identifier.")
    title: str
    url: str
    scope: str = Field(description="What the licence covers.")


DATA_LICENCE = Licence(
    id="CC-BY-4.0",
    title="Creative Commons Attribution 4.0 International",
    url="https://creativecommons.org/licenses/by/4.0/",
    scope=(
        "The curated data: every dataset and download of this release (records, translations, "
        "offsets). The report text is an official document of 慈溪市人民政府 reproduced verbatim."
    ),
)


class Release(BaseModel):
    """One state of the published data."""

    version: str = Field(description="SERIES+first 12 hex digits of data_sha256, e.g. 2021.1+3f2a…")
    series: str
    data_sha256: str = Field(description="SHA-256 over the report texts' SHA-256 and every public record, as canonical JSON.")
    counts: dict[str, int] = Field(description="Records per dataset.")
    source: SourceDocument
    licence: Licence
    last_modified: datetime = Field(description="Date of the release series (deterministic: the same on every instance and restart).")
    temporal_start: int = Field(description="First year the data speaks of.")
    temporal_end: int = Field(description="Last year the data speaks of (2035: the long-range vision).")


class Download(BaseModel):
    """One file of the release (written by ``api.exports``)."""

    name: str = Field(description="File name, as in /v1/downloads/{name}.")
    dataset: str | None = Field(description="The dataset it holds; null for files holding the whole release.")
    format: str = Field(description="csv | csv-bom | json | ndjson | sqlite | zip | text")
    media_type: str
    size: int = Field(description="Size in bytes.")
    sha256: str = Field(description="SHA-256 of the file's bytes.")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode() + b"\n"


def table_rows(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the database has, each table sorted by primary key in Python.

    Like ``api.ingest.load``, this reads whole tables rather than resources, so it builds its own
    plain ``select``; ``api.exports`` copies the same tables into the SQLite download.
    """
    connection = session.connection()
    present = set(inspect(connection).get_table_names())
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in (table for table in metadata.sorted_tables if table.name in present):
        keys = [column.name for column in table.primary_key.columns]
        found = [dict(row) for row in connection.execute(select(table)).mappings()]
        rows[table.name] = sorted(found, key=lambda row: [str(row[key]) for key in keys])
    return rows


def data_digest(report_hashes: Iterable[str], records: dict[str, list[BaseModel]], tables: dict[str, list[dict[str, Any]]]) -> str:
    """SHA-256 of the texts' hashes, every public record and every table row, as canonical JSON lines."""
    digest = hashlib.sha256()
    for text_hash in report_hashes:
        digest.update(f"report {text_hash}\n".encode())
    for name, items in records.items():
        digest.update(f"dataset {name} {len(items)}\n".encode())
        for record in items:
            digest.update(_canonical(record.model_dump(mode="json")))
    for name, rows in tables.items():
        digest.update(f"table {name} {len(rows)}\n".encode())
        for row in rows:
            digest.update(_canonical(row))
    return digest.hexdigest()


def _years(name: str, records: list[BaseModel]) -> Iterable[int]:
    for record in records:
        data = record.model_dump()
        for key in ("period_start", "period_end", "year"):
            if isinstance(data.get(key), int):
                yield data[key]
        if name == "five_year_goals" and data.get("plan") in PLAN_YEARS:
            yield from PLAN_YEARS[data["plan"]]


def compute_release(session: Session) -> Release:
    """Read every dataset once and describe the release it makes up."""
    reports = queries.list_reports(session, options=queries.ListOptions(limit=queries.MAX_PAGE_SIZE)).rows
    if not reports:
        raise NotFound("release", SERIES)
    records = {name: list(all_records(session, dataset)) for name, dataset in DATASETS.items()}
    digest = data_digest((report.text_sha256 for report in reports), records, table_rows(session))
    years = [year for name, items in records.items() for year in _years(name, items)] or [reports[0].year]
    report = reports[0]
    return Release(
        version=f"{SERIES}+{digest[:12]}",
        series=SERIES,
        data_sha256=digest,
        counts={name: len(items) for name, items in records.items()},
        source=SourceDocument(
            id=report.id,
            title_zh=report.title_zh,
            title_en=report.title_en,
            issuer_zh=report.issuer_zh,
            issuer_en=report.issuer_en,
            year=report.year,
            language=report.language,
            sha256=report.text_sha256,
            char_count=report.char_count,
        ),
        licence=DATA_LICENCE,
        last_modified=RELEASED,
        temporal_start=min(years),
        temporal_end=max(years),
    )


_releases: "weakref.WeakKeyDictionary[Engine, Release]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def current_release(session: Session) -> Release:
    """The release of the session's database, computed on first use and cached per engine."""
    engine: Any = session.get_bind()
    with _lock:
        cached = _releases.get(engine)
        if cached is None:
            cached = _releases[engine] = compute_release(session)
        return cached


def forget(engine: Engine) -> None:
    """Drop the cached release of ``engine`` (after loading new data into it)."""
    with _lock:
        _releases.pop(engine, None)


def cached_release(engine: Engine) -> Release | None:
    """The release already computed for ``engine``, without touching the database."""
    with _lock:
        return _releases.get(engine)
