"""The seed pipeline refuses bad data with file:line, and loads good data exactly once."""

from pathlib import Path

import pytest

from api.ingest.read import SeedValidationError, read_bundle


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(seed_dir: Path) -> list[str]:
    with pytest.raises(SeedValidationError) as raised:
        read_bundle(seed_dir)
    return [str(error) for error in raised.value.errors]


def _append(path: Path, block: str) -> int:
    """Append a YAML block to a fact file's observations; return the line it starts on."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, block]) + "\n", encoding="utf-8")
    return len(lines) + 1


TEST_FILE = "facts/zz-test.yaml"
GOOD = """observations:
  - indicator: gdp
    period: "2020"
    status: actual
    measure: level
    scope: city_level
    value: 1328.3
    unit: 亿元
    id: test-gdp
    quote: 市级1328.3亿元
"""


def _write_test_file(seed_dir: Path, body: str) -> Path:
    path = seed_dir / TEST_FILE
    path.write_text(body, encoding="utf-8")
    return path


def test_the_committed_seed_is_valid(bundle) -> None:  # type: ignore[no-untyped-def]
    counts = bundle.counts()
    for table in ("sections", "indicators", "observations", "projects", "livelihood_items", "five_year_goals"):
        assert counts[table] >= 5, table


def test_a_well_formed_extra_record_validates(seed_copy: Path) -> None:
    _write_test_file(seed_copy, GOOD)
    bundle = read_bundle(seed_copy)
    row = next(r for r in bundle.tables["observations"] if r["id"] == "test-gdp")
    assert bundle.text[row["char_start"] : row["char_end"]] == "市级1328.3亿元"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("quote: 市级1328.3亿元", "quote: 市级1328.4亿元", "quote not found verbatim"),
        ("value: 1328.3", "value: 1328.4", "value 1328.4 is not a number of the quote"),
        ("unit: 亿元", "unit: 亿两", "unknown unit '亿两'"),
        ("indicator: gdp", "indicator: gnp", "indicator 'gnp' does not exist"),
        ("status: actual", "status: guessed", "status: Input should be"),
        ("scope: city_level", "scope: city_level\n    colour: blue", "colour: Extra inputs are not permitted"),
        ("period: \"2020\"", "period: \"2020-21\"", "period: String should match pattern"),
    ],
)
def test_a_bad_record_is_refused_with_file_and_line(seed_copy: Path, old: str, new: str, message: str) -> None:
    path = _write_test_file(seed_copy, GOOD)
    _edit(path, old, new)
    errors = _errors(seed_copy)
    assert any(error.startswith("seed/facts/zz-test.yaml:2: ") and message in error for error in errors), errors


def test_a_value_typed_with_a_trailing_zero_is_the_same_number(seed_copy: Path) -> None:
    path = _write_test_file(seed_copy, GOOD)
    _edit(path, "value: 1328.3", "value: 1328.30")
    row = next(r for r in read_bundle(seed_copy).tables["observations"] if r["id"] == "test-gdp")
    assert row["value_text"] == "1328.3"


AMBIGUOUS = GOOD.replace("quote: 市级1328.3亿元", "quote: 增长7%").replace("value: 1328.3", "value: 7").replace("unit: 亿元", 'unit: "%"')


def test_an_ambiguous_quote_must_be_disambiguated(seed_copy: Path) -> None:
    path = _write_test_file(seed_copy, AMBIGUOUS)
    errors = _errors(seed_copy)
    assert any("zz-test.yaml:2: quote occurs" in e and "add occurrence" in e for e in errors), errors
    path.write_text(AMBIGUOUS.replace("quote: 增长7%", "quote: 增长7%\n    occurrence: 2"), encoding="utf-8")
    bundle = read_bundle(seed_copy)
    starts = [r["char_start"] for r in bundle.tables["observations"] if r["id"] == "test-gdp"]
    assert starts == [bundle.text.find("增长7%", bundle.text.find("增长7%") + 1)]


def test_duplicate_ids_name_both_places(seed_copy: Path) -> None:
    _write_test_file(seed_copy, GOOD + GOOD.removeprefix("observations:\n"))
    errors = _errors(seed_copy)
    assert any("zz-test.yaml:11: duplicate observation id 'test-gdp' (first at seed/facts/zz-test.yaml:2)" in e for e in errors), errors


def test_a_dangling_goal_reference_is_refused(seed_copy: Path) -> None:
    _write_test_file(
        seed_copy,
        """five_year_goals:
  - id: test-goal
    plan: fyp14
    kind: goal
    description_zh: 测试
    description_en: Test
    indicator: gdp
    target: gdp-2099
    quote: 全市地区生产总值奋力冲刺3000亿元
""",
    )
    errors = _errors(seed_copy)
    assert any("zz-test.yaml:2: target observation 'gdp-2099' does not exist" in e for e in errors), errors


def test_yaml_syntax_errors_name_the_line(seed_copy: Path) -> None:
    _write_test_file(seed_copy, "observations:\n  - indicator: gdp\n    quote: [unclosed\n")
    errors = _errors(seed_copy)
    assert any(e.startswith("seed/facts/zz-test.yaml:") and "YAML syntax" in e for e in errors), errors


def test_a_changed_text_fails_its_recorded_hash(seed_copy: Path) -> None:
    text_path = seed_copy / "cixi-2021.txt"
    text_path.write_text(text_path.read_text(encoding="utf-8").replace("2008.3", "2008.4"), encoding="utf-8")
    errors = _errors(seed_copy)
    assert any(e.startswith("seed/report.yaml:") and "text_sha256" in e for e in errors), errors
