"""The headline figures of an audit, defined once and shown alike in every view.

The terminal, the HTML report, the workbook's *Sammendrag* and the JSON ``summary`` all
read ``headline(result)`` and, in words, ``describe(...)``: a fail is a breach of a rule
(split by the rule's severity), a pending result has a deadline not yet passed, a waived
result is a breach accepted by a waiver, and a not-applicable result is outside the rule.
*Findings* are fail, pending and waived — what the findings lists show; not-applicable
results are counted apart and never listed among them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipaudit.model import AuditResult, RuleSummary, Severity, Status
from ipaudit.numbers import fmt_pct


@dataclass(frozen=True)
class Headline:
    """Results of every rule of a run, counted by status."""

    passed: int
    fail: int
    """Results that are not met (breaches), waived ones not included."""
    fail_error: int
    """Of ``fail``: rules with severity error."""
    fail_warning: int
    """Of ``fail``: rules with severity warning."""
    pending: int
    waived: int
    waived_fail: int
    """Of ``waived``: results that would have been fail without the waiver."""
    not_applicable: int

    @property
    def findings(self) -> int:
        """What the findings lists hold: fail, pending and waived."""
        return self.fail + self.pending + self.waived

    def as_dict(self) -> dict[str, int]:
        """The figures under their JSON names."""
        return {
            "findings": self.findings,
            "fail": self.fail,
            "fail_error": self.fail_error,
            "fail_warning": self.fail_warning,
            "pending": self.pending,
            "waived": self.waived,
            "waived_fail": self.waived_fail,
            "not_applicable": self.not_applicable,
            "pass": self.passed,
        }


def headline(result: AuditResult) -> Headline:
    """The headline figures of ``result`` (sums of the rules' own counts)."""

    def total(status: Status, severity: Severity | None = None) -> int:
        return sum(
            r.counts.get(status.value, 0) for r in result.rules if severity is None or r.severity is severity
        )

    return Headline(
        passed=total(Status.PASS),
        fail=total(Status.FAIL),
        fail_error=total(Status.FAIL, Severity.ERROR),
        fail_warning=total(Status.FAIL, Severity.WARNING),
        pending=total(Status.PENDING),
        waived=total(Status.WAIVED),
        waived_fail=sum(r.waived_fail for r in result.rules),
        not_applicable=total(Status.NOT_APPLICABLE),
    )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def describe(h: Headline) -> str:
    """The headline in one bokmål sentence, the same in every view."""
    fail = f"{_n(h.fail)} ikke oppfylt"
    if h.fail:
        fail += f" ({_n(h.fail_error)} feil, {_n(h.fail_warning)} {'advarsel' if h.fail_warning == 1 else 'advarsler'})"
    return (
        f"{_n(h.findings)} funn: {fail}, {_n(h.pending)} frist ikke passert, {_n(h.waived)} unntatt. "
        f"{_n(h.not_applicable)} resultater er ikke aktuelle og er ikke funn."
    )


def waiver_note(rule: RuleSummary) -> str | None:
    """What waivers did to a rule's compliance rate, or None when they did nothing to it."""
    if not rule.waived_fail or rule.rate_without_waivers is None:
        return None
    return (
        f"{_n(rule.waived_fail)} unntatte brudd er holdt utenfor etterlevelsen; "
        f"uten unntak ville den vært {fmt_pct(rule.rate_without_waivers)}."
    )


def waivers_raise_rates(result: AuditResult) -> str | None:
    """One sentence for the summary when waivers raised any rule's compliance rate."""
    raised = [r.meta.id for r in result.rules if waiver_note(r)]
    if not raised:
        return None
    return (
        "Unntak hever etterlevelsen for " + ", ".join(raised) + ": unntatte brudd telles ikke med; "
        "etterlevelsen uten unntak står ved regelen."
    )
