"""The charts: which pairs and counts the data holds, and the SVG geometry that draws them.

Nothing here is typed in: a pair is drawn only when both its numbers are observations in
the data with the same unit, and every length is computed from those numbers.
"""

import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from api import models, queries
from api.queries import Condition
from api.web.i18n import Words
from api.web.reader import RecordLink
from api.web.rows import every_row

WIDTH = 480
PERIOD_WIDTH = 48  # the period label left of each bar
VALUE_WIDTH = 136  # room for the value label right of the longest bar
BAR_HEIGHT = 18
LINE_HEIGHT = 22
GAP = 14
WRAP = {"zh": 28, "en": 56}  # characters of a caption line at the stylesheet's 16 px
SCOPE_KEY = ("indicator_id", "measure", "scope", "unit")


@dataclass(frozen=True)
class Pair(RecordLink):
    """Two values of one record, start and end, in the same unit."""

    start: models.Observation
    end: models.Observation


@dataclass(frozen=True)
class ChapterCount:
    chapter: models.Section
    section_ids: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    label: str
    label_x: float


@dataclass(frozen=True)
class Caption:
    x: float
    y: float
    text: str
    lang: str
    kind: str = "name"


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    bars: tuple[Bar, ...]
    captions: tuple[Caption, ...]


# what the data holds ----------------------------------------------------------


def _pair_key(observation: models.Observation) -> tuple[object, ...]:
    return tuple(getattr(observation, name) for name in SCOPE_KEY)


ObservationPair = tuple[models.Observation, models.Observation]


def pair_observations(starts: Sequence[models.Observation], ends: Sequence[models.Observation]) -> list[ObservationPair]:
    """Start and end values of the same indicator, measure, scope and unit — each side unique,
    so that no pair is a guess between two candidates. In the order of the end values."""
    by_key: dict[tuple[object, ...], list[models.Observation]] = defaultdict(list)
    for observation in starts:
        if observation.unit is not None and observation.value is not None:
            by_key[_pair_key(observation)].append(observation)
    ends_by_key: dict[tuple[object, ...], list[models.Observation]] = defaultdict(list)
    for observation in ends:
        ends_by_key[_pair_key(observation)].append(observation)
    return [
        (by_key[key][0], candidates[0])
        for key, candidates in ends_by_key.items()
        if len(candidates) == 1 and len(by_key.get(key, [])) == 1 and candidates[0].value is not None
    ]


def thirteenth_plan_changes(session: Session) -> list[Pair]:
    """Indicators with a 2015 and a 2020 actual value in the same unit: the five years of the 13th plan."""
    rows = every_row(session, queries.OBSERVATIONS, (Condition("status", "exact", "actual"), Condition("period", "in", "2015,2020")))
    pairs = pair_observations([o for o in rows if o.period == "2015"], [o for o in rows if o.period == "2020"])
    names = queries.rows_by_ids(session, models.Indicator, [end.indicator_id for _, end in pairs])
    return [
        Pair("indicators", end.indicator_id, names[end.indicator_id].name_zh, names[end.indicator_id].name_en, start, end)
        for start, end in pairs
    ]


def fourteenth_plan_targets(session: Session) -> list[Pair]:
    """Five-year goals whose 2025 target and 2020 baseline are both observations in the same unit."""
    goals = every_row(session, queries.FIVE_YEAR_GOALS, (Condition("plan", "exact", "fyp14"),))
    linked = [goal for goal in goals if goal.target_observation_id and goal.baseline_observation_id]
    observations = queries.rows_by_ids(
        session, models.Observation, [key for goal in linked for key in (goal.target_observation_id, goal.baseline_observation_id) if key]
    )
    names = queries.rows_by_ids(session, models.Indicator, [o.indicator_id for o in observations.values()])
    pairs = []
    for goal in linked:
        baseline, target = observations[goal.baseline_observation_id or ""], observations[goal.target_observation_id or ""]
        if baseline.unit is not None and baseline.unit == target.unit and baseline.value is not None and target.value is not None:
            indicator = names[target.indicator_id]
            pairs.append(Pair("five_year_goals", goal.id, indicator.name_zh, indicator.name_en, baseline, target))
    return pairs


