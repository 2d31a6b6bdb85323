"""The rest of the catalogue (IP00, IP02, IP04, IP08–IP11, HB01), suspensions and waivers."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ipaudit.waivers import Waiver
from tests.builders import AS_OF, INDEX, WANTS, Case, check_case, d, days, make_extract, outcome, run

KARI = {"name": "Kari Nordmann", "phone": "+47 22 33 44 55", "appointed_date": days(5)}

CASES = [
    # IP02
    Case("IP02 both documented", "IP02", "pass"),
    Case(
        "IP02 a documented no is documentation",
        "IP02",
        "pass",
        assessments=[{"assessed_date": INDEX, "criteria_met": True, "wants_ip": False}],
    ),
    Case(
        "IP02 blank wants_ip past due",
        "IP02",
        "fail",
        assessments=[{"assessed_date": INDEX, "criteria_met": True}],
        message="om pasienten ønsker IP",
    ),
    Case(
        "IP02 blank wants_ip on the due date is pending",
        "IP02",
        "pending",
        assessments=[{"assessed_date": INDEX, "criteria_met": True}],
        as_of=days(14),
    ),
    Case(
        "IP02 filled in by a later assessment",
        "IP02",
        "pass",
        assessments=[
            {"assessed_date": INDEX},
            {"assessed_date": days(20), "need": "uavklart", "criteria_met": True, "wants_ip": True},
        ],
    ),
    Case(
        "IP02 an assessment before the index date does not document",
        "IP02",
        "fail",
        assessments=[
            {"assessed_date": days(-5), "need": "nei", "criteria_met": True, "wants_ip": True},
            {"assessed_date": INDEX},
        ],
    ),
    # IP04
    Case(
        "IP04 coordinator without a name counts",
        "IP04",
        "pass",
        coordinators=[{"name": None, "appointed_date": days(30)}],
    ),
    Case("IP04 declined coordinator", "IP04", "pass", assessments=[{**WANTS, "wants_coordinator": False}]),
    Case("IP04 none, on day 30 pending", "IP04", "pending", as_of=days(30)),
    Case("IP04 none, day 31 fails", "IP04", "fail", as_of=days(31)),
    Case(
        "IP04 appointed late still satisfies",
        "IP04",
        "pass",
        coordinators=[{"name": "Kari", "appointed_date": days(45)}],
    ),
    Case("IP04 without coordinators table", "IP04", "not_applicable", coordinators=None, message="coordinators"),
    # IP08 (unn)
    Case(
        "IP08 first contact on day 14",
        "IP08",
        "pass",
        profile="unn",
        coordinators=[{**KARI, "first_contact_date": days(19)}],
    ),
    Case(
        "IP08 first contact on day 15",
        "IP08",
        "fail",
        profile="unn",
        coordinators=[{**KARI, "first_contact_date": days(20)}],
    ),
    Case(
        "IP08 no first contact yet, within the deadline",
        "IP08",
        "pending",
        profile="unn",
        coordinators=[KARI],
        as_of=days(19),
    ),
    Case("IP08 no first contact, past the deadline", "IP08", "fail", profile="unn", coordinators=[KARI]),
    Case(
        "IP08 specialist coordinator only",
        "IP08",
        "not_applicable",
        profile="unn",
        coordinators=[{**KARI, "level": "spesialist"}],
    ),
    # IP09 (unn)
    Case(
        "IP09 epikrise mentions the coordinator",
        "IP09",
        "pass",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(40), "text": "Koordinator er Kari Nordmann."}],
    ),
    Case(
        "IP09 epikrise silent",
        "IP09",
        "fail",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(40), "text": "Utskrevet til hjemmet."}],
    ),
    Case(
        "IP09 epikrise says no coordinator",
        "IP09",
        "fail",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(40), "text": "Har ingen koordinator."}],
    ),
    Case(
        "IP09 only an epikrise before the coordinator",
        "IP09",
        "not_applicable",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_type": "EPIKRISE", "doc_date": days(1), "text": "Utskrevet."}],
    ),
    Case(
        "IP09 a journal note mentioning IP is no epikrise",
        "IP09",
        "not_applicable",
        profile="unn",
        coordinators=[KARI],
        documents=[{"doc_date": days(40), "text": "Individuell plan drøftet."}],
    ),
    # IP10
    Case(
        "IP10 new coordinator, consent renewed on the day",
        "IP10",
        "pass",
        coordinators=[KARI, {"name": "Ola Hansen", "appointed_date": days(40)}],
        documents=[{"doc_type": "SAMTYKKE", "doc_date": days(40)}],
    ),
    Case(
        "IP10 new coordinator, old consent only",
        "IP10",
        "fail",
        coordinators=[KARI, {"name": "Ola Hansen", "appointed_date": days(40)}],
        documents=[{"doc_type": "SAMTYKKE", "doc_date": days(2)}],
    ),
    Case(
        "IP10 new coordinator, within info_days pending",
        "IP10",
        "pending",
        as_of=days(54),
        coordinators=[KARI, {"name": "Ola Hansen", "appointed_date": days(40)}],
    ),
    Case(
        "IP10 same name in other case and blanks is no change",
        "IP10",
        "not_applicable",
        coordinators=[KARI, {"name": "  kari nordmann ", "appointed_date": days(40)}],
    ),
    Case(
        "IP10 a placeholder after a named coordinator is no new coordinator",
        "IP10",
        "not_applicable",
        coordinators=[KARI, {"name": "NN", "appointed_date": days(40)}],
    ),
    Case(
        "IP10 a real name after a placeholder is no change of coordinator either",
        "IP10",
        "not_applicable",
        coordinators=[{**KARI, "name": "-"}, {"name": "Ola Hansen", "appointed_date": days(40)}],
    ),
    # IP11
    Case(
        "IP11 plans from one unit",
        "IP11",
        "pass",
        documents=[
            {"doc_type": "IP_PLAN", "doc_date": days(10), "unit": "DPS Nord"},
            {"doc_type": "IP_PLAN", "doc_date": days(60), "unit": "DPS Nord"},
        ],
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
    ),
    Case("IP11 no plan", "IP11", "not_applicable"),
    # HB01 (helse-bergen)
    Case("HB01 eight digits with +47 and spaces", "HB01", "pass", profile="helse-bergen", coordinators=[KARI]),
    Case(
        "HB01 seven digits", "HB01", "fail", profile="helse-bergen", coordinators=[{**KARI, "phone": "+47 223 344 5"}]
    ),
    Case("HB01 missing phone", "HB01", "fail", profile="helse-bergen", coordinators=[{**KARI, "phone": None}]),
    Case("HB01 no coordinator", "HB01", "not_applicable", profile="helse-bergen"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_catalogue_rule_edge(case: Case) -> None:
    check_case(case)


def _episodes_result(episodes, assessments=()):
    extract = make_extract(patients=["P1"], assessments=list(assessments), episodes=episodes)
    return run(extract).results.filter(pl.col("rule_id") == "IP00")


def test_ip00_flags_21_inpatient_days_without_assessment() -> None:
    rows = _episodes_result(
        [{"unit": "Med", "care_type": "døgn", "start_date": d("2025-01-01"), "end_date": d("2025-01-22")}]
    )
    assert rows.get_column("status").to_list() == ["fail"]
    assert "21 døgndager" in rows.item(0, "message")


def test_ip00_20_inpatient_days_is_not_at_risk() -> None:
    rows = _episodes_result(
        [{"unit": "Med", "care_type": "døgn", "start_date": d("2025-01-01"), "end_date": d("2025-01-21")}]
    )
    assert rows.height == 0


def test_ip00_open_stay_counts_until_as_of() -> None:
    rows = _episodes_result([{"unit": "Med", "care_type": "døgn", "start_date": AS_OF - dt.timedelta(days=21)}])
    assert rows.height == 1


def test_ip00_planned_discharge_after_as_of_counts_to_the_end_date() -> None:
    # spec: (end_date, or as_of if open, − start_date); only an open stay stops at as_of.
    rows = _episodes_result(
        [
            {
                "unit": "Med",
                "care_type": "døgn",
                "start_date": AS_OF - dt.timedelta(days=10),
                "end_date": AS_OF + dt.timedelta(days=20),
            }
        ]
    )
    assert rows.get_column("status").to_list() == ["fail"] and "30 døgndager" in rows.item(0, "message")


def test_ip00_has_no_compliance_rate_per_rule_or_per_unit() -> None:
    extract = make_extract(
        patients=["P1"],
        episodes=[{"unit": u, "start_date": d("2025-02-01")} for u in ("A", "B", "C")],
    )
    result = run(extract)
    assert result.rule("IP00").compliance_rate is None
    units = result.units.filter(pl.col("rule_id") == "IP00")
    assert units.height == 1 and units.item(0, "fail") == 1 and units.item(0, "compliance_rate") is None


def test_ip00_day_care_days_do_not_count() -> None:
    rows = _episodes_result(
        [{"unit": "Med", "care_type": "dag", "start_date": d("2025-01-01"), "end_date": d("2025-03-01")}]
    )
    assert rows.height == 0


def test_ip00_three_units() -> None:
    rows = _episodes_result([{"unit": u, "start_date": d("2025-02-01")} for u in ("A", "B", "C")])
    # Reported under the unit of the latest episode (same start date: the last row).
    assert rows.height == 1 and rows.item(0, "unit") == "C"


def test_ip00_any_assessment_removes_the_patient() -> None:
    rows = _episodes_result(
        [{"unit": u, "start_date": d("2025-02-01")} for u in ("A", "B", "C")],
        assessments=[{"assessed_date": d("2025-02-02"), "need": "nei"}],
    )
    assert rows.height == 0


def test_ip00_not_run_without_episodes() -> None:
    result = run(make_extract(assessments=[WANTS]))
    assert result.results.filter(pl.col("rule_id") == "IP00").height == 0
    assert "Ikke kjørt" in result.rule("IP00").note


# Suspension boundaries: 2020-03-27 .. 2020-05-26 inclusive; IP02 (ip-right) vs IP01 (not).
@pytest.mark.parametrize(
    ("index", "suspended"),
    [(d("2020-03-26"), False), (d("2020-03-27"), True), (d("2020-05-26"), True), (d("2020-05-27"), False)],
    ids=["day before", "first day", "last day", "day after"],
)
def test_suspension_boundaries(index: dt.date, suspended: bool) -> None:
    extract = make_extract(
        assessments=[{"assessed_date": index, "criteria_met": None, "wants_ip": True, "wants_coordinator": False}],
        documents=[{"doc_type": "KLAGEVEILEDNING", "doc_date": index}],
    )
    result = run(extract, as_of=d("2020-12-31"))
    ip02 = outcome(result, "IP02")
    assert (ip02["status"] == "not_applicable") is suspended
    if suspended:
        assert "Midlertidig opphør av retten til individuell plan" in ip02["message"]
    assert outcome(result, "IP01")["status"] == "fail"  # information duty not suspended
    ip07 = outcome(result, "IP07")  # branch (b): wants IP, no plan after 90 days
    assert ip07["status"] == ("not_applicable" if suspended else "pass")


def test_suspension_keeps_coordinator_branch_of_ip07() -> None:
    extract = make_extract(
        assessments=[
            {"assessed_date": d("2020-04-01"), "criteria_met": True, "wants_ip": True, "wants_coordinator": True}
        ],
    )
    row = outcome(run(extract, as_of=d("2020-12-31")), "IP07")
    assert row["status"] == "fail"
    assert "ingen koordinator" in row["message"] and "individuell plan" not in row["message"]


def _waiver(expires: dt.date, rule: str = "IP01", patient: str = "P1") -> Waiver:
    return Waiver(rule, patient, "Informert muntlig, dokumentert på papir", "Kari Revisor", expires)


def test_waiver_applies_until_its_last_day() -> None:
    extract = make_extract(assessments=[WANTS])
    result = run(extract, waivers=(_waiver(AS_OF),))
    row = outcome(result, "IP01")
    assert (row["status"], row["original_status"]) == ("waived", "fail")
    assert row["waiver_reason"].startswith("Informert muntlig") and row["waiver_approved_by"] == "Kari Revisor"
    assert [w.state for w in result.waivers] == ["applied"]
    assert result.rule("IP01").counts["waived"] == 1


def test_waiver_expired_the_day_before_as_of() -> None:
    result = run(make_extract(assessments=[WANTS]), waivers=(_waiver(AS_OF - dt.timedelta(days=1)),))
    assert outcome(result, "IP01")["status"] == "fail"
    assert [w.state for w in result.waivers] == ["expired"]


def test_waiver_for_a_passing_result_is_unused() -> None:
    extract = make_extract(assessments=[WANTS], documents=[{"doc_type": "INFO_IP", "doc_date": INDEX}])
    result = run(extract, waivers=(_waiver(AS_OF), _waiver(AS_OF, patient="P9")))
    assert outcome(result, "IP01")["status"] == "pass"
    assert [w.state for w in result.waivers] == ["unused", "unused"]
