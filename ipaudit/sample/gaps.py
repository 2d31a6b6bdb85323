"""Patients with exactly one gap, recorded in ``spec.expect`` as the audit must report it.

One section per rule; each gap names itself (``ip06_notice_on_day_15_or_later``) and is
built from a compliant patient by removing or moving one thing. ``pending`` gaps use an
index date so recent that as_of is on or before the rule's due date.
"""

from __future__ import annotations

import datetime as dt

from ipaudit.sample import vocabulary as voc
from ipaudit.sample.catalogue import (
    NOT_SPECIALIST,
    Ctx,
    first_start,
    scenario,
    second_coordinator,
    style,
)
from ipaudit.sample.spec import (
    BARNEKOORDINATOR_FROM,
    Assessment,
    Coordinator,
    Doc,
    PatientSpec,
    child_born,
    coordinator,
    person,
    phone,
)


# ---------------------------------------------------------------- IP01
@scenario(2)
def ip01_no_info(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info, s.expect = [], {"IP01": "fail"}
    return s


@scenario(1.5)
def ip01_only_negated(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info, s.expect = [], {"IP01": "fail"}
    for _ in range(c.rng.randint(1, 2)):
        s.docs.append(Doc(c.rng.randint(0, 14), "JOURNALNOTAT", c.rng.choice(voc.INFO_NEGATED)))
    return s


@scenario(1.5)
def ip01_only_draft(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info, s.expect = [], {"IP01": "fail"}
    s.docs.append(Doc(c.rng.randint(0, 14), "INFO_IP", voc.INFO_TEXTS["type"][0], signed=False))
    return s


@scenario(0.7)
def ip01_only_before_window(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), combined=False)
    s.info, s.expect = [(-c.rng.randint(91, 250), style(c.rng))], {"IP01": "fail"}
    return s


@scenario(0.5)
def ip01_only_after_as_of(c: Ctx) -> PatientSpec:
    s = c.base(c.recent(20, 60), combined=False)
    s.info, s.expect = [(s.span + c.rng.randint(1, 30), style(c.rng))], {"IP01": "fail"}
    return s


@scenario(1)
def ip01_pending(c: Ctx) -> PatientSpec:
    s = c.base(c.recent(0, 14), combined=False)
    s.info, s.expect = [], {"IP01": "pending"}
    if c.rng.random() < 0.5:
        s.info = [(s.span + c.rng.randint(1, 20), style(c.rng))]
    return s


# ---------------------------------------------------------------- IP02
@scenario(1.5)
def ip02_wants_ip_blank(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=None, wants_coordinator=True)
    s.expect = {"IP02": "fail"}
    return s


@scenario(1)
def ip02_criteria_blank(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), criteria=None)
    s.expect = {"IP02": "fail"}
    return s


@scenario(0.5)
def ip02_wants_ip_only_before_index(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=None, wants_coordinator=True)
    s.assessments.append(Assessment(-c.rng.randint(10, 60), "uavklart", True, True, True, "begge"))
    s.expect = {"IP02": "fail"}
    return s


@scenario(0.7)
def ip02_pending(c: Ctx) -> PatientSpec:
    s = c.base(c.recent(0, 14), wants_ip=None, wants_coordinator=True)
    s.expect = {"IP02": "pending"}
    return s


# ---------------------------------------------------------------- IP03
def _with_notice(c: Ctx, index: dt.date) -> PatientSpec:
    return c.base(index, wants_ip=True, services=c.rng.choice(NOT_SPECIALIST), combined=False)


@scenario(1.5)
def ip03_no_consent_before_notice(c: Ctx) -> PatientSpec:
    s = _with_notice(c, c.old())
    s.consent, s.expect = [], {"IP03": "fail"}
    return s


@scenario(1)
def ip03_consent_after_notice(c: Ctx) -> PatientSpec:
    s = _with_notice(c, c.old())
    style = c.rng.choice(("type", "text"))
    s.consent = [(s.notices[0] + c.rng.randint(1, 10), style, None)]
    s.expect = {"IP03": "fail"}
    return s


@scenario(1.5)
def ip03_scope_lacks_melding_kommune(c: Ctx) -> PatientSpec:
    s = _with_notice(c, c.old())
    s.consent = [(s.consent[0][0], "type", c.rng.choice(voc.NARROW_SCOPES))]
    s.expect = {"IP03": "fail"}
    return s


def _coordinator_only(c: Ctx, index: dt.date) -> PatientSpec:
    s = c.base(index, wants_ip=False, wants_coordinator=True, services="spesialist", combined=False)
    s.consent = []
    return s


@scenario(1)
def ip03_no_action_no_consent(c: Ctx) -> PatientSpec:
    s = _coordinator_only(c, c.old())
    s.expect = {"IP03": "fail"}
    return s


@scenario(0.7)
def ip03_no_action_pending(c: Ctx) -> PatientSpec:
    s = _coordinator_only(c, c.recent(0, 14))
    s.expect = {"IP03": "pending"}
    return s


# ---------------------------------------------------------------- IP04
@scenario(1.5)
def ip04_no_coordinator(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, wants_coordinator=None)
    s.expect = {"IP04": "fail"}
    return s


@scenario(1)
def ip04_wanted_coordinator_missing(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    s.coordinators, s.expect = [], {"IP04": "fail", "IP07": "fail"}
    return s


@scenario(0.5)
def ip04_wanted_coordinator_missing_klage(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    s.coordinators, s.expect = [], {"IP04": "fail"}
    s.klage = [(c.rng.randint(0, s.span), "note")]
    return s


@scenario(0.5)
def ip04_coordinator_before_window(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, wants_coordinator=None)
    s.coordinators = [coordinator(c.rng, -c.rng.randint(91, 400), s.span)]
    s.expect = {"IP04": "fail"}
    return s


@scenario(0.7)
def ip04_pending(c: Ctx) -> PatientSpec:
    s = c.base(c.recent(0, 30), wants_coordinator=True)
    s.coordinators, s.expect = [], {"IP04": "pending"}
    if c.rng.random() < 0.5:  # appointed after as_of: not yet
        late = Coordinator(s.span + c.rng.randint(1, 20), person(c.rng), phone(c.rng), "spesialist")
        s.coordinators.append(late)
    return s


# ---------------------------------------------------------------- IP05 and HB01
@scenario(2)
def ip05_placeholder_name(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    s.coordinators[0].name = c.rng.choice(voc.PLACEHOLDER_NAMES) or None
    s.expect = {"IP05": "fail"}
    return s


@scenario(1)
def hb01_short_phone(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    digits = f"{c.rng.randrange(10**7):07d}"
    s.coordinators[0].phone = c.rng.choice((digits, f"{digits[:3]} {digits[3:]}"))
    s.expect = {"HB01": "fail"}
    return s


@scenario(0.5)
def hb01_no_phone(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    s.coordinators[0].phone = None
    s.expect = {"HB01": "fail"}
    return s


# ---------------------------------------------------------------- IP06
def _notice_due(c: Ctx, index: dt.date) -> PatientSpec:
    return c.base(index, wants_ip=True, wants_coordinator=True, services=c.rng.choice(NOT_SPECIALIST))


@scenario(1)
def ip06_notice_on_day_15_or_later(c: Ctx) -> PatientSpec:
    s = _notice_due(c, c.old())
    s.notices, s.expect = [c.rng.choice((15, c.rng.randint(15, 40)))], {"IP06": "fail"}
    return s


@scenario(1.5)
def ip06_no_notice(c: Ctx) -> PatientSpec:
    s = _notice_due(c, c.old())
    s.notices, s.expect = [], {"IP06": "fail"}
    return s


@scenario(0.5)
def ip06_notice_before_lookback(c: Ctx) -> PatientSpec:
    s = _notice_due(c, c.old())
    s.notices, s.expect = [-c.rng.randint(91, 200)], {"IP06": "fail"}
    return s


@scenario(0.7)
def ip06_pending(c: Ctx) -> PatientSpec:
    s = _notice_due(c, c.recent(0, 14))
    s.notices, s.expect = [], {"IP06": "pending"}
    if c.rng.random() < 0.5:
        s.notices = [s.span + c.rng.randint(1, 10)]  # sent after as_of: not seen
    return s


# ---------------------------------------------------------------- IP07
def _no_criteria(c: Ctx, index: dt.date) -> PatientSpec:
    s = c.base(index, criteria=False, wants_ip=False, wants_coordinator=False)
    s.klage = []
    return s


@scenario(1.5)
def ip07a_no_klage(c: Ctx) -> PatientSpec:
    s = _no_criteria(c, c.old())
    s.expect = {"IP07": "fail"}
    return s


@scenario(0.5)
def ip07a_klage_before_index(c: Ctx) -> PatientSpec:
    s = _no_criteria(c, c.old())
    s.klage, s.expect = [(-c.rng.randint(1, 60), "note")], {"IP07": "fail"}
    return s


@scenario(0.5)
def ip07a_pending(c: Ctx) -> PatientSpec:
    s = _no_criteria(c, c.recent(0, 14))
    s.expect = {"IP07": "pending"}
    return s


@scenario(1.5)
def ip07b_no_plan(c: Ctx) -> PatientSpec:
    # Only where the hospital owns the plan (v2); the missing plan is an IP12 gap too.
    s = c.base(c.old(), wants_ip=True, services="spesialist", plan=False)
    s.expect = {"IP07": "fail", "IP12": "fail"}
    return s


# ---------------------------------------------------------------- IP08
def _municipal(c: Ctx, day: int, contact: int | None) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    coord = s.coordinators[0]
    coord.day, coord.level, coord.contact, coord.ended = day, "kommune", contact, None
    return s


@scenario(1)
def ip08_first_contact_late(c: Ctx) -> PatientSpec:
    day = c.rng.randint(0, 30)
    s = _municipal(c, day, day + c.rng.randint(15, 40))
    s.expect = {"IP08": "fail"}
    return s


@scenario(0.7)
def ip08_no_first_contact(c: Ctx) -> PatientSpec:
    s = _municipal(c, c.rng.randint(0, 30), None)
    s.expect = {"IP08": "fail"}
    return s


@scenario(0.5)
def ip08_no_first_contact_yet(c: Ctx) -> PatientSpec:
    s = _municipal(c, 0, None)
    s.coordinators[0].day = s.span - c.rng.randint(0, 14)  # appointed late, within 14 days
    s.expect = {"IP08": "pending"}
    return s


# ---------------------------------------------------------------- IP09
@scenario(1)
def ip09_epikrise_without_mention(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    s.epikrise = [(min(first_start(s) + c.rng.randint(0, 60), s.span), "no")]
    s.expect = {"IP09": "fail"}
    return s


@scenario(0.5)
def ip09_epikrise_negated_mention(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    s.epikrise = [(min(first_start(s) + c.rng.randint(0, 60), s.span), "neg")]
    s.expect = {"IP09": "fail"}
    return s


# ---------------------------------------------------------------- IP10
@scenario(1)
def ip10_new_coordinator_no_consent(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    # after the first appointment and after every consent (all dated <= day 8)
    day = min(max(s.coordinators[0].day + c.rng.randint(30, 200), 20), s.span - 15)
    second_coordinator(c, s, day, same_name=False)
    s.expect = {"IP10": "fail"}
    return s


@scenario(0.5)
def ip10_pending(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_coordinator=True)
    second_coordinator(c, s, s.span - c.rng.randint(0, 14), same_name=False)
    s.expect = {"IP10": "pending"}
    return s


# ---------------------------------------------------------------- IP11
@scenario(1)
def ip11_plans_from_two_units(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, plan=True)
    day, unit = s.plans[0]
    other = c.rng.choice([u for u in voc.UNITS if u != unit])
    s.plans.append((min(day + c.rng.randint(10, 200), s.span), other))
    s.expect = {"IP11": "fail"}
    return s


# ---------------------------------------------------------------- IP12
@scenario(1)
def ip12_no_plan_klage_given(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, services="spesialist", plan=False)
    s.klage = [(c.rng.randint(0, s.span), "avslag")]
    s.expect = {"IP12": "fail"}
    return s


@scenario(0.7)
def ip12_pending(c: Ctx) -> PatientSpec:
    s = c.base(c.recent(0, 90), wants_ip=True, services="spesialist", plan=False)
    s.expect = {"IP12": "pending"}
    return s


@scenario(0.5)
def ip12_only_draft_plan(c: Ctx) -> PatientSpec:
    s = c.base(c.old(), wants_ip=True, services="spesialist", plan=False)
    s.docs.append(Doc(c.rng.randint(15, 85), "IP_PLAN", c.rng.choice(voc.PLAN_TEXTS), signed=False))
    s.klage = [(c.rng.randint(0, s.span), "avslag")]
    s.expect = {"IP12": "fail"}
    return s


# ---------------------------------------------------------------- IP13
def _child(c: Ctx, index: dt.date) -> PatientSpec:
    s = c.base(index)
    s.born, s.birth_known, s.barnekoordinator = child_born(c.rng, index), True, []
    return s


@scenario(1.5, needs_as_of=BARNEKOORDINATOR_FROM + dt.timedelta(days=30))
def ip13_child_not_informed(c: Ctx) -> PatientSpec:
    s = _child(c, c.since(BARNEKOORDINATOR_FROM, 15, 1500))
    s.expect = {"IP13": "fail"}
    return s


@scenario(0.5, needs_as_of=BARNEKOORDINATOR_FROM + dt.timedelta(days=30))
def ip13_child_only_negated(c: Ctx) -> PatientSpec:
    s = _child(c, c.since(BARNEKOORDINATOR_FROM, 15, 1500))
    s.docs.append(Doc(c.rng.randint(0, 14), "JOURNALNOTAT", "Foreldrene er ikke informert om barnekoordinator ennå."))
    s.expect = {"IP13": "fail"}
    return s


@scenario(0.5, needs_as_of=BARNEKOORDINATOR_FROM + dt.timedelta(days=30))
def ip13_pending(c: Ctx) -> PatientSpec:
    s = _child(c, c.since(BARNEKOORDINATOR_FROM, 0, 14))
    s.expect = {"IP13": "pending"}
    return s
