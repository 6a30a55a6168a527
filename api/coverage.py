"""Which numbers of the report are facts in the data, which are excluded, which are missing.

A number of the text is *covered* when a record's quote holds it and the record's value
is that very number; *excluded* when an exclusion (with its reason) names it. Anything
else is *uncovered*: a fact the dataset still lacks, or an exclusion still to write.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from api.ingest.numbers import NumberToken, number_tokens

CONTEXT_CHARS = 12


@dataclass(frozen=True)
class NumberStatus:
    text: str
    char_start: int
    char_end: int
    state: str
    context: str
    covered_by: tuple[str, ...] = ()
    reason: str | None = None


@dataclass
class CoverageReport:
    numbers: list[NumberStatus] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for number in self.numbers if number.state == state)

    @property
    def total(self) -> int:
        return len(self.numbers)

    @property
    def uncovered(self) -> list[NumberStatus]:
        return [number for number in self.numbers if number.state == "uncovered"]

    @property
    def percent_accounted(self) -> float:
        if not self.numbers:
            return 100.0
        return round(100 * (self.total - len(self.uncovered)) / self.total, 2)

    def summary(self) -> dict[str, Any]:
        return {
            "numbers": self.total,
            "covered": self.count("covered"),
            "excluded": self.count("excluded"),
            "uncovered": self.count("uncovered"),
            "percent_accounted": self.percent_accounted,
        }


def _value_spans(text: str, valued_rows: Iterable[Mapping[str, Any]]) -> dict[tuple[int, int], list[str]]:
    spans: dict[tuple[int, int], list[str]] = {}
    for row in valued_rows:
        value_text = row.get("value_text")
        if not value_text:
            continue
        quote_start, quote_end = row["char_start"], row["char_end"]
        for token in number_tokens(text[quote_start:quote_end], quote_start):
            if token.text == value_text:
                spans.setdefault((token.start, token.end), []).append(str(row["id"]))
    return spans


def _exclusion_reason(text: str, token: NumberToken, exclusions: list[Mapping[str, Any]]) -> str | None:
    for exclusion in exclusions:
        pattern = exclusion.get("pattern")
        if pattern is not None:
            for match in re.finditer(pattern, text):
                if match.start() <= token.start and token.end <= match.end():
                    return str(exclusion["reason"])
            continue
        if exclusion["text"] != token.text:
            continue
        context = exclusion.get("context")
        if context is None or _inside_context(text, token, context):
            return str(exclusion["reason"])
    return None


def _pinned_exclusion(text: str, token: NumberToken, exclusions: list[Mapping[str, Any]]) -> str | None:
    """An exclusion that names this very place (text + context) wins over a record's value:
    a quote may hold the same digits twice ("2A以上国企2家"), only one of them a quantity."""
    pinned = [exclusion for exclusion in exclusions if exclusion.get("context") and exclusion.get("text")]
    return _exclusion_reason(text, token, pinned)


def _inside_context(text: str, token: NumberToken, context: str) -> bool:
    start = text.find(context)
    while start != -1:
        if start <= token.start and token.end <= start + len(context):
            return True
        start = text.find(context, start + 1)
    return False


def coverage_report(text: str, valued_rows: Iterable[Mapping[str, Any]], exclusions: Iterable[Mapping[str, Any]]) -> CoverageReport:
    """Classify every number token of ``text``."""
    spans = _value_spans(text, valued_rows)
    exclusion_list = list(exclusions)
    report = CoverageReport()
    for token in number_tokens(text):
        context = text[max(0, token.start - CONTEXT_CHARS) : token.end + CONTEXT_CHARS].replace("\n", " ")
        pinned = _pinned_exclusion(text, token, exclusion_list)
        if pinned is not None:
            report.numbers.append(NumberStatus(token.text, token.start, token.end, "excluded", context, reason=pinned))
            continue
        covered_by = spans.get((token.start, token.end))
        if covered_by:
            report.numbers.append(NumberStatus(token.text, token.start, token.end, "covered", context, tuple(covered_by)))
            continue
        reason = _exclusion_reason(text, token, exclusion_list)
        state = "excluded" if reason else "uncovered"
        report.numbers.append(NumberStatus(token.text, token.start, token.end, state, context, reason=reason))
    return report
