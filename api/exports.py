"""The release's download files, written once per release into a cache folder.

For every dataset: CSV (header row, ``flat_columns`` order, UTF-8), the same CSV with a UTF-8
byte-order mark (Excel and WPS read BOM-less UTF-8 as the local code page), JSON (an array of
public records) and NDJSON (one record per line). For the whole release: the report's canonical
text, the database as an SQLite file (built through the same Alembic migrations, then filled
from the tables) and a zip of every CSV with a datapackage.json whose paths are relative.

Files go to ``<tempdir>/cixi-report-api/<version>/<writer>-<schema revision>/``. The folder is
built under a temporary name and renamed into place in one step, so a reader never sees half a
release and two processes generating at once leave one complete copy. The version names the data;
``<writer>`` is a digest of the modules that decide what the files hold, so a deploy that changes
them never serves files an older writer left behind; the schema revision is that of the SQLite file.
"""

import csv
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, create_engine, insert, inspect, select, text
from sqlmodel import Session

from api import datapackage, migrate, queries
from api import release as release_module
from api.datapackage import data_package
from api.datasets import DATASETS, Dataset, all_records
from api.db import metadata
from api.errors import NotFound
from api.release import Download, Release
from api.schemas import flat_columns, flat_row

MANIFEST = "manifest.json"
CSV_TYPE = "text/csv; charset=utf-8; header=present"
MEDIA_TYPES = {
    "csv": CSV_TYPE,
    "csv-bom": CSV_TYPE,
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "sqlite": "application/vnd.sqlite3",
    "zip": "application/zip",
    "text": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Exports:
    """The written files of one release."""

    folder: Path
    downloads: list[Download]

    def file(self, name: str) -> tuple[Path, Download]:
        for download in self.downloads:
            if download.name == name:
                return self.folder / name, download
        raise NotFound("download", name)

    def complete(self) -> bool:
        return all((self.folder / d.name).is_file() and (self.folder / d.name).stat().st_size == d.size for d in self.downloads)


def export_root() -> Path:
    return Path(tempfile.gettempdir()) / "cixi-report-api"


@functools.cache
def writer_digest() -> str:
    """12 hex digits of SHA-256 over the source of the modules that shape the files."""
    digest = hashlib.sha256()
    for module in (__file__, datapackage.__file__, release_module.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:12]


def release_folder(version: str) -> Path:
    return export_root() / version / f"{writer_digest()}-{migrate.head_revision()}"


# file contents ---------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_bytes(dataset: Dataset, records: Sequence[BaseModel], *, bom: bool = False) -> bytes:
    """RFC 4180 CSV: a header row of ``flat_columns``, CRLF line ends, null as an empty field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(flat_columns(dataset.public))
    for record in records:
        writer.writerow([_cell(value) for value in flat_row(record).values()])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _dumps(value: Any, **options: Any) -> str:
    return json.dumps(value, ensure_ascii=False, **options)


def json_bytes(records: Sequence[BaseModel]) -> bytes:
    return (_dumps([record.model_dump(mode="json") for record in records], indent=2) + "\n").encode()


def ndjson_bytes(records: Sequence[BaseModel]) -> bytes:
    return "".join(_dumps(record.model_dump(mode="json"), separators=(",", ":")) + "\n" for record in records).encode()


def write_sqlite(path: Path, source: Engine) -> None:
    """Migrate a fresh SQLite file to the newest revision, then copy every table into it.

    Foreign keys are checked once at the end (SQLite enforces none by default on this
    plain engine), so rows can be copied in primary-key order whatever their references.
    Tables the migrations index by trigger (the FTS5 search index) fill themselves.
    """
    target = create_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(target)
        with source.connect() as reader, target.begin() as writer:
            present = set(inspect(reader).get_table_names())
            for table in (table for table in metadata.sorted_tables if table.name in present):
                rows = [dict(row) for row in reader.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
                if rows:
                    writer.execute(insert(table), rows)
            problems = writer.execute(text("PRAGMA foreign_key_check")).fetchall()
            if problems:
                raise RuntimeError(f"SQLite export breaks foreign keys: {problems[:5]}")
    finally:
        target.dispose()


def zip_bytes(members: dict[str, bytes], release: Release) -> bytes:
    """A zip with fixed entry dates (the release date), so the same files give the same bytes."""
    stamp = release.last_modified.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
            archive.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# writing a release -----------------------------------------------------------


def _describe(path: Path, dataset: str | None, kind: str) -> Download:
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    return Download(name=path.name, dataset=dataset, format=kind, media_type=MEDIA_TYPES[kind], size=len(content), sha256=digest)


def _write(folder: Path, name: str, content: bytes, dataset: str | None, kind: str) -> Download:
    (folder / name).write_bytes(content)
    return _describe(folder / name, dataset, kind)


def write_release(session: Session, release: Release, folder: Path) -> list[Download]:
    """Write every file of ``release`` into ``folder`` (an empty staging folder)."""
    downloads: list[Download] = []
    csvs: dict[str, bytes] = {}
    for name, dataset in DATASETS.items():
        records = all_records(session, dataset)
        csvs[f"{dataset.path}.csv"] = csv_bytes(dataset, records)
        downloads += [
            _write(folder, f"{dataset.path}.csv", csvs[f"{dataset.path}.csv"], name, "csv"),
            _write(folder, f"{dataset.path}-bom.csv", csv_bytes(dataset, records, bom=True), name, "csv-bom"),
            _write(folder, f"{dataset.path}.json", json_bytes(records), name, "json"),
            _write(folder, f"{dataset.path}.ndjson", ndjson_bytes(records), name, "ndjson"),
        ]
    report = queries.get_report(session, key=release.source.id)
    text_name = f"{report.id}.txt"
    downloads.append(_write(folder, text_name, report.text.encode(), None, "text"))
    sqlite_path = folder / f"{report.id}.sqlite3"
    write_sqlite(sqlite_path, session.get_bind())  # type: ignore[arg-type]
    downloads.append(_describe(sqlite_path, None, "sqlite"))
    package = data_package(release, downloads, base_url=None)
    members = {**csvs, text_name: report.text.encode(), "datapackage.json": (_dumps(package, indent=2) + "\n").encode()}
    downloads.append(_write(folder, f"{report.id}-csv.zip", zip_bytes(members, release), None, "zip"))
    manifest = {"version": release.version, "downloads": [d.model_dump() for d in downloads]}
    (folder / MANIFEST).write_text(_dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return downloads


def _read(folder: Path, version: str) -> Exports | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("version") != version:
        return None
    exports = Exports(folder, [Download.model_validate(item) for item in manifest["downloads"]])
    return exports if exports.complete() else None


def _generate(session: Session, release: Release, folder: Path) -> Exports:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
    try:
        downloads = write_release(session, release, staging)
        if folder.exists():  # an incomplete or stale copy (e.g. files removed by a temp cleaner)
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(staging, folder)
        except OSError:  # another process renamed its complete copy into place first
            existing = _read(folder, release.version)
            if existing is None:
                raise
            return existing
        return Exports(folder, downloads)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_exports: dict[str, Exports] = {}
_lock = threading.Lock()


def exports_for(session: Session, release: Release) -> Exports:
    """The files of ``release``: from this process's cache, from the cache folder, or written now."""
    with _lock:
        cached = _exports.get(release.version)
        if cached is None or not cached.complete():
            folder = release_folder(release.version)
            cached = _read(folder, release.version) or _generate(session, release, folder)
            _exports[release.version] = cached
        return cached
