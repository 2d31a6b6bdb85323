"""The five core rules, one case per edge named in spec/rules.md."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import AS_OF, CONSENT, INDEX, INFO, WANTS, Case, check_case, days

CASES = [
    # IP01
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
    ),
    Case("IP01 nothing, as_of on the due date is pending", "IP01", "pending", as_of=days(14)),
    Case(
        "IP01 nothing, as_of the day after the due date fails",
        "IP01",
        "fail",
        as_of=days(15),
        message="Ingen dokumentert informasjon",
    ),
    Case("IP01 info in a journal note's text", "IP01", "pass", [{"doc_date": days(2), "text": INFO}], evidence=["D0"]),
    Case(
        "IP01 negated in the same clause",
        "IP01",
        "fail",
        [{"doc_date": days(2), "text": "Pasienten er ikke informert om IP."}],
    ),
    Case(
        "IP01 negation far before in the same clause",
        "IP01",
        "fail",
        [{"doc_date": days(2), "text": "Pasienten ble ikke i løpet av oppholdet informert om IP."}],
    ),
    Case(
        "IP01 negation in an earlier clause (men) does not count",
        "IP01",
        "pass",
        [{"doc_date": days(2), "text": "Ønsket ikke IP, men er informert om koordinator."}],
    ),
    Case(
        "IP01 negation on the previous line does not count",
        "IP01",
        "pass",
        [{"doc_date": days(2), "text": "Ikke aktuelt med innleggelse nå\nInformert om IP."}],
    ),
    Case(
        "IP01 nynorsk negation ikkje",
        "IP01",
        "fail",
        [{"doc_date": days(2), "text": "Pasienten er ikkje informert om individuell plan."}],
    ),
    Case(
        "IP01 unsigned draft is ignored",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": days(2), "status": "Kladd"}],
    ),
    Case(
        "IP01 draft status in other words and case",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": days(2), "status": " UTKAST "}],
    ),
    Case(
        "IP01 signed document counts",
        "IP01",
        "pass",
        [{"doc_type": "INFO_IP", "doc_date": days(2), "status": "Godkjent"}],
    ),
    Case(
        "IP01 info before the lookback window does not count",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": days(-91)}],
    ),
    Case(
        "IP01 info on the first day of the lookback window counts",
        "IP01",
        "pass",
        [{"doc_type": "INFO_IP", "doc_date": days(-90)}],
    ),
    Case(
        "IP01 info dated after as_of is ignored",
        "IP01",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": AS_OF + dt.timedelta(days=1)}],
    ),
    # IP03
    Case(
        "IP03 consent before the notice",
        "IP03",
        "pass",
        [
            {"doc_type": "SAMTYKKE", "doc_date": days(1), "consent_scope": ["ip", "melding_kommune"]},
            {"doc_type": "MELDING_KE", "doc_date": days(3)},
        ],
        evidence=["D0"],
    ),
    Case(
        "IP03 consent on the same day as the notice",
        "IP03",
        "pass",
        [{"doc_type": "SAMTYKKE", "doc_date": days(3)}, {"doc_type": "MELDING_KE", "doc_date": days(3)}],
    ),
    Case(
        "IP03 consent only after the notice",
        "IP03",
        "fail",
        [{"doc_type": "MELDING_KE", "doc_date": days(3)}, {"doc_type": "SAMTYKKE", "doc_date": days(4)}],
        message="dokumentert etter melding/plan",
    ),
    Case(
        "IP03 notice and no consent at all",
        "IP03",
        "fail",
        [{"doc_type": "MELDING_KE", "doc_date": days(3)}],
        message="Samtykke mangler",
    ),
    Case(
        "IP03 plan without consent fails at once, even before info_days",
        "IP03",
        "fail",
        [{"doc_type": "IP_PLAN", "doc_date": days(1)}],
        as_of=days(2),
        message="Samtykke mangler",
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
    ),
    Case(
        "IP03 scope without melding_kommune is fine before a plan",
        "IP03",
        "pass",
        [
            {"doc_type": "SAMTYKKE", "doc_date": days(1), "consent_scope": ["ip"]},
            {"doc_type": "IP_PLAN", "doc_date": days(3)},
        ],
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
    ),
    Case(
        "IP03 consent document without stated scope covers",
        "IP03",
        "pass",
        [{"doc_type": "SAMTYKKE", "doc_date": days(1)}, {"doc_type": "MELDING_KE", "doc_date": days(3)}],
    ),
    Case("IP03 no action, consent in window", "IP03", "pass", [{"doc_type": "SAMTYKKE", "doc_date": days(20)}]),
    Case("IP03 no action, no consent, within info_days is pending", "IP03", "pending", as_of=days(14)),
    Case("IP03 no action, no consent, past info_days fails", "IP03", "fail", as_of=days(15)),
    Case(
        "IP03 does not apply without wish or action",
        "IP03",
        "not_applicable",
        assessments=[{"assessed_date": INDEX, "wants_ip": False, "wants_coordinator": False}],
    ),
    Case(
        "IP03 applies when a coordinator is appointed",
        "IP03",
        "fail",
        assessments=[{"assessed_date": INDEX, "wants_ip": False, "wants_coordinator": False}],
        coordinators=[{"name": "Kari Nordmann", "appointed_date": days(5)}],
    ),
    Case(
        "IP03 negated consent text is no consent",
        "IP03",
        "fail",
        [
            {"doc_date": days(1), "text": "Pasienten har ikke samtykket til melding."},
            {"doc_type": "MELDING_KE", "doc_date": days(3)},
        ],
    ),
    # IP05
    Case("IP05 named coordinator", "IP05", "pass", coordinators=[{"name": "Kari Nordmann", "appointed_date": days(5)}]),
    Case(
        "IP05 placeholder NN",
        "IP05",
        "fail",
        coordinators=[{"name": " NN ", "appointed_date": days(5)}],
        message="1 av 1 koordinatorrader",
    ),
    Case(
        "IP05 placeholder n.n. and Ukjent",
        "IP05",
        "fail",
        coordinators=[{"name": "n.n.", "appointed_date": days(5)}, {"name": "Ukjent", "appointed_date": days(6)}],
        message="2 av 2",
    ),
    Case("IP05 blank name", "IP05", "fail", coordinators=[{"name": None, "appointed_date": days(5)}]),
    Case("IP05 one letter is no name", "IP05", "fail", coordinators=[{"name": "K", "appointed_date": days(5)}]),
    Case("IP05 two letters is a name", "IP05", "pass", coordinators=[{"name": "Bo", "appointed_date": days(5)}]),
    Case(
        "IP05 one of two rows lacks a name",
        "IP05",
        "fail",
        coordinators=[{"name": "Kari Nordmann", "appointed_date": days(5)}, {"name": "-", "appointed_date": days(9)}],
        message="1 av 2",
    ),
    Case("IP05 no coordinator is not applicable", "IP05", "not_applicable"),
    Case(
        "IP05 coordinator appointed after as_of does not count",
        "IP05",
        "not_applicable",
        coordinators=[{"name": "-", "appointed_date": AS_OF + dt.timedelta(days=1)}],
    ),
    Case(
        "IP05 without a coordinators table",
        "IP05",
        "not_applicable",
        coordinators=None,
        message="mangler tabellen coordinators",
    ),
    # IP06
    Case("IP06 notice on the deadline day", "IP06", "pass", [{"doc_type": "MELDING_KE", "doc_date": days(14)}]),
    Case(
        "IP06 notice the day after the deadline",
        "IP06",
        "fail",
        [{"doc_type": "MELDING_KE", "doc_date": days(15)}],
        message="sendt 15 dager etter vurdering (frist 14); fristen var 17.03.2025.",
    ),
    Case("IP06 no notice, past due", "IP06", "fail", message="ikke sendt"),
    Case("IP06 no notice, on the due date", "IP06", "pending", as_of=days(14)),
    Case(
        "IP06 notice before the index date within lookback",
        "IP06",
        "pass",
        [{"doc_type": "MELDING_KE", "doc_date": days(-30)}],
    ),
    Case(
        "IP06 only specialist services: not applicable",
        "IP06",
        "not_applicable",
        assessments=[{**WANTS, "services_from": "spesialist"}],
    ),
    Case("IP06 services_from null applies", "IP06", "fail", assessments=[{**WANTS, "services_from": None}]),
    Case(
        "IP06 services from both applies",
        "IP06",
        "pass",
        [{"doc_type": "MELDING_KE", "doc_date": days(2)}],
        assessments=[{**WANTS, "services_from": "begge"}],
    ),
    Case(
        "IP06 no wish: not applicable",
        "IP06",
        "not_applicable",
        assessments=[{"assessed_date": INDEX, "wants_ip": False, "wants_coordinator": None}],
    ),
    Case(
        "IP06 wish documented in a later assessment",
        "IP06",
        "fail",
        assessments=[
            {"assessed_date": INDEX},
            {"assessed_date": days(3), "need": "uavklart", "wants_coordinator": True},
        ],
    ),
    Case(
        "IP06 a notice by text alone does not count",
        "IP06",
        "fail",
        [{"doc_date": days(2), "text": "Melding til koordinerende enhet er sendt."}],
    ),
    # IP07
    Case(
        "IP07 criteria not met, no guidance, past info_days",
        "IP07",
        "fail",
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
        message="fyller ikke vilkårene",
    ),
    Case(
        "IP07 criteria not met, within info_days is pending",
        "IP07",
        "pending",
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
        as_of=days(14),
    ),
    Case(
        "IP07 criteria not met, guidance in nynorsk",
        "IP07",
        "pass",
        [{"doc_date": days(3), "text": "Pasienten er rettleia om klage."}],
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
    ),
    Case(
        "IP07 guidance before the index date does not count",
        "IP07",
        "fail",
        [{"doc_type": "KLAGEVEILEDNING", "doc_date": days(-1)}],
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
    ),
    Case(
        "IP07 guidance negated",
        "IP07",
        "fail",
        [{"doc_date": days(3), "text": "Ikke orientert om klagerett."}],
        assessments=[{"assessed_date": INDEX, "criteria_met": False}],
    ),
    Case(
        "IP07 (b) wants IP, no plan after plan_days",
        "IP07",
        "fail",
        assessments=[{**WANTS, "wants_coordinator": False}],
        as_of=days(91),
        message="ingen individuell plan etter 90 dager",
    ),
    Case(
        "IP07 (b) not yet on day plan_days",
        "IP07",
        "not_applicable",
        assessments=[{**WANTS, "wants_coordinator": False}],
        as_of=days(90),
    ),
    Case(
        "IP07 (b) plan exists",
        "IP07",
        "not_applicable",
        [{"doc_type": "IP_PLAN", "doc_date": days(40)}],
        assessments=[{**WANTS, "wants_coordinator": False}],
    ),
    Case(
        "IP07 (c) wants coordinator, none after coordinator_days",
        "IP07",
        "fail",
        assessments=[{**WANTS, "wants_ip": False}],
        as_of=days(31),
        message="ingen koordinator etter 30 dager",
    ),
    Case(
        "IP07 (c) not yet on day coordinator_days",
        "IP07",
        "not_applicable",
        assessments=[{**WANTS, "wants_ip": False}],
        as_of=days(30),
    ),
    Case(
        "IP07 (c) off without a coordinators table",
        "IP07",
        "not_applicable",
        assessments=[{**WANTS, "wants_ip": False}],
        coordinators=None,
    ),
    Case(
        "IP07 (b) with guidance passes",
        "IP07",
        "pass",
        [{"doc_type": "KLAGEVEILEDNING", "doc_date": days(95)}],
        assessments=[{**WANTS, "wants_coordinator": False}],
        as_of=days(100),
    ),
    Case(
        "IP07 no negative outcome",
        "IP07",
        "not_applicable",
        assessments=[{"assessed_date": INDEX, "criteria_met": True}],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_core_rule_edge(case: Case) -> None:
    check_case(case)
