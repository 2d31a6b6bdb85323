"""IP06 — notice to the koordinerende enhet within notice_days, unless services only from spesialist.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import INDEX, WANTS, Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP06 notice on the deadline day",
        "IP06",
        "pass",
        [{"doc_type": "MELDING_KE", "doc_date": days(14)}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP06 notice the day after the deadline",
        "IP06",
        "fail",
        [{"doc_type": "MELDING_KE", "doc_date": days(15)}],
        message="sendt 15 dager etter vurdering (frist 14); fristen var 17.03.2025.",
        due_date=days(14),
        evidence=["D0"],
    ),
    Case("IP06 no notice, past due", "IP06", "fail", message="ikke sendt", due_date=days(14), evidence=[]),
    Case("IP06 no notice, on the due date", "IP06", "pending", as_of=days(14), due_date=days(14), evidence=[]),
    Case(
        "IP06 notice before the index date within lookback",
        "IP06",
        "pass",
        [{"doc_type": "MELDING_KE", "doc_date": days(-30)}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP06 only specialist services: not applicable",
        "IP06",
        "not_applicable",
        assessments=[{**WANTS, "services_from": "spesialist"}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP06 services_from null applies",
        "IP06",
        "fail",
        assessments=[{**WANTS, "services_from": None}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP06 services from both applies",
        "IP06",
        "pass",
        [{"doc_type": "MELDING_KE", "doc_date": days(2)}],
        assessments=[{**WANTS, "services_from": "begge"}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP06 no wish: not applicable",
        "IP06",
        "not_applicable",
        assessments=[{"assessed_date": INDEX, "wants_ip": False, "wants_coordinator": None}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP06 wish documented in a later assessment",
        "IP06",
        "fail",
        assessments=[
            {"assessed_date": INDEX},
            {"assessed_date": days(3), "need": "uavklart", "wants_coordinator": True},
        ],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP06 a notice by text alone does not count",
        "IP06",
        "fail",
        [{"doc_date": days(2), "text": "Melding til koordinerende enhet er sendt."}],
        due_date=days(14),
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP06(case: Case) -> None:
    check_case(case)
