"""The audit's vocabulary: severities, statuses, rule metadata and the one AuditResult.

Every report format is a view of one ``AuditResult``; none of them recomputes anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
        return {"error": "Feil", "warning": "Advarsel"}[self.value]


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

#: The unit a result is reported under when the index assessment names none.
UNKNOWN_UNIT = "Ukjent enhet"

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


class Tag(StrEnum):
    """A rule's (or a branch's) tags. A suspension in a profile names the tags it suspends."""

    CORE = "core"
    """One of the five core rules."""
    IP_RIGHT = "ip-right"
    """Rests on the right to individuell plan (suspended 27.03.–26.05.2020)."""

    @property
    def label(self) -> str:
        """Bokmål name for the terminal and reports."""
        return {"core": "kjerneregel", "ip-right": "retten til IP"}[self.value]


class Population(StrEnum):
    """Whom a rule gives results for."""

    COHORT = "cohort"
    """Exactly one result per cohort patient."""
    OWN = "own"
    """The rule chooses its own population (IP00: at-risk patients without any assessment) and
    has no compliance rate."""


class EvidenceKind(StrEnum):
    """Which table the ids in a result's ``evidence`` come from (pseudonymisation keys each
    kind in its own namespace)."""

    DOCUMENT = "document"
    EPISODE = "episode"
    ASSESSMENT = "assessment"

    @property
    def table(self) -> str:
        """The extract table the ids come from."""
        return {"document": "documents", "episode": "episodes", "assessment": "assessments"}[self.value]

    @property
    def id_column(self) -> str:
        """The id column of that table."""
        return f"{self.value}_id"


class OptionalTable(StrEnum):
    """The optional extract tables a rule may require (``RuleMeta.requires``)."""

    EPISODES = "episodes"
    COORDINATORS = "coordinators"


class PhraseKind(StrEnum):
    """The kinds of free-text evidence a profile has phrase patterns for (``[patterns]``).

    INFO_IP, SAMTYKKE and KLAGEVEILEDNING are also document types: a document of that type is
    evidence too. The others are read from text only."""

    INFO_IP = "INFO_IP"
    INFO_BARNEKOORDINATOR = "INFO_BARNEKOORDINATOR"
    SAMTYKKE = "SAMTYKKE"
    KLAGEVEILEDNING = "KLAGEVEILEDNING"
    EPIKRISE_MENTION = "EPIKRISE_MENTION"

    @property
    def is_document_type(self) -> bool:
        """True when a document of this type is evidence of the kind by itself."""
        return self.value in ("INFO_IP", "SAMTYKKE", "KLAGEVEILEDNING")


@dataclass(frozen=True)
class Parameter:
    """A rule parameter (an audit threshold chosen by the profile, never law) with its
    national default, its bokmål label and its unit."""

    name: str
    default: int
    label: str
    """Bokmål label for tables: 'Revisjonsfrist for informasjon, ønske/vilkår og samtykke'."""
    unit: tuple[str, str] = ("dag", "dager")
    """(singular, plural): '1 dag', '14 dager'."""

    @property
    def description(self) -> str:
        """The label with its unit: 'Revisjonsfrist for … (dager)'."""
        return f"{self.label} ({self.unit[1]})"

    def quantity(self, value: int) -> str:
        """'1 dag', '14 dager', '3 enheter'."""
        return f"{value} {self.unit[0] if value == 1 else self.unit[1]}"


@dataclass(frozen=True)
class RuleMeta:
    """What a rule is, independent of any run: carried by each module in ipaudit/checks.

    The one source of everything a view says about a rule. Texts (title, applies_to,
    satisfied_by, due, finding) may name a parameter as ``{info_days}``; ``resolved`` fills
    in the profile's value with its unit ('14 dager'), and the engine hands the views the
    resolved metadata, so no view ever shows a raw parameter name.
    """

    id: str
    """Rule id, equal to the module name (IP01.py holds IP01)."""
    title: str
    """Bokmål title shown in every report."""
    severity: Severity
    """Default severity; a profile may change it."""
    statute: str
    """Provisions of lov or forskrift the rule rests on (empty for a guidance-only rule).
    Shown as *Lov/forskrift*."""
    guidance: str
    """Guidelines and veiledere (the seeds), shown as *Retningslinje*."""
    legal_deadline: str
    """The legal standard of time, shown beside the profile's revisjonsfrist: 'snarest mulig',
    'ingen lovfestet frist', … The day counts are audit thresholds, never law."""
    finding: str
    """The supervision report's sentence for a failing result, to which '… i 21 av 270
    vurderte journaler' is appended: 'Det er ikke dokumentert at …'."""
    tags: frozenset[Tag] = frozenset()
    """``core`` for the five core rules; ``ip-right`` for rules suspended with the right to IP."""
    branch_tags: tuple[tuple[str, frozenset[Tag]], ...] = ()
    """(branch, tags) for a branch of the rule tagged apart from the whole rule (IP07 (b):
    ``ip-right``). The engine gives the check a cohort column ``branch_<branch>_suspension``:
    the message of the suspension covering the index date, else null."""
    in_force_from: dt.date | None = None
    """First day the requirement applies; for an earlier index date the rule is
    not_applicable with "Kravet gjelder fra DD.MM.ÅÅÅÅ."."""
    background: str = ""
    """Law named as background that is not the hospital's duty (IP13)."""
    parameters: tuple[str, ...] = ()
    """Names of the parameters (PARAMETERS) the rule reads."""
    requires: tuple[OptionalTable, ...] = ()
    """Optional tables without which the rule is not_applicable for everyone."""
    phrases: tuple[tuple[PhraseKind, tuple[str, ...]], ...] = ()
    """(phrase kind, document types whose text is read; () for every type) for text evidence
    the rule reads in a narrower scope than every document (IP09: EPIKRISE_MENTION in EPIKRISE)."""
    applies_to: str = ""
    """One sentence in bokmål: who the rule applies to."""
    satisfied_by: str = ""
    """One sentence in bokmål: what satisfies it."""
    due: str = ""
    """One sentence in bokmål: the revisjonsfrist (profil), where the rule has one."""
    has_due_date: bool = False
    """True when results carry a due date (pending before it); the output contract checks it."""
    population: Population = Population.COHORT
    """Whom the rule gives results for."""
    evidence_kind: EvidenceKind = EvidenceKind.DOCUMENT
    """Which table the ids in ``evidence`` come from."""
    limited_without: tuple[tuple[OptionalTable, str], ...] = ()
    """(optional table, bokmål note) pairs: the rule still runs without the table, but limited,
    and the report says how."""

    @property
    def basis(self) -> str:
        """Statute and guidance in one line, each labelled (for places with room for one line)."""
        parts = [f"Lov/forskrift: {self.statute}" if self.statute else "Lov/forskrift: ingen"]
        if self.guidance:
            parts.append(f"Retningslinje: {self.guidance}")
        return ". ".join(parts)

    @property
    def has_statute(self) -> bool:
        """True when the rule rests on lov or forskrift (supervision: *Funn mot krav i lov og forskrift*)."""
        return bool(self.statute.strip())

    def resolved(self, values: Mapping[str, int], parameters: Mapping[str, Parameter]) -> RuleMeta:
        """This metadata with ``{name}`` in its texts replaced by the profile's value and unit."""
        quantities = {name: parameters[name].quantity(values[name]) for name in self.parameters if name in values}

        def fill(text: str) -> str:
            return text.format_map(quantities) if text else text

        return replace(
            self,
            title=fill(self.title),
            applies_to=fill(self.applies_to),
            satisfied_by=fill(self.satisfied_by),
            due=fill(self.due),
            finding=fill(self.finding),
        )

    def rate(self, passed: int, failed: int) -> float | None:
        """The compliance rate pass / (pass + fail); None when nothing was decided or the rule
        chooses its own population (it lists only the patients it flags, so the rate would
        always be 0)."""
        decided = passed + failed
        return passed / decided if decided and self.population == Population.COHORT else None


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
    children: dict[str, int] = field(default_factory=dict)
    """Results per status for patients under 18 on the index date (IP00, which has no index
    date: under 18 on the audit date); every Status value present."""
    children_rate: float | None = None
    """pass / (pass + fail) among those children; None when there is neither."""


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


def _no_text_evidence() -> pl.DataFrame:
    from ipaudit.text_evidence import empty  # it imports this module

    return empty()


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
    text_evidence: pl.DataFrame = field(default_factory=lambda: _no_text_evidence())
    """``ipaudit.text_evidence.TEXT_EVIDENCE_SCHEMA`` rows: each result's evidence by free
    text with the clause that counted. Journal text: only the internal HTML report and the
    workbook show it; empty in a pseudonymised run; never in JSON, CSV, history or stderr."""

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
