"""What the engine does around the checks: suspensions, in-force dates, children figures and waivers.

The rules' own edge cases are in tests/rules/test_<ID>.py."""

from __future__ import annotations

import datetime as dt

import pytest

from ipaudit.waivers import Waiver
from tests.builders import AS_OF, INDEX, WANTS, d, make_extract, outcome, run


# Suspension boundaries: 2020-03-27 .. 2020-05-26 inclusive; IP02 (ip-right) vs IP01 (not).
@pytest.mark.parametrize(
    ("index", "suspended"),
    [(d("2020-03-26"), False), (d("2020-03-27"), True), (d("2020-05-26"), True), (d("2020-05-27"), False)],
    ids=["day before", "first day", "last day", "day after"],
)
def test_suspension_boundaries(index: dt.date, suspended: bool) -> None:
    extract = make_extract(
        assessments=[
            {
                "assessed_date": index,
                "criteria_met": None,
                "wants_ip": True,
                "wants_coordinator": False,
                "services_from": "spesialist",
            }
        ],
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


def test_children_figures_count_patients_under_18_on_the_index_date() -> None:
    extract = make_extract(
        patients=["P1", "P2", "P3"],
        birth_dates={"P1": d("2010-01-01"), "P2": d("1980-01-01"), "P3": d("2007-03-03")},  # P3: 18 on INDEX
        assessments=[{**WANTS, "patient_id": p} for p in ("P1", "P2", "P3")],
        documents=[{"patient_id": "P1", "doc_type": "INFO_IP", "doc_date": INDEX}],
    )
    ip01 = run(extract).rule("IP01")
    assert ip01.counts["pass"] == 1 and ip01.counts["fail"] == 2
    assert ip01.children == {"pass": 1, "fail": 0, "pending": 0, "not_applicable": 0, "waived": 0}
    assert ip01.children_rate == 1.0


def test_rule_texts_carry_the_profiles_values_never_a_parameter_name(tmp_path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('extends = "unn"\n[parameters]\nfirst_contact_days = 1\n', encoding="utf-8")
    result = run(make_extract(assessments=[WANTS]), profile=str(profile))
    assert result.rule("IP08").meta.title == "Koordinator i kommunen: første kontakt innen 1 dag"
    assert "minst 21 døgndager eller kontakter ved minst 3 enheter" in result.rule("IP00").meta.applies_to
    for rule in result.rules:
        texts = (rule.meta.title, rule.meta.applies_to, rule.meta.satisfied_by, rule.meta.due, rule.meta.finding)
        assert not any(name in text for text in texts for name in rule.parameters), rule.meta.id
