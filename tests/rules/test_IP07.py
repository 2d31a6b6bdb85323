"""IP07 — complaint guidance after a negative outcome: branches (a), (b) (only spesialist; ip-right) and (c).

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import INDEX, WANTS, Case, check_case, d, days

#: Wants an IP (not a coordinator) and gets services from the specialist health service only.
SPESIALIST = {**WANTS, "wants_coordinator": False, "services_from": "spesialist"}

CASES = [
    Case(
        "IP07 criteria not met, no guidance, past info_days",
        "IP07",
        "fail",
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
        message="fyller ikke vilkårene",
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP07 criteria not met, within info_days is pending",
        "IP07",
        "pending",
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
        as_of=days(14),
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP07 criteria not met, guidance in nynorsk",
        "IP07",
        "pass",
        [{"doc_date": days(3), "text": "Pasienten er rettleia om klageretten på avslaget om individuell plan."}],
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP07 guidance before the index date does not count",
        "IP07",
        "fail",
        [{"doc_type": "KLAGEVEILEDNING", "doc_date": days(-1)}],
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP07 guidance negated",
        "IP07",
        "fail",
        [{"doc_date": days(3), "text": "Ikke orientert om klagerett."}],
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP07 (b) wants IP, services only from spesialist, no plan after plan_days",
        "IP07",
        "fail",
        assessments=[SPESIALIST],
        as_of=days(91),
        message="ingen individuell plan etter 90 dager",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) not yet on day plan_days",
        "IP07",
        "not_applicable",
        assessments=[SPESIALIST],
        as_of=days(90),
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) plan exists",
        "IP07",
        "not_applicable",
        [{"doc_type": "IP_PLAN", "doc_date": days(40)}],
        assessments=[SPESIALIST],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (c) wants coordinator, none after coordinator_days",
        "IP07",
        "fail",
        assessments=[{**WANTS, "wants_ip": False}],
        as_of=days(31),
        message="ingen koordinator etter 30 dager",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (c) not yet on day coordinator_days",
        "IP07",
        "not_applicable",
        assessments=[{**WANTS, "wants_ip": False}],
        as_of=days(30),
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (c) off without a coordinators table",
        "IP07",
        "not_applicable",
        assessments=[{**WANTS, "wants_ip": False}],
        coordinators=None,
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) with guidance passes",
        "IP07",
        "pass",
        [{"doc_type": "KLAGEVEILEDNING", "doc_date": days(95)}],
        assessments=[SPESIALIST],
        as_of=days(100),
        due_date=None,
        evidence=["D0"],
    ),
    # v2: branch (b) only where the hospital owns the plan (services_from = spesialist).
    Case(
        "IP07 (b) off for begge: the municipality owns the plan (the issue's user case)",
        "IP07",
        "not_applicable",
        [
            {"doc_type": "INFO_IP", "doc_date": days(1)},
            {"doc_type": "SAMTYKKE", "doc_date": days(1)},
            {"doc_type": "MELDING_KE", "doc_date": days(2)},
        ],
        assessments=[{**WANTS, "services_from": "begge"}],
        coordinators=[{"name": "Kari Nordmann", "appointed_date": days(10)}],
        as_of=days(120),
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) off for kommune",
        "IP07",
        "not_applicable",
        assessments=[{**SPESIALIST, "services_from": "kommune"}],
        as_of=days(91),
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) off when services_from is not documented",
        "IP07",
        "not_applicable",
        assessments=[{**SPESIALIST, "services_from": None}],
        as_of=days(91),
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) spesialist documented in a later assessment",
        "IP07",
        "fail",
        assessments=[{**SPESIALIST, "services_from": None}, {"assessed_date": days(5), "services_from": "spesialist"}],
        as_of=days(91),
        message="ingen individuell plan etter 90 dager",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) index date on the first suspended day (ip-right branch off)",
        "IP07",
        "not_applicable",
        assessments=[{**SPESIALIST, "assessed_date": d("2020-03-27")}],
        as_of=d("2020-12-31"),
        message="Midlertidig opphør av retten til individuell plan",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (b) index date the day after the suspension",
        "IP07",
        "fail",
        assessments=[{**SPESIALIST, "assessed_date": d("2020-05-27")}],
        as_of=d("2020-12-31"),
        message="ingen individuell plan etter 90 dager",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 (a) and (b) together: fails at once, no due date",
        "IP07",
        "fail",
        assessments=[{**SPESIALIST, "criteria_met": False}],
        as_of=days(91),
        message="fyller ikke vilkårene; ingen individuell plan etter 90 dager",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP07 no negative outcome",
        "IP07",
        "not_applicable",
        assessments=[{"assessed_date": INDEX, "criteria_met": True}],
        due_date=None,
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP07(case: Case) -> None:
    check_case(case)
