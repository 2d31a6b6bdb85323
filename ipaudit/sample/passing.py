"""Patients who pass every rule (or are not_applicable): plain compliant ones and the edges.

Each edge here is a case an engine could get wrong in the failing direction: information on
the deadline day or after it, consent scope that covers the notice, a notice on day 14, a
first contact on day 14, a coordinator re-appointed under another spelling, the 2020
suspension of the right to IP. Their ``expect`` is empty, except the suspended patients
with a coordinator or information gap (coordinator duties were not suspended).
"""

from __future__ import annotations

import datetime as dt

from ipaudit.sample import vocabulary as voc
from ipaudit.sample.catalogue import (
    NOT_SPECIALIST,
    SUSPENSION,
    Ctx,
    first_start,
    scenario,
    second_coordinator,
    style,
)
from ipaudit.sample.spec import BARNEKOORDINATOR_FROM, Assessment, PatientSpec, adult_born, child_born


# ---------------------------------------------------------------- compliant and passing edges
@scenario(45)
def compliant_patient(c: Ctx) -> PatientSpec:
    return c.base(c.old() if c.rng.random() < 0.85 else c.recent(0, 110))


@scenario(3)
def declines_ip_and_coordinator(c: Ctx) -> PatientSpec:
    return c.base(c.old(), wants_ip=False, wants_coordinator=False)


