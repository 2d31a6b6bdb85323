"""Drawing a reproducible random sample of patients for journal review (stikkprøve).

A supervisor checks the tool by reading some journals by hand. ``select_sample`` draws cohort
patients (IP00's patients are outside the cohort and never drawn) with ``random.Random(seed)``
from the candidates sorted by patient id, so the same result, n and seed give the same
patients whatever the order of the rows. Drawn on the un-pseudonymised result and then
pseudonymised (``ipaudit.pseudonymize.pseudonymize_frame``), the key holder and the supervisor
see the same patients.

With ``stratify="unit"`` the sample is allocated to units in proportion to their cohort size
by the largest-remainder (Hamilton) method, with at least one patient per unit while n allows:
units whose quota is below one get one each, the quotas of the others are recomputed from what
is left until no quota is below one; those units get the whole part of their quota, and the
remaining places go to the largest fractional parts (ties: larger unit, then unit name). When n
is smaller than the number of units, the n largest units get one each. Units are drawn in
name order from one generator.

``draw_sample`` returns a ``SampleDraw``: the patients and the arguments they were drawn
with, which ``ipaudit.pipeline`` pseudonymises after the draw and hands to the views (the
review workbook ``ipaudit.report.review_workbook`` and the supervision report). No view draws.

``command_line`` writes the ``ipaudit`` command that repeats a run; the "Slik gjentas
utvalget" line here and the supervision report's commands are built by it.
"""

from __future__ import annotations

import dataclasses
import math
import random
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from ipaudit.errors import InputError
from ipaudit.model import UNKNOWN_UNIT, AuditResult, RuleSummary

STRATIFY_CHOICES: tuple[str, ...] = ("unit",)
SAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "patient_id": pl.String(),
    "unit": pl.String(),
    "index_date": pl.Date(),
}
DEFAULT_SAMPLE_SIZE = 30
"""Patients the supervision report's own draw takes (all of them when the cohort is smaller)."""
DEFAULT_SAMPLE_SEED = 1
DEFAULT_STRATIFY = "unit"
METHOD_TEXT = {
    None: "Ingen: enkelt tilfeldig utvalg fra hele kohorten.",
    "unit": (
        "Etter enhet: proporsjonalt med enhetens størrelse i kohorten (største brøks metode), "
        "minst én pasient per enhet så langt antallet rekker."
    ),
}


def cohort_rules(result: AuditResult) -> list[RuleSummary]:
    """The rules with one result per cohort patient (IP00 chooses its own population)."""
    return [r for r in result.rules if r.meta.population == "cohort"]


def cohort_patients(result: AuditResult) -> pl.DataFrame:
    """One row per cohort patient (patient_id, unit, index_date), sorted by patient_id."""
    ids = [r.meta.id for r in cohort_rules(result)]
    return (
        result.results.filter(pl.col("rule_id").is_in(ids))
        .select("patient_id", pl.col("unit").fill_null(UNKNOWN_UNIT), "index_date")
        .unique("patient_id", keep="first")
        .sort("patient_id")
        .select([pl.col(n).cast(t) for n, t in SAMPLE_SCHEMA.items()])
    )


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Places per unit: proportional, at least one per unit while n allows (largest remainder)."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    by_size = sorted(sizes, key=lambda u: (-sizes[u], u))
    if n <= len(sizes):
        return {u: int(i < n) for i, u in enumerate(by_size)}
    fixed: dict[str, int] = {}
    while True:
        pool = [u for u in sizes if u not in fixed]
        left = n - len(fixed)
        pool_size = sum(sizes[u] for u in pool)
        small = [u for u in pool if left * sizes[u] < pool_size]
        if not small:
            break
        fixed.update(dict.fromkeys(small, 1))
    quotas = {u: left * sizes[u] / pool_size for u in pool}
    places = {u: min(sizes[u], math.floor(q)) for u, q in quotas.items()}
    order = sorted(pool, key=lambda u: (-(quotas[u] - math.floor(quotas[u])), -sizes[u], u))
    spare = left - sum(places.values())
    while spare > 0:
        open_units = [u for u in order if places[u] < sizes[u]][:spare]
        if not open_units:  # cannot happen while n < the cohort; never loop forever
            break
        for u in open_units:
            places[u] += 1
        spare -= len(open_units)
    return {u: fixed.get(u, places.get(u, 0)) for u in sizes}


