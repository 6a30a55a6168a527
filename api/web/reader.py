"""The report reader: the whole text by section, each extracted fact marked and linked to
its record, and optionally one passage (``?start=&end=``) highlighted.

The text is cut at every fact's start and end, every section's start and end, every line
break and the passage's ends; each piece knows which facts cover it. A piece covered by
several facts links to the most specific one (the shortest quote); every fact of a section
is listed under it as well, so none is out of reach.
"""

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from sqlmodel import Session

from api import models, queries
from api.web.links import record_path
from api.web.rows import every_row

NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|[((][一二三四五六七八九十]+[))]|——)")  # 一、 (一) ——
KIND_ORDER = ("observations", "livelihood_items", "projects", "five_year_goals")


@dataclass(frozen=True)
class RecordLink:
    """A record's page, and its name in both languages."""

    dataset: str
    key: str
    title_zh: str
    title_en: str

    @property
    def path(self) -> str:
        return record_path(self.dataset, self.key)


@dataclass(frozen=True)
class Fact(RecordLink):
    start: int
    end: int
    section_id: str | None
    anchor: str = ""  # a fragment of the record page (a project's other mentions)

    def specificity(self) -> tuple[int, int, str]:
        return (self.end - self.start, KIND_ORDER.index(self.dataset), self.key)


@dataclass(frozen=True)
class Run:
    text: str
    fact: Fact | None
    selected: bool
    first_selected: bool


@dataclass
class Paragraph:
    runs: list[Run] = field(default_factory=list)


@dataclass
class SectionNode:
    """A section: its heading (the report's own words where the text opens with them), then its
    paragraphs and subsections in text order, and the facts it holds."""

    section: models.Section
    heading: list[Run] = field(default_factory=list)
    blocks: list["Paragraph | SectionNode"] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    @property
    def heading_level(self) -> int:
        return min(self.section.depth + 1, 6)


@dataclass
class Reading:
    report: models.Report
    preamble: list[Paragraph]
    sections: list[SectionNode]
    passage: queries.Passage | None
    passage_facts: list[Fact]


def _observation_fact(row: models.Observation, names: dict[str, models.Indicator]) -> Fact:
    indicator = names.get(row.indicator_id)
    value = f"{row.value_text}{row.unit or ''}"
    return Fact(
        "observations", row.id,
        f"{indicator.name_zh if indicator else row.indicator_id} {row.period}:{value}",
        f"{indicator.name_en if indicator else row.indicator_id}, {row.period}: {value}",
        row.char_start, row.char_end, row.section_id,
    )


def collect_facts(session: Session, *, key: str) -> list[Fact]:
    """Every record that quotes report ``key``, with its span (a fixed number of statements)."""
    of_report = (queries.Condition("report_id", "exact", key),)
    observations = every_row(session, queries.OBSERVATIONS, of_report)
    names = {row.id: row for row in every_row(session, queries.INDICATORS)}
    projects = every_row(session, queries.PROJECTS, of_report)
    mentions = queries.mentions_for_projects(session, project_ids=[row.id for row in projects])
    facts = [_observation_fact(row, names) for row in observations]
    for p in projects:
        facts.append(Fact("projects", p.id, p.name_zh, p.name_en, p.char_start, p.char_end, p.section_id))
        for m in mentions[p.id]:
            facts.append(Fact("projects", p.id, p.name_zh, p.name_en, m.char_start, m.char_end, m.section_id, f"mention-{m.id}"))
    facts += [
        Fact("livelihood_items", row.id, row.description_zh, row.description_en, row.char_start, row.char_end, row.section_id)
        for row in every_row(session, queries.LIVELIHOOD_ITEMS, of_report)
    ]
    facts += [
        Fact("five_year_goals", row.id, row.description_zh, row.description_en, row.char_start, row.char_end, row.section_id)
        for row in every_row(session, queries.FIVE_YEAR_GOALS, of_report)
    ]
    return sorted(facts, key=lambda fact: (fact.start, fact.specificity()))


