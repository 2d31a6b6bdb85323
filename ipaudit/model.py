"""The audit's vocabulary: severities, statuses, rule metadata and the one AuditResult.

Every report format is a view of one ``AuditResult``; none of them recomputes anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polars as pl

from ipaudit.extract.model import SourceFile, TableCounts


class Severity(StrEnum):
    """How serious a failing result is; ``--fail-on`` compares against it."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """Bokmål label for reports."""
        return {"error": "Avvik (feil)", "warning": "Merknad (advarsel)"}[self.value]


class Status(StrEnum):
    """The outcome of one rule for one patient."""

    PASS = "pass"
    FAIL = "fail"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"

    @property
    def label(self) -> str:
        """Bokmål label for reports."""
        return STATUS_LABELS[self.value]


STATUS_LABELS: dict[str, str] = {
    "pass": "Oppfylt",
    "fail": "Ikke oppfylt",
    "pending": "Frist ikke passert",
    "not_applicable": "Ikke aktuelt",
    "waived": "Unntatt",
}

#: The columns (and dtypes) of every check's result frame.
CHECK_RESULT_SCHEMA: dict[str, pl.DataType] = {
    "patient_id": pl.String(),
    "status": pl.String(),
    "message": pl.String(),
    "evidence": pl.List(pl.String()),
    "due_date": pl.Date(),
}

#: The columns of AuditResult.results: one row per rule and patient.
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(),
    "patient_id": pl.String(),
    "status": pl.String(),
    "severity": pl.String(),
    "message": pl.String(),
    "evidence": pl.List(pl.String()),
    "due_date": pl.Date(),
    "index_date": pl.Date(),
    "unit": pl.String(),
    "original_status": pl.String(),
    "waiver_reason": pl.String(),
    "waiver_approved_by": pl.String(),
    "waiver_expires": pl.Date(),
}


@dataclass(frozen=True)
class Parameter:
    """A rule parameter with its national default."""

    name: str
    default: int
    description: str


@dataclass(frozen=True)
class RuleMeta:
    """What a rule is, independent of any run: carried by each module in ipaudit/checks."""

    id: str
    """Rule id, equal to the module name (IP01.py holds IP01)."""
    title: str
    """Bokmål title shown in every report."""
    severity: Severity
    """Default severity; a profile may change it."""
    basis: str
    """Legal basis and guideline references, as shown to the reader."""
    tags: frozenset[str] = frozenset()
    """``core`` for the five core rules; ``ip-right`` for rules suspended with the right to IP."""
    parameters: tuple[str, ...] = ()
    """Names of the parameters (PARAMETERS) the rule reads."""
    requires: tuple[str, ...] = ()
    """Optional tables without which the rule is not_applicable for everyone."""
    applies_to: str = ""
    """One sentence in bokmål: who the rule applies to."""
    satisfied_by: str = ""
    """One sentence in bokmål: what satisfies it."""
    due: str = ""
    """One sentence in bokmål: the deadline, where the rule has one."""
    population: str = "cohort"
    """'cohort': exactly one result per cohort patient. 'own': the rule chooses its own
    population (IP00: at-risk patients without any assessment) and has no compliance rate."""
    evidence_kind: str = "document"
    """Which table the ids in ``evidence`` come from: 'document', 'episode' or 'assessment'
    (pseudonymisation keys each kind in its own namespace)."""
    limited_without: tuple[tuple[str, str], ...] = ()
    """(optional table, bokmål note) pairs: the rule still runs without the table, but limited,
    and the report says how."""

    def rate(self, passed: int, failed: int) -> float | None:
        """The compliance rate pass / (pass + fail); None when nothing was decided or the rule
        chooses its own population (it lists only the patients it flags, so the rate would
        always be 0)."""
        decided = passed + failed
        return passed / decided if decided and self.population == "cohort" else None


@dataclass(frozen=True)
class Suspension:
    """A period in which the law itself was changed (see spec/suspensions.md)."""

    name: str
    start: dt.date
    end: dt.date
    """Last suspended day, inclusive."""
    tags: frozenset[str]
    basis: str = ""

    def message(self) -> str:
        """Why a rule or branch is not_applicable for an index date inside the suspension."""
        return (
            f"Ikke aktuelt: vurderingsdatoen er i perioden «{self.name}» ({self.start:%d.%m.%Y}–{self.end:%d.%m.%Y})."
        )


@dataclass(frozen=True)
class RuleSummary:
    """One rule as it ran: effective settings and counts."""

    meta: RuleMeta
    severity: Severity
    """Effective severity under the profile."""
    parameters: dict[str, int]
    """Effective parameter values the rule used."""
    counts: dict[str, int]
    """Results per status (every Status value present, zero when none)."""
    compliance_rate: float | None
    """pass / (pass + fail); None when there is neither."""
    note: str | None = None
    """Why the rule did not run, or ran limited (a missing optional table), in bokmål."""
    loosened: tuple[str, ...] = ()
    """Bokmål notes for parameters the profile set looser than the guideline it extends."""
    waived_fail: int = 0
    """Waived results that would have been fail: a waiver takes them out of the rate."""
    rate_without_waivers: float | None = None
    """The compliance rate had no waiver applied (waived fails counted as fail); the views
    show it beside the rate when waivers raised it (``ipaudit.headline.waiver_note``)."""


@dataclass(frozen=True)
class ProfileInfo:
    """The standard a run was judged against."""

    name: str
    source: str
    """Where the profile came from: 'innebygd' or the file path."""
    extends: tuple[str, ...]
    """Chain of profiles this one extends, nearest first."""
    parameters: dict[str, int]
    suspensions: tuple[Suspension, ...]


@dataclass(frozen=True)
class ExtractSummary:
    """What was read, for the report header and the reproducibility of a finding."""

    location: Path
    counts: dict[str, TableCounts]
    sources: tuple[SourceFile, ...]
    ignored_files: tuple[str, ...]
    missing_optional: tuple[str, ...]


@dataclass(frozen=True)
class WaiverOutcome:
    """A waiver and what it did in this run."""

    rule_id: str
    patient_id: str
    reason: str
    approved_by: str
    expires: dt.date
    state: str
    """'applied', 'expired' or 'unused'."""
    unused_reason: str | None = None
    """Why an unused waiver did nothing: 'unknown_patient', 'outside_cohort', 'rule_not_run'
    or 'not_failing' (``ipaudit.waivers.UNUSED_REASONS`` in bokmål)."""
    similar_patient: str | None = None
    """For 'unknown_patient': the extract's id that is this one with leading zeros (0578 for
    578), the usual mark of an id that went through Excel."""


@dataclass(frozen=True)
class AuditResult:
    """Everything every report needs, computed once."""

    tool_version: str
    generated_at: dt.datetime
    as_of: dt.date
    period_from: dt.date | None
    period_to: dt.date
    profile: ProfileInfo
    extract: ExtractSummary
    cohort_size: int
    rules: tuple[RuleSummary, ...]
    results: pl.DataFrame
    """RESULT_SCHEMA rows sorted by rule order, then patient_id."""
    rejected: pl.DataFrame
    """REJECTED_SCHEMA rows."""
    units: pl.DataFrame
    """Per unit and rule: unit, rule_id, and one count column per status, compliance_rate."""
    waivers: tuple[WaiverOutcome, ...] = field(default_factory=tuple)
    pseudonymized: bool = False
    """True when ids were replaced by pseudonyms and names and free text removed
    (``--pseudonymize``); every report says so."""
    warnings: tuple[str, ...] = ()
    """Bokmål warnings about the profile (a rule reading free text without phrase patterns).
    With the warnings about waivers (``ipaudit.waivers.run_warnings``) they are printed on
    stderr and shown in every report."""

    def rule(self, rule_id: str) -> RuleSummary:
        """The summary of one rule."""
        return next(r for r in self.rules if r.meta.id == rule_id)

    @property
    def failing(self) -> pl.DataFrame:
        """The results that are not pass (what the findings lists show)."""
        return self.results.filter(pl.col("status") != Status.PASS.value)

    def fails_at_or_above(self, severity: Severity) -> bool:
        """True when a result (not waived) fails with ``severity`` or a more serious one."""
        severities = [Severity.ERROR.value] if severity is Severity.ERROR else [s.value for s in Severity]
        failing = self.results.filter((pl.col("status") == Status.FAIL.value) & pl.col("severity").is_in(severities))
        return failing.height > 0
