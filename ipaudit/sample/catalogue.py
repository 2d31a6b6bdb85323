"""The registry of patient scenarios and what every scenario builder may use.

A scenario builds one ``PatientSpec`` and states, in ``spec.expect``, every result the
audit must report as ``fail`` or ``pending`` for that patient under the national defaults
of ``spec/rules.md`` (all profiles' rules). A scenario changes one thing of a compliant
patient, so its expectation is unambiguous; ``tests/test_sample.py`` recomputes all of them
from the written files with an independent reading of the rules. The builders live in
``passing.py`` (compliant patients and edges that pass), ``gaps.py`` (one gap each) and
``outside.py`` (patients outside the cohort, IP00).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from ipaudit.sample.spec import (
    Coordinator,
    PatientSpec,
    compliant,
    coordinator,
    in_window,
    person,
)

SUSPENSION = (dt.date(2020, 3, 27), dt.date(2020, 5, 26))
NOT_SPECIALIST = ("begge", "kommune", None)


@dataclass(frozen=True)
class Ctx:
    """What a scenario may use: the random stream and the audit date."""

    rng: random.Random
    as_of: dt.date

    def old(self) -> dt.date:
        """An index date 120..1500 days back, outside the 2020 suspension."""
        while True:
            day = self.as_of - dt.timedelta(days=self.rng.randint(120, 1500))
            if not SUSPENSION[0] <= day <= SUSPENSION[1]:
                return day

    def recent(self, low: int, high: int) -> dt.date:
        """An index date low..high days before as_of."""
        return self.as_of - dt.timedelta(days=self.rng.randint(low, high))

    def suspended(self) -> dt.date:
        """An index date inside the suspension of the right to IP."""
        return SUSPENSION[0] + dt.timedelta(days=self.rng.randint(0, 60))

    def since(self, first: dt.date, low: int, high: int) -> dt.date:
        """An index date low..high days before as_of, but not before ``first``."""
        latest = self.as_of - dt.timedelta(days=low)
        earliest = max(first, self.as_of - dt.timedelta(days=high))
        return earliest + dt.timedelta(days=self.rng.randint(0, max((latest - earliest).days, 0)))

    def base(self, index: dt.date, **options: object) -> PatientSpec:
        """A compliant cohort patient with this index date."""
        return compliant(self.rng, "", index, self.as_of, **options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Scenario:
    """A named way to build a patient, drawn with ``weight``."""

    name: str
    weight: float
    build: Callable[[Ctx], PatientSpec]
    needs_2020: bool = False
    """Uses index dates around the 2020 suspension (needs as_of well after it)."""
    needs_as_of: dt.date | None = None
    """The earliest as_of the scenario can be built for (else it is left out)."""


REGISTRY: dict[str, Scenario] = {}


def scenario(
    weight: float, needs_2020: bool = False, needs_as_of: dt.date | None = None
) -> Callable[..., Callable[[Ctx], PatientSpec]]:
    """Register a builder under its function name."""

    def register(build: Callable[[Ctx], PatientSpec]) -> Callable[[Ctx], PatientSpec]:
        REGISTRY[build.__name__] = Scenario(build.__name__, weight, build, needs_2020, needs_as_of)
        return build

    return register


def style(rng: random.Random) -> str:
    """A random way to write INFO_IP evidence (never the combined consent note)."""
    return rng.choice(("type", "type", "note", "other", "nynorsk"))


def first_start(s: PatientSpec) -> int:
    """The earliest coordinator appointment or IP_PLAN in the window (what IP09 counts from)."""
    starts = [c.day for c in s.coordinators if in_window(s, c.day)]
    return min(starts + [d for d, _ in s.plans if in_window(s, d)])


def second_coordinator(c: Ctx, s: PatientSpec, day: int, same_name: bool) -> Coordinator:
    """Appoint a second coordinator on ``day`` (the first one ends then)."""
    first = s.coordinators[0]
    first.ended = day
    second = coordinator(c.rng, day, s.span)
    name = str(first.name)  # a compliant coordinator always has a real name
    if same_name:
        second.name = c.rng.choice((name.upper(), f"  {name.lower()} "))
    while not same_name and str(second.name).lower() == name.lower():
        second.name = person(c.rng)
    s.coordinators.append(second)
    return second
