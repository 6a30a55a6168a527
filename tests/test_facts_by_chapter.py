"""Facts sampled from every chapter, checked against the report by hand-written expectation."""

import pytest

from api.ingest.read import Bundle

# (section path prefix, text the quote holds, value, unit, period, status, qualifier)
EXPECTED = [
    ("part-1", "2008.3亿元", 2008.3, "亿元", "2020", "actual", None),
    ("part-1", "市级118.6亿元", 118.6, "亿元", "2020", "actual", None),
    ("part-1/part-1-ch-1", "减税7.9亿元", 7.9, "亿元", "2020", "actual", None),
    ("part-1/part-1-ch-1", "普惠小微贷款增长24.9%", 24.9, "%", "2020", "actual", None),
    ("part-1/part-1-ch-2", "实施企业智能化改造项目320个", 320, "个", "2020", "actual", None),
    ("part-1/part-1-ch-3", "新增高新技术企业126家", 126, "家", "2020", "actual", None),
    ("part-1/part-1-ch-3", "实际利用外资5754万美元", 5754, "万美元", "2020", "actual", None),
    ("part-1/part-1-ch-4", "空气质量优良率达到89.3%", 89.3, "%", "2020", "actual", None),
    ("part-1/part-1-ch-5", "新增城镇就业3.6万人", 3.6, "万人", "2020", "actual", None),
    ("part-1/part-1-ch-6", "压减政府一般性支出3.6亿元", 3.6, "亿元", "2020", "actual", None),
    ("part-1/part-1-fyp13-review", "是五年前的1.5倍", 1.5, "倍", "2016/2020", "actual", None),
    ("part-1/part-1-fyp13-review", "从85.2万元提高到150.4万元", 85.2, "万元", "2015", "actual", None),
    ("part-1/part-1-fyp13-review", "从85.2万元提高到150.4万元", 150.4, "万元", "2020", "actual", None),
    ("part-1/part-1-fyp13-review", "高新技术企业由112家增加到380家", 380, "家", "2020", "actual", None),
    ("part-1/part-1-fyp13-review", "森林覆盖率提高到17.58%", 17.58, "%", "2020", "actual", None),
    ("part-2", "奋力冲刺3000亿元", 3000, "亿元", "2025", "target", None),
    ("part-2", "研发投入强度达到3.7%以上", 3.7, "%", "2025", "target", "at_least"),
    ("part-2", "常住人口城镇化率达到78%", 78, "%", "2025", "target", None),
    ("part-3", "地区生产总值全市增长7.3%", 7.3, "%", "2021", "target", None),
    ("part-3", "一般公共预算收入全市增长6.3%", 6.3, "%", "2021", "target", None),
    ("part-3/part-3-ch-1", "力争引进上海资金25亿元以上", 25, "亿元", "2021", "target", "at_least"),
    ("part-3/part-3-ch-2", "新增高新技术企业70家", 70, "家", "2021", "target", None),
    ("part-3/part-3-ch-2", "研发投入强度达到3.3%", 3.3, "%", "2021", "target", None),
    ("part-3/part-3-ch-2", "新建5G基站700个以上", 700, "个", "2021", "target", "at_least"),
    ("part-3/part-3-ch-3", "规上工业增加值增长7.2%", 7.2, "%", "2021", "target", None),
    ("part-3/part-3-ch-4", "农房改建1万户以上", 1, "万户", "2021", "target", "at_least"),
    ("part-3/part-3-ch-5", "盘活存量建设用地5000亩以上", 5000, "亩", "2021", "target", "at_least"),
    ("part-3/part-3-ch-6", "新增国土绿化3200亩", 3200, "亩", "2021", "target", None),
    ("part-3/part-3-ch-7", "新增城镇就业2.5万人", 2.5, "万人", "2021", "target", None),
    ("part-3/part-3-ch-7", "最低生活保障标准提高到1.08万元以上", 1.08, "万元", "2021", "target", "at_least"),
    ("part-3/part-3-ch-9", "掌上执法率达到90%以上", 90, "%", "2021", "target", "at_least"),
]


def _section_paths(bundle: Bundle) -> dict[str, str]:
    return {row["id"]: row["path"] for row in bundle.tables["sections"]}


@pytest.mark.parametrize(("section", "fragment", "value", "unit", "period", "status", "qualifier"), EXPECTED)
def test_sampled_fact_is_in_the_data_as_the_report_states_it(
    bundle: Bundle, section: str, fragment: str, value: float, unit: str, period: str, status: str, qualifier: str | None
) -> None:
    paths = _section_paths(bundle)
    matches = [
        row
        for row in bundle.tables["observations"]
        if fragment in row["quote"] and row["value"] == value and row["period"] == period
    ]
    assert len(matches) == 1, f"{fragment!r}: {len(matches)} observations with value {value} for {period}"
    row = matches[0]
    assert (row["unit"], row["status"], row["qualifier"]) == (unit, status, qualifier)
    assert paths[row["section_id"]].startswith(section)
    assert bundle.text[row["char_start"] : row["char_end"]] == row["quote"]


def test_the_same_concept_across_periods_is_one_indicator(bundle: Bundle) -> None:
    rd = sorted((row["period"], row["value"]) for row in bundle.tables["observations"] if row["indicator_id"] == "rd-intensity")
    assert ("2020", 3.2) in rd and ("2021", 3.3) in rd and ("2025", 3.7) in rd
    gdp_periods = {row["period"] for row in bundle.tables["observations"] if row["indicator_id"] == "gdp"}
    assert {"2020", "2021", "2025", "2016/2020"} <= gdp_periods


def test_every_record_has_its_english_beside_its_chinese(bundle: Bundle) -> None:
    for table, pairs in {
        "indicators": [("name_zh", "name_en")],
        "projects": [("name_zh", "name_en")],
        "livelihood_items": [("description_zh", "description_en")],
        "five_year_goals": [("description_zh", "description_en")],
        "sections": [("heading_zh", "heading_en")],
    }.items():
        for row in bundle.tables[table]:
            for zh, en in pairs:
                assert row[zh].strip() and row[en].strip(), (table, row["id"])
                assert row[en].isascii() or any(c.isascii() and c.isalpha() for c in row[en]), (table, row["id"], row[en])


def test_base_values_are_derived_from_the_unit(bundle: Bundle) -> None:
    gdp = next(row for row in bundle.tables["observations"] if row["id"] == "gdp-2020-citywide")
    assert gdp["base_value"] == pytest.approx(2008.3e8)
    for row in bundle.tables["observations"]:
        if row["unit"] == "万人":
            assert row["base_unit"] == "person" and row["base_value"] == pytest.approx(row["value"] * 1e4)


def test_record_counts_reach_the_report_scale(bundle: Bundle) -> None:
    counts = bundle.counts()
    assert counts["observations"] >= 300
    assert counts["projects"] >= 100
    assert counts["livelihood_items"] >= 100
    assert counts["five_year_goals"] >= 55
    flagship = [row for row in bundle.tables["projects"] if row["flagship"]]
    assert len(flagship) == 6
