"""IP08 — a municipal coordinator's first contact within first_contact_days (profile unn).

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP08 first contact on day 14",
        "IP08",
        "pass",
        profile="unn",
        coordinators=[{**KARI, "first_contact_date": days(19)}],
        due_date=days(19),
        evidence=[],
    ),
    Case(
        "IP08 first contact on day 15",
        "IP08",
        "fail",
        profile="unn",
        coordinators=[{**KARI, "first_contact_date": days(20)}],
        due_date=days(19),
        evidence=[],
    ),
    Case(
        "IP08 no first contact yet, within the deadline",
        "IP08",
        "pending",
        profile="unn",
        coordinators=[KARI],
        as_of=days(19),
        due_date=days(19),
        evidence=[],
    ),
    Case(
        "IP08 no first contact, past the deadline",
        "IP08",
        "fail",
        profile="unn",
        coordinators=[KARI],
        due_date=days(19),
        evidence=[],
    ),
    Case(
        "IP08 specialist coordinator only",
        "IP08",
        "not_applicable",
        profile="unn",
        coordinators=[{**KARI, "level": "spesialist"}],
        due_date=None,
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP08(case: Case) -> None:
    check_case(case)
