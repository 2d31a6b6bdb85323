"""IP04 — a coordinator appointed, or no coordinator wanted, within coordinator_days.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import WANTS, Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP04 coordinator without a name counts",
        "IP04",
        "pass",
        coordinators=[{"name": None, "appointed_date": days(30)}],
        due_date=days(30),
        evidence=[],
    ),
    Case(
        "IP04 declined coordinator",
        "IP04",
        "pass",
        assessments=[{**WANTS, "wants_coordinator": False}],
        due_date=days(30),
        evidence=[],
    ),
    Case("IP04 none, on day 30 pending", "IP04", "pending", as_of=days(30), due_date=days(30), evidence=[]),
    Case("IP04 none, day 31 fails", "IP04", "fail", as_of=days(31), due_date=days(30), evidence=[]),
    Case(
        "IP04 appointed late still satisfies",
        "IP04",
        "pass",
        coordinators=[{"name": "Kari", "appointed_date": days(45)}],
        due_date=days(30),
        evidence=[],
    ),
    Case(
        "IP04 without coordinators table",
        "IP04",
        "not_applicable",
        coordinators=None,
        message="coordinators",
        due_date=None,
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP04(case: Case) -> None:
    check_case(case)
