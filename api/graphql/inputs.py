"""GraphQL filter and sort inputs, generated from the query layer's field specs so that
a filterable field or an operator is declared once, in ``api.queries``."""

from enum import Enum
from typing import Any

import strawberry

from api.queries import Condition, Resource, SortKey


@strawberry.input(description="Operators on a text field.")
class StringFilter:
    exact: str | None = None
    not_: str | None = strawberry.field(default=None, name="not")
    in_: list[str] | None = strawberry.field(default=None, name="in")
    contains: str | None = None
    isnull: bool | None = None
    overlaps: str | None = strawberry.field(default=None, description="Period fields only: a year or interval (2021, 2021/2025) the period overlaps.")


@strawberry.input(description="Operators on an integer field.")
class IntFilter:
    exact: int | None = None
    not_: int | None = strawberry.field(default=None, name="not")
    in_: list[int] | None = strawberry.field(default=None, name="in")
    gt: int | None = None
    gte: int | None = None
    lt: int | None = None
    lte: int | None = None
    isnull: bool | None = None


@strawberry.input(description="Operators on a number field.")
class FloatFilter:
    exact: float | None = None
    not_: float | None = strawberry.field(default=None, name="not")
    in_: list[float] | None = strawberry.field(default=None, name="in")
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    isnull: bool | None = None


@strawberry.input(description="Operators on a true/false field.")
class BooleanFilter:
    exact: bool | None = None


_FILTER_FOR_KIND: dict[type, type] = {str: StringFilter, int: IntFilter, float: FloatFilter, bool: BooleanFilter}
_PYTHON_NAMES = {"not_": "not", "in_": "in"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def where_input(resource: Resource) -> type:
    """``<Resource>Where``: one optional operator input per filterable field."""
    annotations = {name: _FILTER_FOR_KIND[spec.kind] | None for name, spec in resource.fields.items()}
    namespace: dict[str, Any] = {"__annotations__": annotations, **{name: None for name in annotations}}
    cls = type(_camel(resource.name)[0].upper() + _camel(resource.name)[1:] + "Where", (), namespace)
    return strawberry.input(cls, description=f"Filters on {resource.name.replace('_', ' ')}; all given conditions must hold.")


def sort_field_enum(resource: Resource) -> type[Enum]:
    names = [name for name, spec in resource.fields.items() if spec.sortable]
    enum = Enum(_camel(resource.name)[0].upper() + _camel(resource.name)[1:] + "SortField", {name.upper(): name for name in names})  # type: ignore[misc]
    return strawberry.enum(enum)  # type: ignore[no-any-return]


def conditions_from_where(where: Any) -> list[Condition]:
    if where is None:
        return []
    conditions = []
    for field_name, operators in vars(where).items():
        if operators is None:
            continue
        for python_name, value in vars(operators).items():
            if value is not None:
                conditions.append(Condition(field_name, _PYTHON_NAMES.get(python_name, python_name), value))
    return conditions


def sort_keys(sort: list[Any] | None) -> list[SortKey]:
    return [SortKey(item.field.value, item.descending) for item in sort or []]
