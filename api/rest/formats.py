"""Response formats of the lists: JSON (default), CSV and NDJSON, and the label language.

The format is chosen by ``?format=`` or else by ``Accept``; anything else is a 406.
Flat formats (CSV, NDJSON) use the one flattening rule of ``api.schemas.flat_row``.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from fastapi import Request
from pydantic import BaseModel

from api.errors import InvalidQuery, NotAcceptable
from api.schemas import flat_columns, flat_row

MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
_ACCEPTED = {"application/json": "json", "text/csv": "csv", "application/x-ndjson": "ndjson", "application/ndjson": "ndjson"}
BOM = "\ufeff"


@dataclass(frozen=True)
class OutputFormat:
    name: str
    bom: bool
    lang: str | None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.name]


def _from_accept(accept: str) -> str | None:
    """The first acceptable format in the Accept header's order of preference."""
    choices = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        choices.append((-quality, position, media.lower()))
    for quality, _, media in sorted(choices):
        if quality == 0:
            continue
        if media in _ACCEPTED:
            return _ACCEPTED[media]
        if media in ("*/*", "application/*"):
            return "json"
        if media == "text/*":
            return "csv"
    return None


def _language(request: Request) -> str | None:
    lang = request.query_params.get("lang")
    if lang is not None:
        if lang not in ("zh", "en"):
            raise InvalidQuery(f"lang must be zh or en (got {lang!r})", field="lang")
        return lang
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].split(";")[0].strip().lower()
    if first.startswith("en"):
        return "en"
    if first.startswith("zh"):
        return "zh"
    return None


def negotiate(request: Request) -> OutputFormat:
    name = request.query_params.get("format")
    if name is not None and name not in MEDIA_TYPES:
        raise NotAcceptable(f"format {name!r} is not offered; choose json, csv or ndjson")
    if name is None:
        accept = request.headers.get("accept", "")
        name = _from_accept(accept) if accept else "json"
        if name is None:
            raise NotAcceptable(f"none of {accept!r} is offered; the API speaks application/json, text/csv and application/x-ndjson")
    bom = request.query_params.get("bom", "0") in ("1", "true")
    return OutputFormat(name, bom, _language(request))


def language_columns(columns: Sequence[str], lang: str | None) -> list[str]:
    """With a language chosen, flat formats keep that language's label columns only."""
    if lang is None:
        return list(columns)
    dropped = "_en" if lang == "zh" else "_zh"
    return [column for column in columns if not column.endswith(dropped)]


def csv_lines(model: type[BaseModel], records: Iterable[BaseModel], output: OutputFormat) -> Iterator[str]:
    columns = language_columns(flat_columns(model), output.lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    if output.bom:
        buffer.write(BOM)
    writer.writeheader()
    yield _drain(buffer)
    for record in records:
        writer.writerow(flat_row(record))
        yield _drain(buffer)


def ndjson_lines(model: type[BaseModel], records: Iterable[BaseModel], output: OutputFormat) -> Iterator[str]:
    columns = language_columns(flat_columns(model), output.lang)
    for record in records:
        row = flat_row(record)
        yield json.dumps({column: row[column] for column in columns}, ensure_ascii=False) + "\n"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
