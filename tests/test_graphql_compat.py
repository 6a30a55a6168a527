"""The GraphQL contract only grows: the committed schema (openapi/schema.graphql) has no
breaking change against the newest released one (openapi/releases/schema-<version>.graphql,
copied there by each release), by graphql-core's ``find_breaking_changes``."""

from dataclasses import replace
from pathlib import Path

from graphql import DefinitionNode, ObjectTypeDefinitionNode, build_schema, parse, print_ast
from graphql.utilities import BreakingChangeType, find_breaking_changes

from api import __version__

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "openapi"
RELEASES_DIR = OPENAPI_DIR / "releases"


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in path.stem.removeprefix("schema-").split("."))


def newest_release() -> Path:
    return max(RELEASES_DIR.glob("schema-*.graphql"), key=_version)


def breaking_changes(released_sdl: str, current_sdl: str) -> list[tuple[BreakingChangeType, str]]:
    changes = find_breaking_changes(build_schema(released_sdl), build_schema(current_sdl))
    return [(change.type, change.description) for change in changes]


def without_field(sdl: str, type_name: str, field_name: str) -> str:
    """``sdl`` with one field of an object type removed (graphql-core's AST nodes are frozen)."""

    def edit(definition: DefinitionNode) -> DefinitionNode:
        if not (isinstance(definition, ObjectTypeDefinitionNode) and definition.name.value == type_name):
            return definition
        fields = tuple(field for field in definition.fields or () if field.name.value != field_name)
        assert len(fields) == len(definition.fields or ()) - 1, f"{type_name}.{field_name} is not in the SDL"
        return replace(definition, fields=fields)

    document = parse(sdl)
    return print_ast(replace(document, definitions=tuple(edit(definition) for definition in document.definitions)))


def test_the_schema_has_no_breaking_change_against_the_newest_release() -> None:
    released = newest_release()
    current = (OPENAPI_DIR / "schema.graphql").read_text(encoding="utf-8")
    assert breaking_changes(released.read_text(encoding="utf-8"), current) == [], (
        f"openapi/schema.graphql breaks {released.name}: deprecate instead of removing or changing"
    )


def test_the_newest_release_is_not_newer_than_the_package() -> None:
    assert _version(newest_release()) <= tuple(int(part) for part in __version__.split("."))


def test_the_check_catches_a_removed_field() -> None:
    released = newest_release().read_text(encoding="utf-8")
    [(kind, description)] = breaking_changes(released, without_field(released, "Indicator", "nameEn"))
    assert kind == BreakingChangeType.FIELD_REMOVED
    assert "Indicator.nameEn" in description


def test_an_added_field_is_not_breaking() -> None:
    released = newest_release().read_text(encoding="utf-8")
    assert breaking_changes(without_field(released, "Indicator", "nameEn"), released) == []
