"""Addresses of the pages, carrying the page language (``?lang=en``) from link to link."""

from collections.abc import Sequence
from urllib.parse import quote, urlencode

from api.datasets import DATASETS

Params = Sequence[tuple[str, str]]


def link(lang: str, path: str, params: Params = ()) -> str:
    """``path`` with ``params``, and ``lang=en`` when the page is in English (Chinese is the default)."""
    items = [(name, value) for name, value in params if name != "lang"]
    if lang == "en":
        items.append(("lang", "en"))
    return path + ("?" + urlencode(items) if items else "")


def record_path(dataset: str, key: str) -> str:
    """The page of one record: ``/projects/{id}``, ``/livelihood-items/{id}`` …"""
    return f"/{DATASETS[dataset].path}/{quote(key, safe='')}"


def api_path(dataset: str, key: str | None = None, params: Params = ()) -> str:
    """The same record, or the same list, in the REST API."""
    path = f"/v1/{DATASETS[dataset].path}" + (f"/{quote(key, safe='')}" if key is not None else "")
    return path + ("?" + urlencode(list(params)) if params else "")


def graphql_path(query: str) -> str:
    """GraphiQL with ``query`` in its editor (GraphiQL reads ``?query=``)."""
    return "/graphql?" + urlencode({"query": query})
