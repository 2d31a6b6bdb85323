"""Patients outside the cohort: no assessment with need = ja by as_of.

They get no results, except IP00 for those at risk (>= 21 døgn days, or episodes at >= 3
units, counting only episodes that start by as_of) who have no assessment at all by as_of.
Offsets count from a reference date ``spec.index`` that is not an index date.
"""

from __future__ import annotations

from ipaudit.sample import vocabulary as voc
from ipaudit.sample.catalogue import (
    Ctx,
    scenario,
)
from ipaudit.sample.spec import Assessment, Doc, Episode, PatientSpec


# ---------------------------------------------------------------- outside the cohort, IP00
def _outsider(c: Ctx, back: tuple[int, int] = (60, 900)) -> PatientSpec:
    """A patient without an index assessment; offsets count from a reference date."""
    index = c.recent(*back)
    s = PatientSpec("", index, (c.as_of - index).days, c.rng.choice(voc.UNITS), epikrise=[])
    for _ in range(c.rng.randint(0, 2)):
        s.docs.append(Doc(c.rng.randint(-200, s.span + 30), "JOURNALNOTAT", c.rng.choice(voc.FILLER)))
    return s


def _inpatient(c: Ctx, s: PatientSpec, total: int) -> None:
    """Døgn stays at one unit summing exactly ``total`` days, all ended before as_of."""
    first = c.rng.randint(1, total - 1) if total > 1 and c.rng.random() < 0.5 else total
    s.episodes.append(Episode(0, first, s.unit, "spesialist", "døgn"))
    if first < total:
        start = first + c.rng.randint(3, 15)
        s.episodes.append(Episode(start, start + total - first, s.unit, "spesialist", "døgn"))


@scenario(2)
def outside_need_nei(c: Ctx) -> PatientSpec:
    s = _outsider(c)
    s.assessments.append(Assessment(0, "nei", None, None, None, None))
    if c.rng.random() < 0.4:  # at risk, but assessed: no IP00
        _inpatient(c, s, c.rng.randint(21, 40))
    return s


@scenario(1)
def outside_need_uavklart(c: Ctx) -> PatientSpec:
    s = _outsider(c)
    s.assessments.append(Assessment(0, "uavklart", True, None, None, None))
    s.info.append((c.rng.randint(0, 10), "note"))
    return s


@scenario(0.7)
def outside_need_only_after_as_of(c: Ctx) -> PatientSpec:
    s = _outsider(c)
    s.assessments.append(Assessment(s.span + c.rng.randint(1, 60), "ja", True, True, True, "begge"))
    _inpatient(c, s, c.rng.randint(2, 20))
    return s


@scenario(2)
def outside_not_at_risk(c: Ctx) -> PatientSpec:
    s = _outsider(c)
    if c.rng.random() < 0.5:
        _inpatient(c, s, c.rng.choice((20, c.rng.randint(1, 20))))
    else:  # an open stay of at most 20 days at as_of
        s.episodes.append(Episode(s.span - c.rng.randint(1, 20), None, s.unit, "spesialist", "døgn"))
    if c.rng.random() < 0.5:
        other = c.rng.choice(voc.MUNICIPAL_UNITS)
        s.episodes.append(Episode(c.rng.randint(0, 40), None, other, "kommune", "ambulant"))
        s.episodes[-1].end = s.episodes[-1].start + c.rng.randint(0, 3)
    return s


@scenario(0.3)
def outside_risk_only_after_as_of(c: Ctx) -> PatientSpec:
    """15 døgn days and 2 units by as_of; a third unit and 10 more days only after it."""
    s = _outsider(c)
    _inpatient(c, s, 15)
    s.episodes.append(Episode(30, 31, c.rng.choice(voc.MUNICIPAL_UNITS), "kommune", "dag"))
    later = s.span + c.rng.randint(1, 30)
    third = c.rng.choice([u for u in voc.UNITS if u != s.unit])
    s.episodes.append(Episode(later, later + 10, third, "spesialist", "døgn"))
    return s


@scenario(1)
def ip00_inpatient_days(c: Ctx) -> PatientSpec:
    s = _outsider(c)
    _inpatient(c, s, c.rng.choice((21, c.rng.randint(21, 45))))
    s.expect = {"IP00": "fail"}
    return s


@scenario(1)
def ip00_three_units(c: Ctx) -> PatientSpec:
    s = _outsider(c)
    units = c.rng.sample(voc.UNITS + voc.MUNICIPAL_UNITS, 3)
    for number, unit in enumerate(units):
        start = number * c.rng.randint(5, 15)
        level = "kommune" if unit in voc.MUNICIPAL_UNITS else "spesialist"
        care = c.rng.choice(("dag", "poliklinisk", "ambulant", None))
        s.episodes.append(Episode(start, start + c.rng.randint(0, 1), unit, level, care))
    s.expect = {"IP00": "fail"}
    return s


@scenario(0.5)
def ip00_open_stay(c: Ctx) -> PatientSpec:
    s = _outsider(c, (21, 60))
    s.episodes.append(Episode(0, None, s.unit, "spesialist", "døgn"))
    s.expect = {"IP00": "fail"}
    return s


@scenario(0.5)
def ip00_assessed_only_after_as_of(c: Ctx) -> PatientSpec:
    s = _outsider(c)
    _inpatient(c, s, c.rng.randint(21, 40))
    s.assessments.append(Assessment(s.span + c.rng.randint(1, 60), "ja", True, True, True, None))
    s.expect = {"IP00": "fail"}
    return s
