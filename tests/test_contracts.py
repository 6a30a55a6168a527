"""The committed contracts (openapi/) are what the code serves."""

from pathlib import Path

from api.contracts import graphql_sdl, openapi_json

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "openapi"
REGENERATE = "regenerate with: python -m api export-schema"


def test_committed_openapi_document_matches_the_code() -> None:
    assert (OPENAPI_DIR / "openapi.json").read_text(encoding="utf-8") == openapi_json(), REGENERATE


def test_committed_graphql_schema_matches_the_code() -> None:
    assert (OPENAPI_DIR / "schema.graphql").read_text(encoding="utf-8") == graphql_sdl(), REGENERATE


def test_graphql_is_not_part_of_the_openapi_document() -> None:
    import json

    paths = json.loads(openapi_json())["paths"]
    assert not [path for path in paths if path.startswith("/graphql")]


def test_every_operation_has_a_readable_id_and_declares_its_problems() -> None:
    import json

    document = json.loads(openapi_json())
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert operation["operationId"].replace("_", "").isalpha(), path
            if path.startswith("/v1/"):
                assert "400" in operation["responses"] or "404" in operation["responses"], path
