"""IP02 — criteria_met and wants_ip documented (a no counts), within info_days; tag ip-right.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import INDEX, Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case("IP02 both documented", "IP02", "pass", due_date=days(14), evidence=["A0"]),
    Case(
        "IP02 a documented no is documentation",
        "IP02",
        "pass",
        assessments=[{"assessed_date": INDEX, "criteria_met": True, "wants_ip": False}],
        due_date=days(14),
        evidence=["A0"],
    ),
    Case(
        "IP02 blank wants_ip past due",
        "IP02",
        "fail",
        assessments=[{"assessed_date": INDEX, "criteria_met": True}],
        message="om pasienten ønsker IP",
        due_date=days(14),
        evidence=["A0"],
    ),
    Case(
        "IP02 blank wants_ip on the due date is pending",
        "IP02",
        "pending",
        assessments=[{"assessed_date": INDEX, "criteria_met": True}],
        as_of=days(14),
        due_date=days(14),
        evidence=["A0"],
    ),
    Case(
        "IP02 filled in by a later assessment",
        "IP02",
        "pass",
        assessments=[
            {"assessed_date": INDEX},
            {"assessed_date": days(20), "need": "uavklart", "criteria_met": True, "wants_ip": True},
        ],
        due_date=days(14),
        evidence=["A0"],
    ),
    Case(
        "IP02 an assessment before the index date does not document",
        "IP02",
        "fail",
        assessments=[
            {"assessed_date": days(-5), "need": "nei", "criteria_met": True, "wants_ip": True},
            {"assessed_date": INDEX},
        ],
        due_date=days(14),
        evidence=["A1"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP02(case: Case) -> None:
    check_case(case)
