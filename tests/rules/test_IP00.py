"""IP00 — at-risk patients (long inpatient stays or many units) whose need for IP was never assessed.

IP00 chooses its own population: one ``fail`` row per flagged patient, no row for anyone else
(``NO_ROW``), no due date; the evidence is the patient's episodes in the period.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.builders import AS_OF, NO_ROW, WANTS, Case, check_case, d, make_extract, run


def stay(start: str, end: str | None, unit: str = "Med", care_type: str = "døgn") -> dict[str, object]:
    return {"unit": unit, "care_type": care_type, "start_date": d(start), "end_date": d(end) if end else None}


CASES = [
    Case(
        "IP00 21 inpatient days without an assessment",
        "IP00",
        "fail",
        assessments=[],
        episodes=[stay("2025-01-01", "2025-01-22")],
        message="21 døgndager og kontakter ved 1 enhet.",
        due_date=None,
        evidence=["E0"],
    ),
    Case(
        "IP00 20 inpatient days is not at risk",
        "IP00",
        NO_ROW,
        assessments=[],
        episodes=[stay("2025-01-01", "2025-01-21")],
    ),
    Case(
        "IP00 an open stay counts until as_of",
        "IP00",
        "fail",
        assessments=[],
        episodes=[{"unit": "Med", "care_type": "døgn", "start_date": AS_OF - dt.timedelta(days=21)}],
        due_date=None,
        evidence=["E0"],
    ),
    Case(
        "IP00 a planned discharge after as_of counts to the end date",
        "IP00",
        "fail",
        assessments=[],
        episodes=[
            {
                "unit": "Med",
                "care_type": "døgn",
                "start_date": AS_OF - dt.timedelta(days=10),
                "end_date": AS_OF + dt.timedelta(days=20),
            }
        ],
        message="30 døgndager",
        due_date=None,
        evidence=["E0"],
    ),
    Case(
        "IP00 day-care days do not count",
        "IP00",
        NO_ROW,
        assessments=[],
        episodes=[stay("2025-01-01", "2025-03-01", care_type="dag")],
    ),
    Case(
        "IP00 three units",
        "IP00",
        "fail",
        assessments=[],
        episodes=[stay("2025-02-01", "2025-02-01", unit=u, care_type="dag") for u in ("A", "B", "C")],
        message="0 døgndager og kontakter ved 3 enheter.",
        due_date=None,
        evidence=["E0", "E1", "E2"],
    ),
    Case(
        "IP00 two units is not at risk",
        "IP00",
        NO_ROW,
        assessments=[],
        episodes=[stay("2025-02-01", "2025-02-01", unit=u, care_type="dag") for u in ("A", "B")],
    ),
    Case(
        "IP00 any assessment removes the patient",
        "IP00",
        NO_ROW,
        assessments=[{"assessed_date": d("2025-02-02"), "need": "nei"}],
        episodes=[stay("2025-02-01", "2025-02-01", unit=u) for u in ("A", "B", "C")],
    ),
    Case(
        "IP00 a cohort patient is not flagged",
        "IP00",
        NO_ROW,
        assessments=[WANTS],
        episodes=[stay("2025-01-01", "2025-03-01")],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP00(case: Case) -> None:
    check_case(case)


def test_ip00_is_reported_under_the_unit_of_the_latest_episode() -> None:
    extract = make_extract(patients=["P1"], episodes=[{"unit": u, "start_date": d("2025-02-01")} for u in "ABC"])
    rows = run(extract).results.filter(pl.col("rule_id") == "IP00")
    # Same start date: the last row.
    assert rows.height == 1 and rows.item(0, "unit") == "C"


def test_ip00_has_no_compliance_rate_per_rule_or_per_unit() -> None:
    extract = make_extract(patients=["P1"], episodes=[{"unit": u, "start_date": d("2025-02-01")} for u in "ABC"])
    result = run(extract)
    assert result.rule("IP00").compliance_rate is None
    units = result.units.filter(pl.col("rule_id") == "IP00")
    assert units.height == 1 and units.item(0, "fail") == 1 and units.item(0, "compliance_rate") is None


def test_ip00_not_run_without_episodes() -> None:
    result = run(make_extract(assessments=[WANTS]))
    assert result.results.filter(pl.col("rule_id") == "IP00").height == 0
    assert "Ikke kjørt" in result.rule("IP00").note
