"""Read every seed file, validate the bundle as a whole, and derive what is derivable.

The result is a ``Bundle``: rows per table, ready for ``api.ingest.load``. Nothing
is written anywhere. Every problem is collected (not just the first) and reported
as ``file:line: message``.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.ingest.search_documents import search_document_rows
from api.ingest.numbers import arabic_tokens, canonical_decimal, parse_chinese_numeral
from api.ingest.records import (
    Cited,
    ExclusionRecord,
    FactFile,
    FiveYearGoalRecord,
    IndicatorRecord,
    LivelihoodItemRecord,
    ObservationRecord,
    ProjectMentionRecord,
    ProjectRecord,
    ReportRecord,
    SectionRecord,
    UnitRecord,
    Valued,
)
from api.ingest.yaml_lines import YamlSyntaxError, load_yaml, pop_line
from api.vocab import Measure

Row = dict[str, Any]
UNITLESS_MEASURES = frozenset({Measure.ranking, Measure.ratio, Measure.count})
"""Measures the report may state without a unit word: 第四, 收入比1.64, 六大标志性工程."""
RecordT = TypeVar("RecordT", bound=BaseModel)

TABLE_ORDER = (
    "reports",
    "sections",
    "indicators",
    "observations",
    "projects",
    "project_mentions",
    "livelihood_items",
    "five_year_goals",
    "coverage_exclusions",
    "search_documents",
)


@dataclass(frozen=True)
class SeedError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class SeedValidationError(Exception):
    """The seed bundle is invalid; ``errors`` lists every problem with file:line."""

    def __init__(self, errors: list[SeedError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class Bundle:
    report_id: str
    text: str
    tables: dict[str, list[Row]] = field(default_factory=dict)

    def valued_rows(self) -> list[Row]:
        """Rows whose value a number of the text must be (for coverage)."""
        return self.tables.get("observations", []) + self.tables.get("livelihood_items", [])

    def counts(self) -> dict[str, int]:
        return {table: len(self.tables.get(table, [])) for table in TABLE_ORDER}


@dataclass(frozen=True)
class Located:
    """A record with the file and line it came from."""

    record: Any
    path: str
    line: int


@dataclass
class _Reader:
    seed_dir: Path
    errors: list[SeedError] = field(default_factory=list)

    def fail(self, path: str, line: int, message: str) -> None:
        self.errors.append(SeedError(path, line, message))

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.seed_dir.parent))
        except ValueError:
            return str(path)

    def parse(self, path: Path) -> Any:
        try:
            return load_yaml(path)
        except YamlSyntaxError as error:
            self.fail(self.relative(path), error.line, str(error))
        except OSError as error:
            self.fail(self.relative(path), 0, f"cannot read: {error.strerror}")
        return None

    def validate(self, model: type[RecordT], data: Any, path: str) -> Located | None:
        if not isinstance(data, dict):
            self.fail(path, 0, f"expected a mapping for {model.__name__}, got {type(data).__name__}")
            return None
        line = pop_line(data)
        nested_lines = _pop_nested_lines(data)
        try:
            return Located(model.model_validate(data), path, line)
        except ValidationError as error:
            for problem in error.errors():
                where = ".".join(str(part) for part in problem["loc"])
                sub_line = nested_lines.get(tuple(problem["loc"][:2]), line)
                self.fail(path, sub_line, f"{where}: {problem['msg']}")
            return None

    def validate_list(self, model: type[RecordT], items: Any, path: str) -> list[Located]:
        if items is None:
            return []
        if not isinstance(items, list):
            self.fail(path, 0, f"expected a list of {model.__name__}")
            return []
        return [located for item in items if (located := self.validate(model, item, path)) is not None]


def _pop_nested_lines(data: dict[str, Any]) -> dict[tuple[Any, ...], int]:
    lines: dict[tuple[Any, ...], int] = {}
    for key, value in data.items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    lines[(key, index)] = pop_line(item)
    return lines


class _Text:
    """The canonical text with quote lookup."""

    def __init__(self, text: str) -> None:
        self.text = text

    def occurrences(self, quote: str) -> list[int]:
        found, start = [], self.text.find(quote)
        while start != -1:
            found.append(start)
            start = self.text.find(quote, start + 1)
        return found

    def locate(self, quote: str, *, occurrence: int | None, char_start: int | None) -> tuple[int, int] | str:
        """(start, end) of the quote, or the reason it cannot be placed."""
        places = self.occurrences(quote)
        if not places:
            return f"quote not found verbatim in the text: {quote!r}"
        if char_start is not None:
            if char_start not in places:
                return f"quote is not at char_start {char_start} (it occurs at {places})"
            start = char_start
        elif occurrence is not None:
            if occurrence > len(places):
                return f"occurrence {occurrence} asked, but the quote occurs {len(places)} time(s)"
            start = places[occurrence - 1]
        elif len(places) > 1:
            return f"quote occurs {len(places)} times (at {places}); add occurrence: or char_start:"
        else:
            start = places[0]
        return start, start + len(quote)


def read_bundle(seed_dir: Path) -> Bundle:
    """Validate ``seed_dir`` as a whole; raise ``SeedValidationError`` listing every problem."""
    reader = _Reader(seed_dir)
    report_path = seed_dir / "report.yaml"
    report_located = reader.validate(ReportRecord, reader.parse(report_path), reader.relative(report_path))
    if report_located is None:
        raise SeedValidationError(reader.errors or [SeedError("seed/report.yaml", 0, "no report")])
    report: ReportRecord = report_located.record
    text_path = seed_dir / report.text_file
    try:
        raw = text_path.read_bytes()
    except OSError as error:
        raise SeedValidationError([SeedError(reader.relative(text_path), 0, f"cannot read: {error.strerror}")]) from error
    digest = hashlib.sha256(raw).hexdigest()
    if digest != report.text_sha256:
        reader.fail(report_located.path, report_located.line, f"text_sha256 {report.text_sha256} != sha256 of {report.text_file} ({digest})")
    text = _Text(raw.decode("utf-8"))

    builder = _BundleBuilder(reader, report, text)
    builder.read_units(seed_dir / "units.yaml")
    builder.read_sections(seed_dir / "sections.yaml")
    for path in sorted((seed_dir / "facts").glob("*.yaml")):
        builder.read_fact_file(path)
    for path in sorted((seed_dir / "exclusions").glob("*.yaml")):
        builder.read_exclusions(path)
    builder.resolve()
    if reader.errors:
        raise SeedValidationError(reader.errors)
    return builder.bundle()


class _BundleBuilder:
    def __init__(self, reader: _Reader, report: ReportRecord, text: _Text) -> None:
        self.reader = reader
        self.report = report
        self.text = text
        self.units: dict[str, UnitRecord] = {}
        self.sections: list[Located] = []
        self.indicators: list[Located] = []
        self.observations: list[Located] = []
        self.projects: list[Located] = []
        self.livelihood_items: list[Located] = []
        self.goals: list[Located] = []
        self.exclusions: list[Located] = []
        self.rows: dict[str, list[Row]] = {table: [] for table in TABLE_ORDER}
        self.section_spans: list[Row] = []

    # reading -----------------------------------------------------------------

    def read_units(self, path: Path) -> None:
        for located in self.reader.validate_list(UnitRecord, self.reader.parse(path), self.reader.relative(path)):
            unit: UnitRecord = located.record
            if unit.unit in self.units:
                self.reader.fail(located.path, located.line, f"duplicate unit {unit.unit!r}")
            self.units[unit.unit] = unit

    def read_sections(self, path: Path) -> None:
        self.sections = self.reader.validate_list(SectionRecord, self.reader.parse(path), self.reader.relative(path))

    def read_fact_file(self, path: Path) -> None:
        data = self.reader.parse(path)
        relative = self.reader.relative(path)
        if data is None:
            return
        if not isinstance(data, dict):
            self.reader.fail(relative, 0, "a fact file is a mapping of lists (indicators:, observations:, …)")
            return
        pop_line(data)
        unknown = set(data) - set(FactFile.model_fields)
        for key in sorted(unknown):
            self.reader.fail(relative, 0, f"unknown list {key!r}; expected one of {sorted(FactFile.model_fields)}")
        self.indicators += self.reader.validate_list(IndicatorRecord, data.get("indicators"), relative)
        self.observations += self.reader.validate_list(ObservationRecord, data.get("observations"), relative)
        self.projects += self.reader.validate_list(ProjectRecord, data.get("projects"), relative)
        self.livelihood_items += self.reader.validate_list(LivelihoodItemRecord, data.get("livelihood_items"), relative)
        self.goals += self.reader.validate_list(FiveYearGoalRecord, data.get("five_year_goals"), relative)

    def read_exclusions(self, path: Path) -> None:
        self.exclusions += self.reader.validate_list(ExclusionRecord, self.reader.parse(path), self.reader.relative(path))

    # resolving ---------------------------------------------------------------

    def resolve(self) -> None:
        self.rows["reports"].append(self._report_row())
        self._resolve_sections()
        self._resolve_indicators()
        observation_rows = self._resolve_observations()
        self._resolve_projects()
        self._resolve_livelihood_items()
        self._resolve_goals(observation_rows)
        self._resolve_exclusions()

    def bundle(self) -> Bundle:
        self.rows["search_documents"] = search_document_rows(self.report.id, self.text.text, self.rows)
        return Bundle(report_id=self.report.id, text=self.text.text, tables=self.rows)

    def _report_row(self) -> Row:
        row = self.report.model_dump(exclude={"text_file"})
        row["text"] = self.text.text
        row["char_count"] = len(self.text.text)
        return row

    def _unique_ids(self, located: Iterable[Located], ids: Iterable[str], kind: str) -> set[str]:
        seen: dict[str, Located] = {}
        for item, key in zip(located, ids, strict=True):
            if key in seen:
                first = seen[key]
                self.reader.fail(item.path, item.line, f"duplicate {kind} id {key!r} (first at {first.path}:{first.line})")
            else:
                seen[key] = item
        return set(seen)

    def _resolve_sections(self) -> None:
        records = [(located, located.record) for located in self.sections]
        known = self._unique_ids(self.sections, [record.id for _, record in records], "section")
        starts: dict[str, int] = {}
        for located, record in records:
            if record.parent is not None and record.parent not in known:
                self.reader.fail(located.path, located.line, f"parent section {record.parent!r} does not exist")
            place = self.text.locate(record.anchor or record.heading_zh, occurrence=record.occurrence, char_start=None)
            if isinstance(place, str):
                self.reader.fail(located.path, located.line, f"section anchor: {place}")
                continue
            starts[record.id] = place[0]
        by_id = {record.id: record for _, record in records}
        ordered = sorted((record for _, record in records if record.id in starts), key=lambda record: starts[record.id])
        for position, record in enumerate(ordered):
            ancestors = _ancestors(record.id, by_id)
            end = len(self.text.text)
            for later in ordered[position + 1 :]:
                if record.id not in _ancestors(later.id, by_id):
                    end = starts[later.id]
                    break
            path_ids = [*reversed(ancestors), record.id]
            self.rows["sections"].append(
                {
                    "id": record.id,
                    "report_id": self.report.id,
                    "parent_id": record.parent,
                    "level": record.level.value,
                    "number": record.number,
                    "heading_zh": record.heading_zh,
                    "heading_en": record.heading_en,
                    "path": "/".join(path_ids),
                    "depth": len(path_ids),
                    "position": position,
                    "char_start": starts[record.id],
                    "char_end": end,
                }
            )
        self.section_spans = sorted(self.rows["sections"], key=lambda row: (row["char_start"], -row["depth"]))

    def _section_for(self, start: int, end: int) -> str | None:
        """The deepest section whose span holds [start, end)."""
        best: Row | None = None
        for row in self.section_spans:
            if row["char_start"] <= start and end <= row["char_end"]:
                if best is None or row["depth"] > best["depth"]:
                    best = row
        return None if best is None else str(best["id"])

    def _resolve_indicators(self) -> None:
        self._unique_ids(self.indicators, [located.record.id for located in self.indicators], "indicator")
        for located in self.indicators:
            record: IndicatorRecord = located.record
            self.rows["indicators"].append({**record.model_dump(), "topic": record.topic.value})

    def _provenance(self, located: Located, cited: Cited) -> Row | None:
        place = self.text.locate(cited.quote, occurrence=cited.occurrence, char_start=cited.char_start)
        if isinstance(place, str):
            self.reader.fail(located.path, located.line, place)
            return None
        start, end = place
        section_id = self._section_for(start, end)
        path_zh, path_en = self._heading_paths(section_id)
        return {
            "quote": cited.quote,
            "char_start": start,
            "char_end": end,
            "section_id": section_id,
            "note": cited.note,
            "section_path_zh": path_zh,
            "section_path_en": path_en,
            **citations(self.report, path_zh, path_en),
        }

    def _heading_paths(self, section_id: str | None) -> tuple[str | None, str | None]:
        """'一、… > (一)…' in Chinese and English, from the part down to the section."""
        if section_id is None:
            return None, None
        by_id = {row["id"]: row for row in self.rows["sections"]}
        chain = [by_id[key] for key in by_id[section_id]["path"].split("/")]
        zh = " > ".join(_numbered(row["number"], row["heading_zh"]) for row in chain)
        en = " > ".join(row["heading_en"] for row in chain)
        return zh, en

    def _value_columns(self, located: Located, valued: Valued, quote: str, *, unit_optional: bool) -> Row | None:
        if valued.value is None:
            if valued.unit is not None or valued.value_text is not None or valued.qualifier is not None:
                self.reader.fail(located.path, located.line, "unit, value_text or qualifier given without a value")
                return None
            return {key: None for key in ("value", "value_text", "unit", "unit_code", "base_unit", "base_value", "qualifier")}
        problem = _value_problem(valued.value, valued.value_text, quote)
        if problem:
            self.reader.fail(located.path, located.line, problem)
            return None
        unit = self.units.get(valued.unit) if valued.unit is not None else None
        if valued.unit is not None and unit is None:
            self.reader.fail(located.path, located.line, f"unknown unit {valued.unit!r}; add it to seed/units.yaml")
            return None
        if unit is None and not unit_optional:
            self.reader.fail(located.path, located.line, "a value needs a unit")
            return None
        return {
            "value": float(valued.value),
            "value_text": valued.value_text or canonical_decimal(valued.value),
            "unit": valued.unit,
            "unit_code": unit.code if unit else None,
            "base_unit": unit.base_unit if unit else None,
            "base_value": float(valued.value * unit.multiplier) if unit else None,
            "qualifier": valued.qualifier.value if valued.qualifier else None,
        }

    def _resolve_observations(self) -> dict[str, Row]:
        indicator_ids = {located.record.id for located in self.indicators}
        ids = [located.record.id or _observation_id(located.record) for located in self.observations]
        self._unique_ids(self.observations, ids, "observation")
        rows: dict[str, Row] = {}
        for located, key in zip(self.observations, ids, strict=True):
            record: ObservationRecord = located.record
            if record.indicator not in indicator_ids:
                self.reader.fail(located.path, located.line, f"indicator {record.indicator!r} does not exist")
                continue
            if record.value is None:
                self.reader.fail(located.path, located.line, "an observation needs a value")
                continue
            provenance = self._provenance(located, record)
            values = self._value_columns(located, record, record.quote, unit_optional=record.measure in UNITLESS_MEASURES)
            if provenance is None or values is None:
                continue
            start, _, end = record.period.partition("/")
            row = {
                "id": key,
                "report_id": self.report.id,
                "indicator_id": record.indicator,
                "period": record.period,
                "period_start": int(start),
                "period_end": int(end or start),
                "status": record.status.value,
                "measure": record.measure.value,
                "scope": record.scope.value if record.scope else None,
                "direction": record.direction.value if record.direction else None,
                **values,
                **provenance,
            }
            if row["period_start"] > row["period_end"]:
                self.reader.fail(located.path, located.line, f"period {record.period} ends before it starts")
                continue
            rows[key] = row
            self.rows["observations"].append(row)
        return rows

    def _resolve_projects(self) -> None:
        self._unique_ids(self.projects, [located.record.id for located in self.projects], "project")
        for located in self.projects:
            record: ProjectRecord = located.record
            provenance = self._provenance(located, record)
            if provenance is None:
                continue
            self.rows["projects"].append(
                {
                    "id": record.id,
                    "report_id": self.report.id,
                    "name_zh": record.name_zh,
                    "name_en": record.name_en,
                    "category": record.category.value,
                    "status": record.status.value,
                    "year": record.year,
                    "flagship": record.flagship,
                    **provenance,
                }
            )
            for index, mention in enumerate(record.mentions, start=1):
                self._resolve_mention(located, record.id, index, mention)

    def _resolve_mention(self, located: Located, project_id: str, index: int, mention: ProjectMentionRecord) -> None:
        provenance = self._provenance(located, mention)
        if provenance is not None:
            self.rows["project_mentions"].append(
                {
                    "id": f"{project_id}.{index}",
                    "project_id": project_id,
                    "status": mention.status.value,
                    "year": mention.year,
                    **provenance,
                }
            )

    def _resolve_livelihood_items(self) -> None:
        self._unique_ids(self.livelihood_items, [located.record.id for located in self.livelihood_items], "livelihood item")
        for located in self.livelihood_items:
            record: LivelihoodItemRecord = located.record
            provenance = self._provenance(located, record)
            values = self._value_columns(located, record, record.quote, unit_optional=False)
            if provenance is None or values is None:
                continue
            self.rows["livelihood_items"].append(
                {
                    "id": record.id,
                    "report_id": self.report.id,
                    "category": record.category.value,
                    "description_zh": record.description_zh,
                    "description_en": record.description_en,
                    "status": record.status.value,
                    "year": record.year,
                    **values,
                    **provenance,
                }
            )

    def _resolve_goals(self, observations: dict[str, Row]) -> None:
        self._unique_ids(self.goals, [located.record.id for located in self.goals], "five-year goal")
        indicator_ids = {located.record.id for located in self.indicators}
        for located in self.goals:
            record: FiveYearGoalRecord = located.record
            provenance = self._provenance(located, record)
            problems = list(_goal_reference_problems(record, indicator_ids, observations))
            for problem in problems:
                self.reader.fail(located.path, located.line, problem)
            if provenance is None or problems:
                continue
            target = observations.get(record.target) if record.target else None
            self.rows["five_year_goals"].append(
                {
                    "id": record.id,
                    "report_id": self.report.id,
                    "plan": record.plan.value,
                    "kind": record.kind.value,
                    "dimension": record.dimension.value if record.dimension else None,
                    "description_zh": record.description_zh,
                    "description_en": record.description_en,
                    "indicator_id": record.indicator,
                    "target_observation_id": record.target,
                    "baseline_observation_id": record.baseline,
                    "target_value": target["value"] if target else None,
                    "target_unit": target["unit"] if target else None,
                    "target_qualifier": target["qualifier"] if target else None,
                    **provenance,
                }
            )

    def _resolve_exclusions(self) -> None:
        for index, located in enumerate(self.exclusions, start=1):
            record: ExclusionRecord = located.record
            if (record.text is None) == (record.pattern is None):
                self.reader.fail(located.path, located.line, "an exclusion names either text: or pattern:")
                continue
            if record.context is not None and record.text is not None and record.text not in record.context:
                self.reader.fail(located.path, located.line, f"context {record.context!r} does not contain {record.text!r}")
                continue
            if record.context is not None and not self.text.occurrences(record.context):
                self.reader.fail(located.path, located.line, f"context not found verbatim in the text: {record.context!r}")
                continue
            self.rows["coverage_exclusions"].append(
                {
                    "id": index,
                    "report_id": self.report.id,
                    "text": record.text,
                    "context": record.context,
                    "pattern": record.pattern,
                    "reason": record.reason,
                    "line": located.line,
                }
            )


def _numbered(number: str | None, heading: str) -> str:
    if number is None:
        return heading
    return f"{number}{heading}" if number.startswith("(") else f"{number}、{heading}"


def citations(report: ReportRecord, path_zh: str | None, path_en: str | None) -> dict[str, str]:
    """Ready-to-paste citations of a passage: GB/T 7714-2015 (reports, [R]) and APA 7."""
    where_zh = f": {path_zh}" if path_zh else ""
    where_en = f", {path_en}" if path_en else ""
    family, _, given = report.speaker_en.partition(" ")
    return {
        "cite_gbt7714": f"{report.speaker_zh}. {report.title_zh}[R]. 慈溪: {report.issuer_zh}, {report.year}{where_zh}.",
        "cite_apa": f"{family}, {given[:1]}. ({report.year}). {report.title_en} [{report.title_zh}]{where_en}. {report.issuer_en}.",
    }


def _ancestors(section_id: str, by_id: dict[str, SectionRecord]) -> list[str]:
    """Parent, grandparent, … of a section (cycles stop at the first repeat)."""
    found: list[str] = []
    current = by_id.get(section_id)
    while current is not None and current.parent is not None and current.parent not in found:
        found.append(current.parent)
        current = by_id.get(current.parent)
    return found


def _observation_id(record: ObservationRecord) -> str:
    parts: list[str] = [record.indicator, record.period.replace("/", "-")]
    if record.scope is not None:
        parts.append(record.scope.value.replace("_", "-"))
    if record.measure != Measure.level:
        parts.append(record.measure.value.replace("_", "-"))
    return "-".join(parts)


def _value_problem(value: Decimal, value_text: str | None, quote: str) -> str | None:
    if value_text is None:
        written = canonical_decimal(value)
        tokens = {token.text for token in arabic_tokens(quote)}
        if written not in tokens:
            return f"value {written} is not a number of the quote (its numbers: {sorted(tokens) or 'none'})"
        return None
    if value_text not in quote:
        return f"value_text {value_text!r} is not in the quote"
    meaning = parse_chinese_numeral(value_text)
    if meaning is None or Decimal(meaning) != value:
        return f"value_text {value_text!r} does not mean {canonical_decimal(value)}"
    return None


def _goal_reference_problems(record: FiveYearGoalRecord, indicator_ids: set[str], observations: dict[str, Row]) -> Iterator[str]:
    if record.indicator is not None and record.indicator not in indicator_ids:
        yield f"indicator {record.indicator!r} does not exist"
    for role in ("target", "baseline"):
        key = getattr(record, role)
        if key is None:
            continue
        observation = observations.get(key)
        if observation is None:
            yield f"{role} observation {key!r} does not exist"
        elif record.indicator is not None and observation["indicator_id"] != record.indicator:
            yield f"{role} observation {key!r} is of indicator {observation['indicator_id']!r}, not {record.indicator!r}"
