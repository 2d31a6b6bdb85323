"""IP09 — an epikrise after the coordinator/plan mentions them (profile unn); no due date.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP09 epikrise mentions the coordinator",
        "IP09",
        "pass",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(40), "text": "Koordinator er Kari Nordmann."}],
        due_date=None,
        evidence=["D0"],
    ),
    Case(
        "IP09 epikrise silent",
        "IP09",
        "fail",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(40), "text": "Utskrevet til hjemmet."}],
        due_date=None,
        evidence=["D0"],
    ),
    Case(
        "IP09 epikrise says no coordinator",
        "IP09",
        "fail",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(40), "text": "Har ingen koordinator."}],
        due_date=None,
        evidence=["D0"],
    ),
    Case(
        "IP09 only an epikrise before the coordinator",
        "IP09",
        "not_applicable",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(1), "text": "Utskrevet."}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP09 a journal note mentioning IP is no epikrise",
        "IP09",
        "not_applicable",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_date": days(40), "text": "Individuell plan drøftet."}],
        due_date=None,
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP09(case: Case) -> None:
    check_case(case)
