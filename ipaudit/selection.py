"""Drawing a reproducible random sample of patients for journal review (stikkprøve).

A supervisor checks the tool by reading some journals by hand. The sampling frame has two
parts: the cohort (patients whose need for a plan was assessed «ja»), and, as its own stratum
*Ikke vurdert*, the at-risk patients IP00 flags as never assessed — the highest-risk group,
for whom only IP00 and the manual requirements apply. ``select_sample`` draws n cohort patients
with ``random.Random(seed)`` from the candidates sorted by patient id and then, from the same
generator, ``unassessed`` patients of the *Ikke vurdert* stratum (sorted by patient id), so the
same result, n, seed and ``unassessed`` give the same patients whatever the order of the rows,
and a draw without the stratum is the draw of earlier releases. Drawn on the un-pseudonymised result and then
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
from ipaudit.model import UNKNOWN_UNIT, AuditResult, RuleSummary, Status

STRATIFY_CHOICES: tuple[str, ...] = ("unit",)
SAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "patient_id": pl.String(),
    "unit": pl.String(),
    "index_date": pl.Date(),
    "stratum": pl.String(),
}
COHORT = "kohort"
"""Stratum of the cohort patients."""
UNASSESSED = "ikke_vurdert"
"""Stratum of IP00's patients: at risk, never assessed."""
STRATUM_LABELS: dict[str, str] = {COHORT: "Kohort", UNASSESSED: "Ikke vurdert"}
DEFAULT_SAMPLE_SIZE = 30
"""Patients the supervision report's own draw takes (all of them when the cohort is smaller)."""
DEFAULT_SAMPLE_SEED = 1
DEFAULT_STRATIFY = "unit"
DEFAULT_UNASSESSED = 5
"""Patients of the *Ikke vurdert* stratum the supervision report's own draw (and, by default,
``ipaudit select``) takes, all of them when there are fewer."""
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
        .with_columns(pl.lit(COHORT).alias("stratum"))
        .select([pl.col(n).cast(t) for n, t in SAMPLE_SCHEMA.items()])
    )


def unassessed_patients(result: AuditResult) -> pl.DataFrame:
    """One row per patient IP00 flags (at risk, never assessed; waived ones too), sorted by
    patient_id, in stratum *Ikke vurdert*; index_date is empty (there is no assessment)."""
    own = [r.meta.id for r in result.rules if r.meta.population == "own"]
    return (
        result.results.filter(
            pl.col("rule_id").is_in(own) & (pl.col("status") != Status.NOT_APPLICABLE.value)
        )
        .select("patient_id", pl.col("unit").fill_null(UNKNOWN_UNIT))
        .unique("patient_id", keep="first")
        .sort("patient_id")
        .with_columns(pl.lit(None, dtype=pl.Date).alias("index_date"), pl.lit(UNASSESSED).alias("stratum"))
        .select([pl.col(n).cast(t) for n, t in SAMPLE_SCHEMA.items()])
    )


def rule_applies(result: AuditResult, rule_id: str, stratum: str) -> bool:
    """Whether ``rule_id`` applies by design to a drawn patient of ``stratum``: a rule that
    chooses its own population (IP00) to *Ikke vurdert*, every other rule to the cohort."""
    own = result.rule(rule_id).meta.population == "own"
    return own == (stratum == UNASSESSED)


def frame_text(result: AuditResult, unassessed: int) -> str:
    """The sampling frame in one bokmål sentence."""
    cohort, flagged = cohort_patients(result).height, unassessed_patients(result).height
    text = f"Kohortens {cohort} pasienter"
    if not unassessed:
        return text + " (stratumet «Ikke vurdert» er ikke trukket fra)."
    return (
        f"{text}, og som eget stratum «Ikke vurdert» de {flagged} pasientene verktøyet fant uten "
        f"vurdering av behovet for individuell plan (IP00); av dem trekkes {min(unassessed, flagged)}. "
        "For dem gjelder bare IP00 og de manuelle kravene."
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


def select_sample(
    result: AuditResult, n: int, seed: int, stratify: str | None = None, unassessed: int = 0
) -> pl.DataFrame:
    """Draw n cohort patients reproducibly (all of them when n ≥ the cohort), then ``unassessed``
    patients of the *Ikke vurdert* stratum (all of them when there are fewer).

    Returns SAMPLE_SCHEMA rows: the cohort's sorted by unit, then patient id; then the
    *Ikke vurdert* stratum's sorted by patient id.
    """
    if unassessed < 0:
        raise InputError(f"Antallet fra stratumet «Ikke vurdert» kan ikke være negativt (fikk {unassessed})")
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
    drawn = candidates.filter(pl.col("patient_id").is_in(sorted(chosen))).sort("unit", "patient_id")
    if not unassessed:
        return drawn
    flagged = unassessed_patients(result)
    ids = flagged.get_column("patient_id").to_list()
    picked = set(rng.sample(ids, min(unassessed, len(ids))))
    return pl.concat([drawn, flagged.filter(pl.col("patient_id").is_in(sorted(picked)))], how="vertical")


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
    result: AuditResult,
    n: int,
    seed: int,
    stratify: str | None,
    *,
    unassessed: int = 0,
    pseudonymized: bool = False,
) -> str:
    """The command that draws the same sample again (the key file is named, never included)."""
    options = ["--n", str(n), "--seed", str(seed), *(["--stratify", stratify] if stratify else [])]
    options += ["--unassessed", str(unassessed)]
    return command_line("select", result, before=options, pseudonymized=pseudonymized)


@dataclass(frozen=True)
class SampleSpec:
    """How to draw a sample: the arguments of ``select_sample``."""

    n: int
    """Patients asked for (all of them when the frame is smaller)."""
    seed: int
    stratify: str | None = None
    unassessed: int = 0
    """Patients of the *Ikke vurdert* stratum (IP00) drawn besides the n cohort patients."""


DEFAULT_SPEC = SampleSpec(DEFAULT_SAMPLE_SIZE, DEFAULT_SAMPLE_SEED, DEFAULT_STRATIFY, DEFAULT_UNASSESSED)
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

    unassessed: int = 0
    """Patients of the *Ikke vurdert* stratum asked for."""

    @property
    def spec(self) -> SampleSpec:
        """The arguments the sample was drawn with."""
        return SampleSpec(self.n, self.seed, self.stratify, self.unassessed)

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
    unassessed = min(spec.unassessed, unassessed_patients(result).height) if cap else spec.unassessed
    return SampleDraw(
        patients=select_sample(result, size, spec.seed, spec.stratify, unassessed),
        n=size,
        seed=spec.seed,
        stratify=spec.stratify,
        on_real_ids=not result.pseudonymized,
        unassessed=unassessed,
    )
