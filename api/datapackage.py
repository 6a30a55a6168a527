"""A Frictionless Data Package (datapackage.json) describing the release's CSV files.

One tabular resource per dataset of ``api.datasets.DATASETS``. Each Table Schema is derived
from the dataset's public model through ``flat_columns`` (the one flattening rule of every
CSV): field types from the annotations, descriptions from the pydantic ``Field``s, ``id`` as
primary key, and foreign keys from the tables' own SQL foreign keys, so a new dataset or
reference needs no edit here.
"""

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from api.datasets import DATASETS, Dataset
from api.release import Download, Release
from api.schemas import Source, flat_columns

PACKAGE_NAME = "cixi-2021-government-work-report"
TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}

# Units of columns whose unit is the same on every row (a record's own `unit` column gives the
# unit of its `value`; `base_unit` that of `base_value`).
UNITS = {
    "char_start": "Unicode code point",
    "char_end": "Unicode code point",
    "source_char_start": "Unicode code point",
    "source_char_end": "Unicode code point",
    "period_start": "year",
    "period_end": "year",
    "year": "year",
}
UNIT_COLUMNS = {"value": "unit", "base_value": "base_unit", "target_value": "target_unit"}

KEYWORDS = ["慈溪", "政府工作报告", "十四五", "Cixi", "government work report", "14th Five-Year Plan", "open data"]


def _model_field(model: type[BaseModel], column: str) -> FieldInfo:
    if column.startswith("source_") and column not in model.model_fields:
        return Source.model_fields[column.removeprefix("source_")]
    return model.model_fields[column]


def _base_type(annotation: Any) -> tuple[type, bool]:
    """The scalar type of an annotation and whether it admits null."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        return members[0], len(members) < len(get_args(annotation))
    return annotation, False


def table_field(model: type[BaseModel], column: str) -> dict[str, Any]:
    """The Table Schema field of one flat column."""
    info = _model_field(model, column)
    kind, nullable = _base_type(info.annotation)
    field: dict[str, Any] = {"name": column, "type": TYPES.get(kind, "string")}
    description = info.description
    if column in UNIT_COLUMNS:
        description = f"{description or 'The value.'} Its unit is in the column {UNIT_COLUMNS[column]}."
    if description:
        field["description"] = description
    if column in UNITS:
        field["unit"] = UNITS[column]
    if not nullable:
        field["constraints"] = {"required": True}
    return field


def foreign_keys(dataset: Dataset, columns: list[str]) -> list[dict[str, Any]]:
    """The dataset's SQL foreign keys whose target table is a published dataset too."""
    by_table = {other.resource.model.__tablename__: other for other in DATASETS.values()}
    keys = []
    table = dataset.resource.model.__table__  # type: ignore[attr-defined]
    for constraint in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
        column = constraint.parent.name
        flat = column if column in columns else f"source_{column}"
        target = by_table.get(constraint.column.table.name)
        if target is None or flat not in columns:
            continue
        resource = "" if target is dataset else target.path
        keys.append({"fields": [flat], "reference": {"resource": resource, "fields": [constraint.column.name]}})
    return keys


def table_schema(dataset: Dataset) -> dict[str, Any]:
    columns = flat_columns(dataset.public)
    return {
        "fields": [table_field(dataset.public, column) for column in columns],
        "missingValues": [""],
        "primaryKey": ["id"],
        "foreignKeys": foreign_keys(dataset, columns),
    }


def download_path(download: Download, base_url: str | None) -> str:
    """An absolute download URL, or the bare file name for a package whose files lie beside it."""
    return f"{base_url.rstrip('/')}/v1/downloads/{download.name}" if base_url else download.name


def data_package(release: Release, downloads: list[Download], *, base_url: str | None) -> dict[str, Any]:
    """The datapackage.json of ``release``: resource paths are absolute URLs under ``base_url``,
    or relative file names when ``base_url`` is None (the copy inside the zip download)."""
    csv_files = {download.dataset: download for download in downloads if download.format == "csv"}
    source = release.source
    text = next((d for d in downloads if d.format == "text"), None)
    source_path = f"{base_url.rstrip('/')}/v1/reports/{source.id}/text" if base_url else (text.name if text else None)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": f"{source.title_zh}:结构化数据 / {source.title_en}: structured data",
        "description": (
            f"Every fact of the {source.title_en} ({source.title_zh}) as bilingual, citable records. "
            "Each record quotes the report verbatim and gives the quote's character offsets in the canonical text."
        ),
        "version": release.version,
        "created": release.last_modified.isoformat().replace("+00:00", "Z"),
        "keywords": KEYWORDS,
        "licenses": [{"name": release.licence.id, "title": release.licence.title, "path": release.licence.url}],
        "sources": [{"title": f"{source.title_zh} ({source.issuer_zh})", **({"path": source_path} if source_path else {})}],
        "resources": [],
    }
    if base_url:
        package["homepage"] = base_url
    for name, dataset in DATASETS.items():
        download = csv_files[name]
        package["resources"].append(
            {
                "name": dataset.path,
                "path": download_path(download, base_url),
                "profile": "tabular-data-resource",
                "title": f"{dataset.title_zh} / {dataset.title_en}",
                "description": dataset.description_en,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": download.size,
                "hash": f"sha256:{download.sha256}",
                "schema": table_schema(dataset),
            }
        )
    return package
