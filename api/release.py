"""The dataset release: what the loaded data is, as one citable, versioned whole.

A release is identified by ``2021.1+<12 hex>``: the series, then the first 12 hex digits of a
SHA-256 over the report texts' SHA-256, every public record of every dataset in
``api.datasets.DATASETS`` (in their default order, as canonical JSON) and every row of every
table but ``releases`` (sorted by primary key in Python, so the database's collation does not
matter; the SQLite download holds them all). Two databases holding the same data — SQLite or PostgreSQL, loaded
today or next year — publish the same version; any change to a published value gives a new one.

Last-modified is ``RELEASED``, a date kept here beside ``SERIES``, not a clock reading: the
tables store no load time, seed files' mtimes change with every checkout, and the time a process
first computed the release differs per process and per restart — which would make two instances
behind one load balancer publish different catalogues and defeat HTTP caching. Bump ``SERIES``
and ``RELEASED`` together when the curated data changes in substance; within a series the
``+hash`` part (and the ETag of every download) still tells any two data states apart.

The data changes only when a release is loaded (``python -m api seed``), so the load computes the
release in the transaction that writes the data and stores it in table ``releases``
(``store_release``): data and release commit together or not at all. A serving process reads that
one row on its first request (``current_release``) and caches it per engine; it is restarted after
a load (or calls ``forget``).

When no release is stored for the database's schema revision (loaded by a version without the
table, or migrated since: a migration may change the rows the digest covers), the process computes
the release from every row, as ``compute_release`` defines it, serves it, and logs a warning; the
next seed stores it (``python -m api serve`` does so itself for the embedded database). Computing
gives the same version a stored release would, only slower (seconds, minutes at a thousand times
the rows); refusing to serve would turn every upgrade into an outage until the next seed, and the
API cannot store it itself: it serves through a read-only connection.
"""

import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, Engine, Table, Text, cast, column, delete, func, insert, inspect, select
from sqlalchemy import table as lightweight_table
from sqlmodel import Session

from api import queries
from api.datasets import DATASETS, Dataset
from api.db import metadata
from api.errors import NotFound
from api.models import Report, StoredRelease

SERIES = "2021.1"
RELEASED = datetime(2026, 11, 26, tzinfo=UTC)

STORED: Table = StoredRelease.__table__  # type: ignore[attr-defined]
SCHEMA_VERSION = lightweight_table("alembic_version", column("version_num"))
BINARY_COLLATIONS = {"postgresql": "C", "sqlite": "BINARY"}
STREAMED_ROWS = 2000
SOURCE_COLUMNS = ("id", "title_zh", "title_en", "issuer_zh", "issuer_en", "year", "language", "text_sha256", "char_count")
logger = logging.getLogger(__name__)

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


def table_rows(session: Session) -> Iterator[tuple[str, int, Iterator[dict[str, Any]]]]:
    """Every data table the database has, with its row count and its rows, streamed in primary-key
    order as Python orders the keys' text (code points: the order of UTF-8 bytes, so the database
    sorts them with its binary collation, whatever its default). The stored release is not data:
    it describes the rest.

    Like ``api.ingest.load``, this reads whole tables rather than resources, so it builds its own
    plain ``select``; ``api.exports`` copies the same tables into the SQLite download.
    """
    connection = session.connection()
    binary = BINARY_COLLATIONS[connection.dialect.name]
    present = set(inspect(connection).get_table_names()) - {STORED.name}
    for table in (table for table in metadata.sorted_tables if table.name in present):
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        order = [cast(column, Text).collate(binary) for column in table.primary_key.columns]
        rows = connection.execute(select(table).order_by(*order).execution_options(yield_per=STREAMED_ROWS)).mappings()
        yield table.name, count, (dict(row) for row in rows)


def dataset_records(session: Session, dataset: Dataset) -> tuple[int, Iterator[dict[str, Any]]]:
    """The count and the public records of ``dataset`` as JSON values: ``all_records``, presented
    and dumped a page at a time, so that beside the rows only one page of records is in memory."""
    rows = queries.all_rows(session, dataset.resource)
    size = queries.MAX_PAGE_SIZE
    pages = (dataset.present(session, rows[start : start + size]) for start in range(0, len(rows), size))
    return len(rows), (record.model_dump(mode="json") for page in pages for record in page)


def _years(name: str, record: dict[str, Any]) -> Iterator[int]:
    for key in ("period_start", "period_end", "year"):
        if isinstance(record.get(key), int):
            yield record[key]
    if name == "five_year_goals" and record.get("plan") in PLAN_YEARS:
        yield from PLAN_YEARS[record["plan"]]


