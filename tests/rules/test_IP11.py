"""IP11 — IP_PLAN documents from at most one unit; tag ip-right; no due date.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP11 plans from one unit",
        "IP11",
        "pass",
        documents=[
            {"doc_type": "IP_PLAN", "doc_date": days(10), "unit": "DPS Nord"},
            {"doc_type": "IP_PLAN", "doc_date": days(60), "unit": "DPS Nord"},
        ],
        due_date=None,
        evidence=["D0", "D1"],
    ),
    Case(
        "IP11 plans from two units",
        "IP11",
        "fail",
        message="2 enheter",
        documents=[
            {"doc_type": "IP_PLAN", "doc_date": days(10), "unit": "DPS Nord"},
            {"doc_type": "IP_PLAN", "doc_date": days(60), "unit": "Habilitering"},
        ],
        due_date=None,
        evidence=["D0", "D1"],
    ),
    Case("IP11 no plan", "IP11", "not_applicable", due_date=None, evidence=[]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP11(case: Case) -> None:
    check_case(case)