def select_sample(result: AuditResult, n: int, seed: int, stratify: str | None = None) -> pl.DataFrame:
    """Draw n cohort patients reproducibly (all of them when n ≥ the cohort).

    Returns SAMPLE_SCHEMA rows sorted by unit, then patient id.
    """
    if n < 1:
        raise InputError(f"Utvalget må ha minst én pasient (fikk {n})")
    if stratify not in (None, *STRATIFY_CHOICES):
        raise InputError(f"Ukjent stratifisering «{stratify}»; velg blant {', '.join(STRATIFY_CHOICES)}")
    candidates = cohort_patients(result)
    rng = random.Random(seed)
    if stratify is None:
        ids = candidates.get_column("patient_id").to_list()
        chosen = set(rng.sample(ids, min(n, len(ids))))
    else:
        members: dict[str, list[str]] = {}
        for patient_id, unit in candidates.select("patient_id", "unit").iter_rows():
            members.setdefault(unit, []).append(patient_id)
        places = allocate({u: len(ids) for u, ids in members.items()}, n)
        chosen = set()
        for unit in sorted(members):
            chosen.update(rng.sample(members[unit], places[unit]))
    return candidates.filter(pl.col("patient_id").is_in(sorted(chosen))).sort("unit", "patient_id")


def command_line(
    subcommand: str,
    result: AuditResult,
    *,
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    pseudonymized: bool = False,
) -> str:
    """``ipaudit SUBCOMMAND EXTRACT [before] --as-of … --profile … [--from …] [--to …] [after]
    [--waivers UNNTAKSFIL] [--pseudonymize NØKKELFIL]``: the run of ``result`` again.

    The waiver and key files are named by placeholders, never included.
    """
    profile = result.profile.name if result.profile.source == "innebygd" else result.profile.source
    args = ["ipaudit", subcommand, str(result.extract.location), *before]
    args += ["--as-of", result.as_of.isoformat(), "--profile", profile]
    if result.period_from is not None:
        args += ["--from", result.period_from.isoformat()]
    if result.period_to != result.as_of:
        args += ["--to", result.period_to.isoformat()]
    args += after
    if result.waivers:
        args += ["--waivers", "UNNTAKSFIL"]
    # Outside shlex.join, which would quote the Ø.
    return shlex.join(args) + (" --pseudonymize NØKKELFIL" if pseudonymized else "")


def reproduce_command(
    result: AuditResult, n: int, seed: int, stratify: str | None, *, pseudonymized: bool = False
) -> str:
    """The command that draws the same sample again (the key file is named, never included)."""
    options = ["--n", str(n), "--seed", str(seed), *(["--stratify", stratify] if stratify else [])]
    return command_line("select", result, before=options, pseudonymized=pseudonymized)


@dataclass(frozen=True)
class SampleSpec:
    """How to draw a sample: the arguments of ``select_sample``."""

    n: int
    """Patients asked for (all of them when the frame is smaller)."""
    seed: int
    stratify: str | None = None


DEFAULT_SPEC = SampleSpec(DEFAULT_SAMPLE_SIZE, DEFAULT_SAMPLE_SEED, DEFAULT_STRATIFY)
"""The supervision report's own draw when no other is asked for."""


@dataclass(frozen=True)
class SampleDraw:
    """A review sample (stikkprøve) and the arguments it was drawn with."""

    patients: pl.DataFrame
    """``SAMPLE_SCHEMA`` rows (patient_id, unit, index_date), pseudonyms when pseudonymised."""
    n: int
    """Patients asked for."""
    seed: int
    stratify: str | None
    on_real_ids: bool
    """True when drawn among the real patient ids, as ``ipaudit select`` draws (then pseudonymised
    if the result is); False when drawn among the pseudonyms of a pseudonymised result."""

    def pseudonymized(self, key: Any) -> SampleDraw:
        """The same draw with every patient id replaced by its pseudonym."""
        from ipaudit.pseudonymize import pseudonymize_frame

        return dataclasses.replace(self, patients=pseudonymize_frame(self.patients, key))


def draw_sample(result: AuditResult, spec: SampleSpec = DEFAULT_SPEC, *, cap: bool = True) -> SampleDraw | None:
    """Draw ``spec`` from ``result``.

    With ``cap`` (the supervision report's own draw) n is lowered to the cohort's size, so the
    report's command draws exactly the patients listed, and an empty cohort gives None.
    Without it (``ipaudit select``) n stays as asked and an empty cohort gives an empty draw.
    """
    cohort = cohort_patients(result).height
    if cap and cohort == 0:
        return None
    size = min(spec.n, cohort) if cap else spec.n
    return SampleDraw(
        patients=select_sample(result, size, spec.seed, spec.stratify),
        n=size,
        seed=spec.seed,
        stratify=spec.stratify,
        on_real_ids=not result.pseudonymized,
    )
