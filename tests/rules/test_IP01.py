"""IP01 — information about the right to IP and koordinator (evidence of INFO_IP), within info_days.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import AS_OF, INFO, Case, check_case, days

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    Case(
        "IP01 v2: informert om barnekoordinator is information about the coordinator",
        "IP01",
        "pass",
        [{"doc_date": days(2), "text": "Foreldrene er informert om barnekoordinator."}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP01 info document on the deadline day",
        "IP01",
        "pass",
        [{"doc_type": "INFO_IP", "doc_date": days(14)}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP01 info the day after the deadline still documents it",
        "IP01",
        "pass",
        [{"doc_type": "INFO_IP", "doc_date": days(15)}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP01 nothing, as_of on the due date is pending",
        "IP01",
        "pending",
        as_of=days(14),
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 nothing, as_of the day after the due date fails",
        "IP01",
        "fail",
        as_of=days(15),
        message="Ingen dokumentert informasjon",
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 info in a journal note's text",
        "IP01",
        "pass",
        [{"doc_date": days(2), "text": INFO}],
        evidence=["D0"],
        due_date=days(14),
    ),
    Case(
        "IP01 negated in the same clause",
        "IP01",
        "fail",
        [{"doc_date": days(2), "text": "Pasienten er ikke informert om IP."}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 negation far before in the same clause",
        "IP01",
        "fail",
        [{"doc_date": days(2), "text": "Pasienten ble ikke i løpet av oppholdet informert om IP."}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 negation in an earlier clause (men) does not count",
        "IP01",
        "pass",
        [{"doc_date": days(2), "text": "Ønsket ikke IP, men er informert om koordinator."}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP01 negation on the previous line does not count",
        "IP01",
        "pass",
        [{"doc_date": days(2), "text": "Ikke aktuelt med innleggelse nå\nInformert om IP."}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP01 nynorsk negation ikkje",
        "IP01",
        "fail",
        [{"doc_date": days(2), "text": "Pasienten er ikkje informert om individuell plan."}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 unsigned draft is ignored",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": days(2), "status": "Kladd"}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 draft status in other words and case",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": days(2), "status": " UTKAST "}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 signed document counts",
        "IP01",
        "pass",
        [{"doc_type": "INFO_IP", "doc_date": days(2), "status": "Godkjent"}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP01 info before the lookback window does not count",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": days(-91)}],
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP01 info on the first day of the lookback window counts",
        "IP01",
        "pass",
        [{"doc_type": "INFO_IP", "doc_date": days(-90)}],
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP01 info dated after as_of is ignored",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": AS_OF + dt.timedelta(days=1)}],
        due_date=days(14),
        evidence=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP01(case: Case) -> None:
    check_case(case)