class Cutter:
    """The text cut into runs, each with the facts covering it."""

    def __init__(self, text: str, facts: list[Fact], cuts: Iterable[int], passage: tuple[int, int] | None) -> None:
        self.text = text
        self.passage = passage
        points = {0, len(text), *cuts}
        for fact in facts:
            points.update((fact.start, fact.end))
        if passage:
            points.update(passage)
        points.update(index for index, char in enumerate(text) if char == "\n")
        points.update(index + 1 for index, char in enumerate(text) if char == "\n")
        self.points = sorted(point for point in points if 0 <= point <= len(text))
        self.covering = self._sweep(facts)

    def _sweep(self, facts: list[Fact]) -> dict[int, Fact]:
        """For each run start, the most specific fact covering the run (starts and ends as events)."""
        starting: dict[int, list[Fact]] = defaultdict(list)
        ending: dict[int, list[Fact]] = defaultdict(list)
        for fact in facts:
            if fact.end > fact.start:
                starting[fact.start].append(fact)
                ending[fact.end].append(fact)
        active: set[Fact] = set()
        covering: dict[int, Fact] = {}
        for point in self.points:
            active.difference_update(ending.get(point, ()))
            active.update(starting.get(point, ()))
            if active:
                covering[point] = min(active, key=Fact.specificity)
        return covering

    def _covering_at(self, position: int) -> Fact | None:
        """The fact covering the run that starts at ``position`` (a cut point, or inside a run)."""
        return self.covering.get(self.points[bisect_right(self.points, position) - 1])

    def paragraphs(self, start: int, end: int) -> list[Paragraph]:
        """The runs of ``[start, end)``, a new paragraph at every line break; blank lines dropped."""
        paragraphs = [Paragraph()]
        low, high = bisect_right(self.points, start), bisect_left(self.points, end)
        for left, right in pairwise([start, *self.points[low:high], end]):
            piece = self.text[left:right]
            if piece == "\n":
                paragraphs.append(Paragraph())
                continue
            selected = self.passage is not None and self.passage[0] <= left and right <= self.passage[1]
            first = selected and self.passage is not None and left == self.passage[0]
            paragraphs[-1].runs.append(Run(piece, self._covering_at(left), selected, first))
        return [paragraph for paragraph in paragraphs if "".join(run.text for run in paragraph.runs).strip()]


def _heading_end(text: str, section: models.Section) -> int | None:
    """Where the heading ends, when the section's text opens with it (一、… / (一)…。 / 疫情防控取得重大成果。):
    the end of its line or of its first sentence, whichever comes first."""
    line_end = text.find("\n", section.char_start, section.char_end)
    line_end = section.char_end if line_end == -1 else line_end
    sentence_end = text.find("。", section.char_start, line_end)
    end = line_end if sentence_end == -1 else sentence_end + 1
    opening = NUMBERING.sub("", text[section.char_start : end].strip(), count=1)
    return end if opening.rstrip("。") == section.heading_zh else None


def _tree(sections: list[models.Section], cutter: Cutter, facts_by_section: dict[str | None, list[Fact]]) -> list[SectionNode]:
    children: dict[str | None, list[models.Section]] = defaultdict(list)
    for section in sorted(sections, key=lambda s: s.position):
        children[section.parent_id].append(section)

    def build(section: models.Section) -> SectionNode:
        node = SectionNode(section, facts=facts_by_section.get(section.id, []))
        cursor = section.char_start
        heading_end = _heading_end(cutter.text, section)
        if heading_end is not None:
            node.heading = [run for paragraph in cutter.paragraphs(cursor, heading_end) for run in paragraph.runs]
            cursor = heading_end
        for child in children[section.id]:
            node.blocks += cutter.paragraphs(cursor, child.char_start)
            node.blocks.append(build(child))
            cursor = child.char_end
        node.blocks += cutter.paragraphs(cursor, section.char_end)
        return node

    return [build(section) for section in children[None]]


def read_report(session: Session, *, key: str, start: int | None, end: int | None) -> Reading:
    """The whole report ``key``, facts marked; with ``start``/``end``, that passage too."""
    report = queries.get_report(session, key=key)
    passage = None
    if start is not None or end is not None:
        passage = queries.report_text_passage(session, key=key, start=start or 0, end=report.char_count if end is None else end)
    sections = every_row(session, queries.SECTIONS, (queries.Condition("report_id", "exact", key),))
    facts = collect_facts(session, key=key)
    by_section: dict[str | None, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_section[fact.section_id].append(fact)
    cuts = [point for section in sections for point in (section.char_start, section.char_end)]
    cutter = Cutter(report.text, facts, cuts, (passage.start, passage.end) if passage else None)
    first = min((section.char_start for section in sections), default=report.char_count)
    passage_facts = [fact for fact in facts if passage and fact.start < passage.end and fact.end > passage.start]
    return Reading(report, cutter.paragraphs(0, first), _tree(sections, cutter, by_section), passage, passage_facts)