def compute_release(session: Session) -> Release:
    """Read every dataset and every table and describe the release they make up: the definition
    of the version. SHA-256 over the texts' hashes, every public record and every table row, as
    canonical JSON lines, streamed: one dataset's rows or a few thousand table rows in memory at a time."""
    reports = queries.list_reports(session, options=queries.ListOptions(limit=queries.MAX_PAGE_SIZE)).rows
    if not reports:
        raise NotFound("release", SERIES)
    digest = hashlib.sha256()
    for report in reports:
        digest.update(f"report {report.text_sha256}\n".encode())
    counts: dict[str, int] = {}
    years: set[int] = set()
    for name, dataset in DATASETS.items():
        counts[name], records = dataset_records(session, dataset)
        digest.update(f"dataset {name} {counts[name]}\n".encode())
        for record in records:
            digest.update(_canonical(record))
            years.update(_years(name, record))
    for name, count, rows in table_rows(session):
        digest.update(f"table {name} {count}\n".encode())
        for row in rows:
            digest.update(_canonical(row))
    years = years or {reports[0].year}
    source = _source({name: getattr(reports[0], name) for name in SOURCE_COLUMNS})
    return _release(digest.hexdigest(), counts, source, min(years), max(years))


def _release(data_sha256: str, counts: dict[str, int], source: SourceDocument, temporal_start: int, temporal_end: int) -> Release:
    return Release(
        version=f"{SERIES}+{data_sha256[:12]}",
        series=SERIES,
        data_sha256=data_sha256,
        counts=counts,
        source=source,
        licence=DATA_LICENCE,
        last_modified=RELEASED,
        temporal_start=temporal_start,
        temporal_end=temporal_end,
    )


def _source(report: Mapping[str, Any]) -> SourceDocument:
    """The source document from the ``SOURCE_COLUMNS`` of its row in ``reports``."""
    return SourceDocument(**{name: report[name] for name in SOURCE_COLUMNS if name != "text_sha256"}, sha256=report["text_sha256"])


def _schema_revision() -> Any:
    return select(SCHEMA_VERSION.c.version_num).scalar_subquery()


def store_release(session: Session) -> Release:
    """Compute the release of the session's data and keep it as the database's one stored release,
    in the session's transaction: the caller commits it together with the data it describes."""
    release = compute_release(session)
    discard_stored_release(session.connection())
    values = release.model_dump(include={"version", "data_sha256", "counts", "temporal_start", "temporal_end"})
    session.connection().execute(insert(STORED).values(**values, report_id=release.source.id, schema_revision=_schema_revision()))
    return release


def discard_stored_release(connection: Connection) -> None:
    """Delete the stored release (a load does so first: the data it describes is about to change)."""
    connection.execute(delete(STORED))


def stored_release(session: Session) -> Release | None:
    """The release stored with the data, read in one statement; None when no release was stored
    at the database's schema revision."""
    reports: Table = Report.__table__  # type: ignore[attr-defined]
    statement = (
        select(STORED, *(reports.c[name] for name in SOURCE_COLUMNS))
        .join(reports, reports.c.id == STORED.c.report_id)
        .where(STORED.c.schema_revision == _schema_revision())
    )
    row = session.connection().execute(statement).mappings().first()
    if row is None:
        return None
    return _release(row["data_sha256"], dict(row["counts"]), _source(row), row["temporal_start"], row["temporal_end"])


_releases: "weakref.WeakKeyDictionary[Engine, Release]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def current_release(session: Session) -> Release:
    """The release of the session's database, read on first use and cached per engine: the stored
    one, or when none is stored for the schema revision, computed from every row (and a warning)."""
    engine: Any = session.get_bind()
    with _lock:
        cached = _releases.get(engine)
        if cached is None:
            cached = _releases[engine] = stored_release(session) or _computed_unstored(session)
        return cached


def _computed_unstored(session: Session) -> Release:
    logger.warning("no release stored at this schema revision: computing it from every row (a seed or `db upgrade` stores it)")
    return compute_release(session)


def forget(engine: Engine) -> None:
    """Drop the cached release of ``engine`` (after loading new data into it)."""
    with _lock:
        _releases.pop(engine, None)


def cached_release(engine: Engine) -> Release | None:
    """The release already computed for ``engine``, without touching the database."""
    with _lock:
        return _releases.get(engine)
