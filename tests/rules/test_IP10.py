"""IP10 — consent renewed after a coordinator with another name, within info_days.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP10 new coordinator, consent renewed on the day",
        "IP10",
        "pass",
        coordinators=[KARI, {"name": "Ola Hansen", "appointed_date": days(40)}],
        documents=[{"doc_type": "SAMTYKKE", "doc_date": days(40)}],
        due_date=days(54),
        evidence=["D0"],
    ),
    Case(
        "IP10 new coordinator, old consent only",
        "IP10",
        "fail",
        coordinators=[KARI, {"name": "Ola Hansen", "appointed_date": days(40)}],
        documents=[{"doc_type": "SAMTYKKE", "doc_date": days(2)}],
        due_date=days(54),
        evidence=[],
    ),
    Case(
        "IP10 new coordinator, within info_days pending",
        "IP10",
        "pending",
        as_of=days(54),
        coordinators=[KARI, {"name": "Ola Hansen", "appointed_date": days(40)}],
        due_date=days(54),
        evidence=[],
    ),
    Case(
        "IP10 same name in other case and blanks is no change",
        "IP10",
        "not_applicable",
        coordinators=[KARI, {"name": "  kari nordmann ", "appointed_date": days(40)}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP10 a placeholder after a named coordinator is no new coordinator",
        "IP10",
        "not_applicable",
        coordinators=[KARI, {"name": "NN", "appointed_date": days(40)}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP10 a real name after a placeholder is no change of coordinator either",
        "IP10",
        "not_applicable",
        coordinators=[{**KARI, "name": "-"}, {"name": "Ola Hansen", "appointed_date": days(40)}],
        due_date=None,
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP10(case: Case) -> None:
    check_case(case)