@scenario(1)
def ip01_info_on_deadline_day(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info = [(14, style(c.rng))]
    return s


@scenario(1)
def ip01_info_late(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info = [(c.rng.randint(15, 40), style(c.rng))]
    return s


@scenario(1)
def ip01_info_in_journal_note(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info = [(c.rng.randint(0, 14), "note")]
    return s


@scenario(0.5)
def ip01_info_before_index(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info = [(-c.rng.randint(1, 60), style(c.rng))]
    return s


@scenario(1)
def ip02_wants_ip_filled_in_later(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True)
    s.assessments[0].wants_ip = None
    s.assessments.append(Assessment(c.rng.randint(1, 10), "ja", None, True, None, None))
    return s


@scenario(1)
def ip03_scope_covers_notice(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, services=c.rng.choice(NOT_SPECIALIST), combined=False)
    s.consent = [(s.consent[0][0], "type", c.rng.choice(voc.FULL_SCOPES))]
    return s


@scenario(0.5)
def ip03_narrow_scope_before_plan(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, services="spesialist", plan=True, combined=False)
    s.consent = [(s.consent[0][0], "type", c.rng.choice(voc.NARROW_SCOPES))]
    return s


@scenario(1)
def ip06_notice_on_deadline_day(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, services=c.rng.choice(NOT_SPECIALIST))
    s.notices = [14]
    return s


@scenario(0.5)
def ip06_notice_before_index(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, services=c.rng.choice(NOT_SPECIALIST), combined=False)
    notice = -c.rng.randint(1, 60)
    s.notices = [notice]
    s.consent = [(max(notice - c.rng.randint(0, 20), -90), "text", None)]
    return s


@scenario(1)
def ip06_services_from_specialist(c: Ctx) -> PatientSpec:
    return c.base(c.old(), wants_ip=True, wants_coordinator=True, services="spesialist")


@scenario(1)
def ip07a_klage_nynorsk(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), criteria=False, wants_ip=False, wants_coordinator=False)
    s.klage = [(c.rng.randint(0, 14), "nynorsk")]
    return s


@scenario(1)
def ip07a_klage_bokmal(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), criteria=False, wants_ip=False, wants_coordinator=False)
    s.klage = [(c.rng.randint(0, 30), c.rng.choice(("type", "note")))]
    return s


@scenario(1)
def ip07b_municipality_owns_the_plan(c: Ctx) -> PatientSpec:
    # v2: services from both levels (or the municipality): the hospital extract cannot show the plan.
    return c.base(c.old(), wants_ip=True, services=c.rng.choice(NOT_SPECIALIST), plan=False)


@scenario(0.5)
def ip12_plan_after_the_due_date(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, services="spesialist", plan=False)
    s.plans = [(c.rng.randint(91, s.span), s.unit)]
    return s


@scenario(0.5, needs_as_of=BARNEKOORDINATOR_FROM + dt.timedelta(days=90))
def ip13_child_informed_late(c: Ctx) -> PatientSpec:
    index = c.since(BARNEKOORDINATOR_FROM, 60, 1500)
    s = c.base(index)
    s.born, s.birth_known = child_born(c.rng, index), True
    s.barnekoordinator = [c.rng.randint(15, 40)]
    return s


@scenario(0.5, needs_as_of=BARNEKOORDINATOR_FROM + dt.timedelta(days=30))
def ip13_child_before_in_force(c: Ctx) -> PatientSpec:
    index = BARNEKOORDINATOR_FROM - dt.timedelta(days=c.rng.randint(1, 700))
    while SUSPENSION[0] <= index <= SUSPENSION[1]:
        index -= dt.timedelta(days=70)
    s = c.base(index)
    s.born, s.birth_known, s.barnekoordinator = child_born(c.rng, index), True, []
    return s


@scenario(0.5)
def ip13_eighteenth_birthday_on_index(c: Ctx) -> PatientSpec:
    s = c.base(c.old())
    born = s.index.replace(year=s.index.year - 18) if (s.index.month, s.index.day) != (2, 29) else None
    s.born = born or adult_born(c.rng, s.index)
    s.birth_known, s.barnekoordinator = True, []
    return s


@scenario(0.3)
def ip13_child_birth_date_unknown(c: Ctx) -> PatientSpec:
    s = c.base(c.old())
    s.born, s.birth_known, s.barnekoordinator = child_born(c.rng, s.index), False, []
    return s


@scenario(0.5)
def ip08_first_contact_on_day_14(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    day = s.coordinators[0].day = c.rng.randint(0, 30)
    s.coordinators[0].level, s.coordinators[0].contact = "kommune", day + 14
    return s


@scenario(0.5)
def ip09_epikrise_before_coordinator(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    s.epikrise = [(first_start(s) - c.rng.randint(1, 30), "no")]
    return s


@scenario(0.5)
def ip10_consent_renewed(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    day = min(s.coordinators[0].day + c.rng.randint(30, 200), s.span)
    second_coordinator(c, s, day, same_name=False)
    s.consent.append((min(day + c.rng.randint(0, 14), s.span), c.rng.choice(("type", "text")), None))
    return s


@scenario(0.5)
def ip10_same_coordinator_other_spelling(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    second_coordinator(c, s, min(s.coordinators[0].day + c.rng.randint(30, 200), s.span), True)
    return s


@scenario(0.5)
def ip11_two_plans_same_unit(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, plan=True)
    day, unit = s.plans[0]
    s.plans.append((min(day + c.rng.randint(10, 200), s.span), unit))
    return s


# ---------------------------------------------------------------- suspension (2020)
@scenario(1, needs_2020=True)
def suspended_compliant(c: Ctx) -> PatientSpec:
    return c.base(c.suspended())


@scenario(1, needs_2020=True)
def suspended_no_plan(c: Ctx) -> PatientSpec:
    return c.base(c.suspended(), wants_ip=True, plan=False)


@scenario(0.5, needs_2020=True)
def suspended_wants_ip_blank(c: Ctx) -> PatientSpec:
    return c.base(c.suspended(), wants_ip=None, wants_coordinator=True)


@scenario(0.5, needs_2020=True)
def suspended_plans_from_two_units(c: Ctx) -> PatientSpec:
    s = c.base(c.suspended(), wants_ip=True, plan=True)
    day, unit = s.plans[0]
    other = c.rng.choice([u for u in voc.UNITS if u != unit])
    s.plans.append((day + c.rng.randint(10, 200), other))
    return s


@scenario(0.5, needs_2020=True)
def suspended_first_and_last_day_no_plan(c: Ctx) -> PatientSpec:
    return c.base(c.rng.choice(SUSPENSION), wants_ip=True, plan=False)


@scenario(0.3, needs_2020=True)
def suspended_no_info(c: Ctx) -> PatientSpec:
    s = c.base(c.suspended(), combined=False)
    s.info = []
    s.expect = {"IP01": "fail"}
    return s


@scenario(0.3, needs_2020=True)
def suspended_no_coordinator(c: Ctx) -> PatientSpec:
    s = c.base(c.suspended(), wants_ip=True, wants_coordinator=None)
    s.expect = {"IP04": "fail"}
    return s


@scenario(0.5, needs_2020=True)
def ip07b_day_before_or_after_suspension(c: Ctx) -> PatientSpec:
    day = c.rng.choice((SUSPENSION[0] - dt.timedelta(days=1), SUSPENSION[1] + dt.timedelta(days=1)))
    s = c.base(day, wants_ip=True, services="spesialist", plan=False)
    s.expect = {"IP07": "fail", "IP12": "fail"}
    return s
