"""One synthetic patient as a plan of events in days relative to the index date.

A ``PatientSpec`` says *what* is documented for a patient and *when* (offsets in days from
the index date, so "within 14 days" reads as ``day <= 14``); ``render`` turns it into
table rows. ``compliant`` builds the plan of a patient who satisfies every rule of every
profile at ``as_of``; a scenario (``scenarios.py``) then removes or shifts exactly one
thing and records the results that gap must produce.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ipaudit.sample import vocabulary as voc

ANY = object()
"""Default of a ``compliant`` option: let the random generator choose."""


@dataclass
class Assessment:
    """One row of vurderinger, dated ``day`` days after the index date."""

    day: int
    need: str
    criteria_met: bool | None
    wants_ip: bool | None
    wants_coordinator: bool | None
    services_from: str | None


@dataclass
class Coordinator:
    """One row of koordinatorer; ``contact``/``ended`` are offsets from the index date."""

    day: int
    name: str | None
    phone: str | None
    level: str
    contact: int | None = None
    ended: int | None = None


@dataclass
class Doc:
    """One journal document. ``kind`` is the spec's code (or OTHER)."""

    day: int
    kind: str
    text: str
    signed: bool = True
    scope: str | None = None
    unit: str | None = None


@dataclass
class Episode:
    """One contact or stay; ``end`` None is an open episode."""

    start: int
    end: int | None
    unit: str
    level: str
    care_type: str | None


@dataclass
class PatientSpec:
    """Everything documented for one patient, plus the results the audit must report."""

    kind: str
    """The scenario that built the patient (ground_truth_patients.csv)."""
    index: dt.date
    """Index date (for patients outside the cohort: a reference date all offsets use)."""
    span: int
    """as_of - index in days: offsets above it are dated after as_of."""
    unit: str
    assessments: list[Assessment] = field(default_factory=list)
    coordinators: list[Coordinator] = field(default_factory=list)
    info: list[tuple[int, str]] = field(default_factory=list)
    """(day, style) of INFO_IP evidence; style picks the text bank and document type."""
    consent: list[tuple[int, str, str | None]] = field(default_factory=list)
    """(day, style, scope); style 'type' is a SAMTYKKE document (scope may be set), 'text',
    'nynorsk' a journal note, 'combined' a note that is INFO_IP and SAMTYKKE evidence."""
    notices: list[int] = field(default_factory=list)
    plans: list[tuple[int, str]] = field(default_factory=list)
    klage: list[tuple[int, str]] = field(default_factory=list)
    epikrise: list[tuple[int, str]] | None = None
    """(day, 'yes'|'no'|'neg'): mentions koordinator/plan or not; None = choose at render."""
    docs: list[Doc] = field(default_factory=list)
    """Further documents (drafts, negated notes, fillers)."""
    episodes: list[Episode] = field(default_factory=list)
    born: dt.date | None = None
    """Birth date (None: the renderer draws one). ``compliant`` makes ~15 % children."""
    birth_known: bool = True
    """False: the extract leaves the birth date blank."""
    barnekoordinator: list[int] = field(default_factory=list)
    """Days of journal notes documenting information about barnekoordinator (IP13)."""
    expect: dict[str, str] = field(default_factory=dict)
    """rule_id -> 'fail' | 'pending': what the audit must report for this patient."""


#: IP13 applies to index dates from this day (spec/rules.md).
BARNEKOORDINATOR_FROM = dt.date(2022, 8, 1)
CHILD_SHARE = 0.15


def eighteenth_birthday(born: dt.date) -> dt.date:
    """The 18th birthday; 29 February in a non-leap year falls on 1 March."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return dt.date(born.year + 18, 3, 1)


def is_child(spec: PatientSpec) -> bool:
    """Under 18 on the index date, with the birth date in the extract."""
    return spec.born is not None and spec.birth_known and spec.index < eighteenth_birthday(spec.born)


def child_born(rng: random.Random, index: dt.date) -> dt.date:
    """A birth date that makes the patient 0–17 years old on ``index``."""
    return index - dt.timedelta(days=rng.randint(30, 18 * 365 - 10))


def adult_born(rng: random.Random, index: dt.date) -> dt.date:
    """A birth date that makes the patient 18–90 years old on ``index``."""
    return index - dt.timedelta(days=rng.randint(18 * 366 + 5, 90 * 365))


def make_adult(rng: random.Random, spec: PatientSpec) -> None:
    """An adult with no barnekoordinator note (for gaps a child's note would mask)."""
    spec.born, spec.barnekoordinator = adult_born(rng, spec.index), []


def person(rng: random.Random) -> str:
    """A fake Norwegian full name."""
    return f"{rng.choice(voc.FIRST_NAMES)} {rng.choice(voc.LAST_NAMES)}"


def phone(rng: random.Random) -> str:
    """A Norwegian phone number with 8 digits (plus +47 in some)."""
    digits = f"{rng.choice('49')}{rng.randrange(10**7):07d}"
    return rng.choice(
        (
            digits,
            f"{digits[:3]} {digits[3:5]} {digits[5:]}",
            f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}",
            f"+47{digits}",
            f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
        )
    )


def coordinator(rng: random.Random, day: int, span: int, level: object = ANY) -> Coordinator:
    """A named coordinator with a valid phone; a kommune one met within 14 days."""
    lvl = rng.choice(("spesialist", "spesialist", "kommune")) if level is ANY else str(level)
    contact = None
    if lvl == "kommune" or rng.random() < 0.2:
        contact = min(day + rng.randint(0, 14), span)
    return Coordinator(day, person(rng), phone(rng), lvl, contact)


