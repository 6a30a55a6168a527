"""The pages' words in Chinese (the default) and English, and the choice between them.

Data carry their own ``*_zh``/``*_en`` fields and vocabulary labels (``api.vocab``); what the
pages themselves say is in ``strings.toml`` beside this module, each key in both languages.
"""

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.errors import InvalidQuery
from api.vocab import label

LANGUAGES = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}

CATALOG = Path(__file__).with_name("strings.toml")


def _entries(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, tuple[str, str]]]:
    """Each entry of the catalog (a zh and an en string) under its dotted key, groups flattened."""
    for name, value in table.items():
        key = prefix + name
        if not isinstance(value, dict):
            raise ValueError(f"{CATALOG.name}: {key} must be a table of a zh and an en string")
        if value.keys() == {"zh", "en"} and all(isinstance(words, str) for words in value.values()):
            yield key, (value["zh"], value["en"])
        else:
            yield from _entries(value, f"{key}.")


STRINGS: dict[str, tuple[str, str]] = dict(_entries(tomllib.loads(CATALOG.read_text(encoding="utf-8"))))


def text(lang: str, key: str, **values: object) -> str:
    """The page string ``key`` in ``lang``, with ``{name}`` placeholders filled in."""
    zh, en = STRINGS[key]
    chosen = en if lang == "en" else zh
    return chosen.format(**values) if values else chosen


def vocabulary(lang: str, value: object) -> str:
    """The label of a vocabulary code (status, topic …) in ``lang``; other values as they are."""
    if isinstance(value, bool):
        return text(lang, "yes" if value else "no")
    zh, en = label(value)
    return en if lang == "en" else zh


def language(raw: str | None) -> str:
    """The ``?lang=`` of a page: zh when absent, else zh or en."""
    if raw is None or raw == "":
        return "zh"
    if raw not in LANGUAGES:
        raise InvalidQuery(f"lang must be zh or en (got {raw!r})", field="lang")
    return raw


@dataclass(frozen=True)
class Words:
    """What a template needs to speak one language: ``t('key')``, labels, and the lang attribute."""

    lang: str

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    @property
    def other(self) -> str:
        return "zh" if self.lang == "en" else "en"

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    def label(self, value: object) -> str:
        return vocabulary(self.lang, value)

    def pick(self, zh: str | None, en: str | None) -> str:
        """The text in the page's language, falling back to the other one."""
        return (en or zh or "") if self.lang == "en" else (zh or en or "")

    def pick_lang(self, zh: str | None, en: str | None) -> str:
        """The lang attribute of what :meth:`pick` returns."""
        return "en" if self.lang == "en" and en else "zh-Hans" if zh else "en"