TARGETS_2021 = (Condition("status", "exact", "target"), Condition("period", "exact", "2021"))


def targets_2021_by_chapter(session: Session) -> list[ChapterCount]:
    """The 2021 targets counted by the chapter (or, outside any chapter, the part) they stand in."""
    counts = queries.facet_counts(session, queries.OBSERVATIONS, TARGETS_2021, "section_id")
    sections = {section.id: section for section in every_row(session, queries.SECTIONS)}
    grouped: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for facet in counts:
        if facet.value is not None:
            grouped[_chapter_of(sections, facet.value).id].append((facet.value, facet.count))
    chapters = sorted(grouped, key=lambda key: sections[key].position)
    return [
        ChapterCount(sections[key], tuple(sorted(section for section, _ in grouped[key])), sum(count for _, count in grouped[key]))
        for key in chapters
    ]


def _chapter_of(sections: dict[str, models.Section], key: str) -> models.Section:
    section = sections[key]
    while section.level not in ("chapter", "part") and section.parent_id is not None:
        section = sections[section.parent_id]
    return section


# geometry ---------------------------------------------------------------------


def value_label(observation: models.Observation, words: Words) -> str:
    text = f"{observation.value_text} {observation.unit or ''}".strip()
    return f"{text} ({words.label(observation.qualifier)})" if observation.qualifier else text


def _wrap(text: str, lang: str) -> list[str]:
    """Lines that fit the chart's width."""
    if lang == "en":
        return textwrap.wrap(text, WRAP["en"]) or [""]
    return [text[index : index + WRAP["zh"]] for index in range(0, len(text), WRAP["zh"])] or [""]


def _bar_length(value: float, largest: float) -> float:
    usable = WIDTH - PERIOD_WIDTH - VALUE_WIDTH
    return round(usable * value / largest, 2) if largest > 0 else 0.0


def draw_pairs(pairs: Sequence[Pair], words: Words) -> Drawing:
    """Each pair: its name, then a start bar and an end bar, scaled to the pair's larger value
    (units differ from pair to pair, so pairs are not compared with each other)."""
    bars: list[Bar] = []
    captions: list[Caption] = []
    y = 0.0
    for pair in pairs:
        name, lang = words.pick(pair.title_zh, pair.title_en), words.pick_lang(pair.title_zh, pair.title_en)
        for line in _wrap(name, lang):
            y += LINE_HEIGHT
            captions.append(Caption(0, y - 4, line, lang))
        largest = max(abs(pair.start.value or 0), abs(pair.end.value or 0))
        for kind, observation in (("start", pair.start), ("end", pair.end)):
            length = _bar_length(abs(observation.value or 0), largest)
            captions.append(Caption(0, y + BAR_HEIGHT - 2, observation.period, "", "period"))
            bars.append(Bar(PERIOD_WIDTH, y + 2, length, BAR_HEIGHT, kind, value_label(observation, words), PERIOD_WIDTH + length + 6))
            y += BAR_HEIGHT + 4
        y += GAP
    return Drawing(WIDTH, max(y, 1.0), tuple(bars), tuple(captions))


def draw_counts(counts: Sequence[ChapterCount], words: Words) -> Drawing:
    """One bar per chapter, all on one scale (they count the same thing)."""
    largest = max((count.count for count in counts), default=0)
    bars: list[Bar] = []
    captions: list[Caption] = []
    y = 0.0
    for count in counts:
        chapter = count.chapter
        heading = words.pick(chapter.heading_zh, chapter.heading_en)
        lang = words.pick_lang(chapter.heading_zh, chapter.heading_en)
        for line in _wrap(f"{chapter.number or ''} {heading}".strip(), lang):
            y += LINE_HEIGHT
            captions.append(Caption(0, y - 4, line, lang))
        length = _bar_length(count.count, largest)
        bars.append(Bar(PERIOD_WIDTH, y + 2, length, BAR_HEIGHT, "count", str(count.count), PERIOD_WIDTH + length + 6))
        y += BAR_HEIGHT + 4 + GAP
    return Drawing(WIDTH, max(y, 1.0), tuple(bars), tuple(captions))
