"""IP03 — consent before the first notice or plan, covering melding_kommune before a notice.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import CONSENT, INDEX, Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP03 consent before the notice",
        "IP03",
        "pass",
        [
            {"doc_type": "SAMTYKKE", "doc_date": days(1), "consent_scope": ["ip", "melding_kommune"]},
            {"doc_type": "MELDING_KE", "doc_date": days(3)},
        ],
        evidence=["D0"],
        due_date=days(3),
    ),
    Case(
        "IP03 consent on the same day as the notice",
        "IP03",
        "pass",
        [{"doc_type": "SAMTYKKE", "doc_date": days(3)}, {"doc_type": "MELDING_KE", "doc_date": days(3)}],
        due_date=days(3),
        evidence=["D0"],
    ),
    Case(
        "IP03 consent only after the notice",
        "IP03",
        "fail",
        [{"doc_type": "MELDING_KE", "doc_date": days(3)}, {"doc_type": "SAMTYKKE", "doc_date": days(4)}],
        message="dokumentert etter melding/plan",
        due_date=days(3),
        evidence=["D1"],
    ),
    Case(
        "IP03 notice and no consent at all",
        "IP03",
        "fail",
        [{"doc_type": "MELDING_KE", "doc_date": days(3)}],
        message="Samtykke mangler",
        due_date=days(3),
        evidence=["D0"],
    ),
    Case(
        "IP03 plan without consent fails at once, even before info_days",
        "IP03",
        "fail",
        [{"doc_type": "IP_PLAN", "doc_date": days(1)}],
        as_of=days(2),
        message="Samtykke mangler",
        due_date=days(1),
        evidence=["D0"],
    ),
    Case(
        "IP03 scope without melding_kommune before a notice",
        "IP03",
        "fail",
        [
            {"doc_type": "SAMTYKKE", "doc_date": days(1), "consent_scope": ["ip", "koordinator"]},
            {"doc_type": "MELDING_KE", "doc_date": days(3)},
        ],
        message="samtykket dekker ikke melding til kommunen",
        due_date=days(3),
        evidence=["D0"],
    ),
    Case(
        "IP03 notice and plan on the same day: the notice is the first action",
        "IP03",
        "fail",
        [
            {"document_id": "A", "doc_type": "SAMTYKKE", "doc_date": days(1), "consent_scope": ["ip"]},
            {"document_id": "B", "doc_type": "IP_PLAN", "doc_date": days(3)},
            {"document_id": "C", "doc_type": "MELDING_KE", "doc_date": days(3)},
        ],
        message="samtykket dekker ikke melding til kommunen",
        due_date=days(3),
        evidence=["A"],
    ),
    Case(
        "IP03 scope without melding_kommune is fine before a plan",
        "IP03",
        "pass",
        [
            {"doc_type": "SAMTYKKE", "doc_date": days(1), "consent_scope": ["ip"]},
            {"doc_type": "IP_PLAN", "doc_date": days(3)},
        ],
        due_date=days(3),
        evidence=["D0"],
    ),
    Case(
        "IP03 text consent has no known scope and covers the notice",
        "IP03",
        "pass",
        [
            {"doc_type": "SAMTYKKE", "doc_date": days(1), "consent_scope": ["ip"]},
            {"doc_date": days(2), "text": CONSENT},
            {"doc_type": "MELDING_KE", "doc_date": days(3)},
        ],
        due_date=days(3),
        evidence=["D0", "D1"],
    ),
    Case(
        "IP03 consent document without stated scope covers",
        "IP03",
        "pass",
        [{"doc_type": "SAMTYKKE", "doc_date": days(1)}, {"doc_type": "MELDING_KE", "doc_date": days(3)}],
        due_date=days(3),
        evidence=["D0"],
    ),
    Case(
        "IP03 no action, consent in window",
        "IP03",
        "pass",
        [{"doc_type": "SAMTYKKE", "doc_date": days(20)}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP03 no action, no consent, within info_days is pending",
        "IP03",
        "pending",
        as_of=days(14),
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP03 no action, no consent, past info_days fails",
        "IP03",
        "fail",
        as_of=days(15),
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP03 does not apply without wish or action",
        "IP03",
        "not_applicable",
        assessments=[{"assessed_date": INDEX, "wants_ip": False, "wants_coordinator": False}],
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP03 applies when a coordinator is appointed",
        "IP03",
        "fail",
        assessments=[{"assessed_date": INDEX, "wants_ip": False, "wants_coordinator": False}],
        coordinators=[{"name": "Kari Nordmann", "appointed_date": days(5)}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP03 negated consent text is no consent",
        "IP03",
        "fail",
        [
            {"doc_date": days(1), "text": "Pasienten har ikke samtykket til melding."},
            {"doc_type": "MELDING_KE", "doc_date": days(3)},
        ],
        due_date=days(3),
        evidence=["D1"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP03(case: Case) -> None:
    check_case(case)
