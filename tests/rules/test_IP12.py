"""IP12 — the individual plan started where the hospital owns it (wants_ip and services only from spesialist).

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import WANTS, Case, check_case, d, days

#: Wants an IP and gets services from the specialist health service only: the hospital owns the plan.
OWNS = {**WANTS, "services_from": "spesialist"}

CASES = [
    Case(
        "IP12 plan on the due day",
        "IP12",
        "pass",
        [{"doc_type": "IP_PLAN", "doc_date": days(90)}],
        assessments=[OWNS],
        message="Individuell plan startet",
        due_date=days(90),
        evidence=["D0"],
    ),
    Case(
        "IP12 plan after the due date still documents it",
        "IP12",
        "pass",
        [{"doc_type": "IP_PLAN", "doc_date": days(100)}],
        assessments=[OWNS],
        due_date=days(90),
        evidence=["D0"],
    ),
    Case(
        "IP12 plan in the lookback window before the index date",
        "IP12",
        "pass",
        [{"doc_type": "IP_PLAN", "doc_date": days(-90)}],
        assessments=[OWNS],
        due_date=days(90),
        evidence=["D0"],
    ),
    Case(
        "IP12 plan before the lookback window does not count",
        "IP12",
        "fail",
        [{"doc_type": "IP_PLAN", "doc_date": days(-91)}],
        assessments=[OWNS],
        due_date=days(90),
        evidence=[],
    ),
    Case(
        "IP12 no plan, as_of on the due date is pending",
        "IP12",
        "pending",
        assessments=[OWNS],
        as_of=days(90),
        due_date=days(90),
        evidence=[],
    ),
    Case(
        "IP12 no plan, the day after the due date fails",
        "IP12",
        "fail",
        assessments=[OWNS],
        as_of=days(91),
        message="Ingen individuell plan",
        due_date=days(90),
        evidence=[],
    ),
    Case(
        "IP12 an unsigned draft plan is no plan",
        "IP12",
        "fail",
        [{"doc_type": "IP_PLAN", "doc_date": days(10), "status": "Kladd"}],
        assessments=[OWNS],
        due_date=days(90),
        evidence=[],
    ),
    Case(
        "IP12 a journal note mentioning the plan is no plan (type only)",
        "IP12",
        "fail",
        [{"doc_date": days(10), "text": "Individuell plan er opprettet."}],
        assessments=[OWNS],
        due_date=days(90),
        evidence=[],
    ),
    Case(
        "IP12 begge: the municipality owns the plan",
        "IP12",
        "not_applicable",
        assessments=[{**OWNS, "services_from": "begge"}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP12 kommune",
        "IP12",
        "not_applicable",
        assessments=[{**OWNS, "services_from": "kommune"}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP12 services_from not documented",
        "IP12",
        "not_applicable",
        assessments=[{**OWNS, "services_from": None}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP12 does not want IP",
        "IP12",
        "not_applicable",
        assessments=[{**OWNS, "wants_ip": False}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP12 wish not documented",
        "IP12",
        "not_applicable",
        assessments=[{**OWNS, "wants_ip": None}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP12 wish and services documented in a later assessment",
        "IP12",
        "fail",
        assessments=[
            {**OWNS, "wants_ip": None, "services_from": None},
            {"assessed_date": days(3), "wants_ip": True, "services_from": "spesialist"},
        ],
        due_date=days(90),
        evidence=[],
    ),
    # ip-right: suspended 2020-03-27 .. 2020-05-26 inclusive.
    Case(
        "IP12 index date the day before the suspension",
        "IP12",
        "fail",
        assessments=[{**OWNS, "assessed_date": d("2020-03-26")}],
        as_of=d("2020-12-31"),
        due_date=d("2020-06-24"),
        evidence=[],
    ),
    Case(
        "IP12 index date on the first suspended day",
        "IP12",
        "not_applicable",
        assessments=[{**OWNS, "assessed_date": d("2020-03-27")}],
        as_of=d("2020-12-31"),
        message="Midlertidig opphør av retten til individuell plan",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP12 index date on the last suspended day",
        "IP12",
        "not_applicable",
        assessments=[{**OWNS, "assessed_date": d("2020-05-26")}],
        as_of=d("2020-12-31"),
        message="Midlertidig opphør av retten til individuell plan",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP12 index date the day after the suspension",
        "IP12",
        "fail",
        assessments=[{**OWNS, "assessed_date": d("2020-05-27")}],
        as_of=d("2020-12-31"),
        due_date=d("2020-08-25"),
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP12(case: Case) -> None:
    check_case(case)
