"""Check a sentence someone wrote against the report: every number with its unit (and year)
is matched to the facts, or told what the report says instead."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from api import models
from api.search import raw_tokens

_YEAR = re.compile(r"(?<!\d)(20\d\d)年")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
RELATED_THRESHOLD = 0.25


@dataclass
class Claim:
    number: str
    unit: str | None
    year: str | None
    verdict: str
    reason: str
    facts: list[models.Observation] = field(default_factory=list)


def _claims_in(text: str, units: Sequence[str]) -> list[tuple[str, str | None, int]]:
    """(number, unit written right after it, position) for each number that is not a year.

    A sentence that does not say 市级 (city level) speaks of the whole city (全市)."""
    by_length = sorted(units, key=len, reverse=True)
    claims = []
    for match in _NUMBER.finditer(text):
        after = text[match.end() :]
        if after.startswith("年") and len(match.group()) == 4:
            continue
        unit = next((candidate for candidate in by_length if after.startswith(candidate)), None)
        claims.append((match.group(), unit, match.start()))
    return claims


def _bigrams(text: str) -> set[str]:
    return {token for token in raw_tokens(text) if len(token) == 2 or token.isascii()}


def _relatedness(sentence: set[str], observation: models.Observation, indicator_name: str) -> float:
    fact = _bigrams(observation.quote) | _bigrams(indicator_name)
    return len(sentence & fact) / len(fact) if fact else 0.0


def _same_number(written: str, observation: models.Observation) -> bool:
    return observation.value_text == written


def check_sentence(text: str, observations: Sequence[models.Observation], indicator_names: dict[str, str], units: Sequence[str]) -> list[Claim]:
    sentence = _bigrams(_NUMBER.sub(" ", text))
    years = _YEAR.findall(text)
    year = years[0] if years else None
    claims = []
    for number, unit, _ in _claims_in(text, units):
        related = sorted(
            ((_relatedness(sentence, o, indicator_names[o.indicator_id]), o) for o in observations),
            key=lambda pair: (-pair[0], pair[1].id),
        )
        related = [(score, o) for score, o in related if score >= RELATED_THRESHOLD]
        scope = "city_level" if "市级" in text else "citywide"
        claims.append(_judge(number, unit, year, [o for _, o in related], scope))
    return claims


def _judge(number: str, unit: str | None, year: str | None, related: list[models.Observation], scope: str) -> Claim:
    exact = [o for o in related if _same_number(number, o) and (unit is None or o.unit == unit)]
    in_year = [o for o in exact if year is None or o.period_start <= int(year) <= o.period_end]
    if in_year:
        return Claim(number, unit, year, "supported", "the report states this number with this unit", in_year[:3])
    if exact:
        periods = ", ".join(sorted({o.period for o in exact}))
        return Claim(number, unit, year, "contradicted", f"the report gives {number}{unit or ''} for {periods}, not {year}", exact[:3])
    same_number = [o for o in related if _same_number(number, o)]
    if same_number:
        written = ", ".join(sorted({f'{o.value_text}{o.unit or ""}' for o in same_number}))
        return Claim(number, unit, year, "contradicted", f"the unit does not match: the report writes {written}", same_number[:3])
    if related:
        best = min(
            related,
            key=lambda o: (
                o.unit != unit,
                year is not None and not o.period_start <= int(year) <= o.period_end,
                o.scope not in (scope, None),
                abs((o.value or 0) - float(number)),
            ),
        )
        return Claim(
            number, unit, year, "contradicted",
            f"the report does not state {number}{unit or ''} here; the closest fact says {best.value_text}{best.unit or ''} ({best.period})",
            [best, *[o for o in related if o is not best]][:3],
        )
    return Claim(number, unit, year, "not_found", "no fact of the report speaks of this", [])


def overall_verdict(claims: Sequence[Claim]) -> str:
    if not claims:
        return "no_numbers"
    if all(claim.verdict == "supported" for claim in claims):
        return "supported"
    if any(claim.verdict == "contradicted" for claim in claims):
        return "contradicted"
    return "not_found"
