"""HB01 — every coordinator's phone has at least 8 digits (profile helse-bergen); no due date.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "HB01 eight digits with +47 and spaces",
        "HB01",
        "pass",
        profile="helse-bergen",
        coordinators=[KARI],
        due_date=None,
        evidence=[],
    ),
    Case(
        "HB01 seven digits",
        "HB01",
        "fail",
        profile="helse-bergen",
        coordinators=[{**KARI, "phone": "+47 223 344 5"}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "HB01 missing phone",
        "HB01",
        "fail",
        profile="helse-bergen",
        coordinators=[{**KARI, "phone": None}],
        due_date=None,
        evidence=[],
    ),
    Case("HB01 no coordinator", "HB01", "not_applicable", profile="helse-bergen", due_date=None, evidence=[]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_HB01(case: Case) -> None:
    check_case(case)
