"""YAML reading that keeps the line of every mapping, so errors can say file:line.

Numbers are kept as the text that was typed ("2008.3", "2020"): values reach
``Decimal`` unrounded and periods stay strings.
"""

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    pass


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


def _scalar_as_written(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _scalar_as_written)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _scalar_as_written)


class YamlSyntaxError(ValueError):
    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; every mapping gets its 1-based line under ``__line__``."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlSyntaxError(path, line, f"YAML syntax: {error.problem}") from error


def pop_line(mapping: dict[str, Any]) -> int:
    """Remove and return the line marker of a mapping (0 when absent)."""
    return int(mapping.pop(LINE_KEY, 0))


def strip_lines(data: Any) -> Any:
    """A copy of parsed YAML without line markers."""
    if isinstance(data, dict):
        return {key: strip_lines(value) for key, value in data.items() if key != LINE_KEY}
    if isinstance(data, list):
        return [strip_lines(item) for item in data]
    return data
