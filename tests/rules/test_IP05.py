"""IP05 — every coordinator has a real name (no placeholder); no due date.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import AS_OF, Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP05 named coordinator",
        "IP05",
        "pass",
        coordinators=[{"name": "Kari Nordmann", "appointed_date": days(5)}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP05 placeholder NN",
        "IP05",
        "fail",
        coordinators=[{"name": " NN ", "appointed_date": days(5)}],
        message="1 av 1 koordinatorrader",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP05 placeholder n.n. and Ukjent",
        "IP05",
        "fail",
        coordinators=[{"name": "n.n.", "appointed_date": days(5)}, {"name": "Ukjent", "appointed_date": days(6)}],
        message="2 av 2",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP05 blank name",
        "IP05",
        "fail",
        coordinators=[{"name": None, "appointed_date": days(5)}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP05 one letter is no name",
        "IP05",
        "fail",
        coordinators=[{"name": "K", "appointed_date": days(5)}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP05 two letters is a name",
        "IP05",
        "pass",
        coordinators=[{"name": "Bo", "appointed_date": days(5)}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP05 one of two rows lacks a name",
        "IP05",
        "fail",
        coordinators=[{"name": "Kari Nordmann", "appointed_date": days(5)}, {"name": "-", "appointed_date": days(9)}],
        message="1 av 2",
        due_date=None,
        evidence=[],
    ),
    Case("IP05 no coordinator is not applicable", "IP05", "not_applicable", due_date=None, evidence=[]),
    Case(
        "IP05 coordinator appointed after as_of does not count",
        "IP05",
        "not_applicable",
        coordinators=[{"name": "-", "appointed_date": AS_OF + dt.timedelta(days=1)}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP05 without a coordinators table",
        "IP05",
        "not_applicable",
        coordinators=None,
        message="mangler tabellen coordinators",
        due_date=None,
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP05(case: Case) -> None:
    check_case(case)