def compliant(
    rng: random.Random,
    kind: str,
    index: dt.date,
    as_of: dt.date,
    *,
    criteria: bool | None = True,
    wants_ip: object = ANY,
    wants_coordinator: object = ANY,
    services: object = ANY,
    plan: object = ANY,
    combined: bool = True,
    extras: bool = True,
) -> PatientSpec:
    """A cohort patient that passes (or is not_applicable) under every rule at as_of."""
    span = (as_of - index).days

    def clip(day: int) -> int:
        return min(day, span)

    if wants_ip is ANY or wants_coordinator is ANY:
        pick = rng.choices(((True, True), (False, True), (True, False), (False, False)), (65, 12, 8, 15))[0]
        wants_ip = pick[0] if wants_ip is ANY else wants_ip
        wants_coordinator = pick[1] if wants_coordinator is ANY else wants_coordinator
    if services is ANY:
        services = rng.choices(("begge", "kommune", "spesialist", None), (35, 25, 20, 20))[0]
    unit = rng.choice(voc.UNITS)
    spec = PatientSpec(kind, index, span, unit)
    spec.assessments.append(
        Assessment(0, "ja", criteria, wants_ip, wants_coordinator, services)  # type: ignore[arg-type]
    )
    if extras and rng.random() < 0.08:  # an earlier "no need" assessment: never documented
        spec.assessments.append(
            Assessment(-rng.randint(30, 400), rng.choice(("nei", "uavklart")), False, False, False, "spesialist")
        )
    if extras and rng.random() < 0.05:  # a later assessment after as_of: ignored
        spec.assessments.append(Assessment(span + rng.randint(1, 90), "ja", False, False, False, None))

    info_day = clip(rng.randint(0, 14) if rng.random() > 0.1 else -rng.randint(1, 60))
    style = rng.choices(("type", "note", "other", "men", "linebreak", "nynorsk"), (45, 25, 8, 4, 4, 5))[0]
    spec.info.append((info_day, style))

    wants_any = bool(wants_ip) or bool(wants_coordinator)
    consent_day = 0
    if wants_any:
        consent_day = clip(rng.randint(0, 8) if rng.random() > 0.1 else -rng.randint(1, 20))
        styles = ("type", "type", "text", "nynorsk", "combined" if combined else "text")
        cstyle = rng.choices(styles, (35, 20, 25, 5, 15))[0]
        scope = None
        if cstyle == "type" and rng.random() < 0.6:
            scope = rng.choice(voc.FULL_SCOPES)
        spec.consent.append((consent_day, cstyle, scope))
        if cstyle == "combined":  # the consent note is the INFO_IP evidence too
            spec.info = []
    if wants_any and services != "spesialist":
        spec.notices.append(clip(min(14, max(consent_day, 0) + rng.randint(0, 6))))
    if wants_coordinator:
        day = rng.randint(0, 30) if rng.random() > 0.08 else -rng.randint(1, 60)
        coord = coordinator(rng, clip(day), span)
        if extras and rng.random() < 0.1 and clip(day) + 100 < span:  # ended: still counts
            coord.ended = clip(day) + rng.randint(100, span - clip(day))
        spec.coordinators.append(coord)
    # Where the hospital owns the plan (services only from spesialist) it is started in time (IP12).
    want_plan = bool(wants_ip) and (span > 90 or services == "spesialist" or rng.random() < 0.3)
    if want_plan if plan is ANY else plan:
        spec.plans.append((clip(rng.randint(15, 85)), unit))
    if criteria is False:
        spec.klage.append((clip(rng.randint(0, 14)), rng.choice(("type", "note", "nynorsk"))))
    for _ in range(rng.randint(1, 4)):
        kind_ = rng.choice(("JOURNALNOTAT", "JOURNALNOTAT", "OTHER"))
        spec.docs.append(Doc(rng.randint(-400, span + 90), kind_, rng.choice(voc.FILLER)))
    r = rng.random()
    spec.born = child_born(rng, index) if r < CHILD_SHARE else adult_born(rng, index)
    spec.birth_known = rng.random() >= 0.04
    if is_child(spec) and index >= BARNEKOORDINATOR_FROM:
        spec.barnekoordinator.append(clip(rng.randint(0, 14)))
    start = rng.randint(-20, 0)
    if start <= span:
        care = rng.choice(("døgn", "dag", "poliklinisk", "ambulant", None))
        end = start + rng.randint(0, 25)
        spec.episodes.append(Episode(start, end if end <= span else None, unit, "spesialist", care))
    return spec


def in_window(spec: PatientSpec, day: int) -> bool:
    """True when an offset lies in [index - 90, as_of]."""
    return -90 <= day <= spec.span


def choose_epikrise(rng: random.Random, spec: PatientSpec) -> list[tuple[int, str]]:
    """Epikriser that keep IP09 passing or not_applicable."""
    starts = [c.day for c in spec.coordinators if in_window(spec, c.day)]
    starts += [day for day, _ in spec.plans if in_window(spec, day)]
    out: list[tuple[int, str]] = []
    r = rng.random()
    if starts:
        first = min(starts)
        if r < 0.45:
            out.append((min(first + rng.randint(0, 60), spec.span), "yes"))
        elif r < 0.55:
            out.append((first - rng.randint(1, 30), "no"))
        if rng.random() < 0.05:
            out.append((spec.span + rng.randint(1, 60), "no"))  # after as_of: ignored
    elif r < 0.25:
        out.append((rng.randint(-60, max(spec.span, -60)), "no"))
    return out
