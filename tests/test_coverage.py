"""Nothing quantitative in the report is missing: every number is a record's value or a reasoned exclusion."""

from fastapi.testclient import TestClient

from api.coverage import coverage_report
from api.ingest.read import Bundle


def test_every_number_of_the_report_is_covered_or_excluded(bundle: Bundle) -> None:
    report = coverage_report(bundle.text, bundle.valued_rows(), bundle.tables["coverage_exclusions"])
    missing = [f"{n.char_start}: {n.text} …{n.context}…" for n in report.uncovered]
    assert missing == [], "numbers neither covered nor excluded (see `python -m api seed coverage`)"
    assert report.total > 400
    assert report.count("covered") > 300


def test_every_exclusion_gives_a_reason(bundle: Bundle) -> None:
    assert all(len(row["reason"]) >= 10 for row in bundle.tables["coverage_exclusions"])


def test_a_number_inside_a_name_is_excluded_not_covered(bundle: Bundle) -> None:
    report = coverage_report(bundle.text, bundle.valued_rows(), bundle.tables["coverage_exclusions"])
    g228 = next(n for n in report.numbers if n.text == "228")
    assert g228.state == "excluded"
    gdp = next(n for n in report.numbers if n.text == "2008.3")
    assert gdp.state == "covered" and "gdp-2020-citywide" in gdp.covered_by


def test_coverage_is_served_per_report(client: TestClient, bundle: Bundle) -> None:
    body = client.get("/v1/reports/cixi-2021/coverage").json()
    assert body["uncovered"] == 0 and body["percent_accounted"] == 100.0
    assert body["numbers"] == len(body["items"]) == body["covered"] + body["excluded"]
    assert client.get("/v1/reports/nowhere-1999/coverage").status_code == 404
