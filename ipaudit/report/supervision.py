"""``ipaudit-tilsynsrapport.html``: the audit as a supervision report (tilsynsrapport) in bokmål.

Structured as Statsforvalteren's reports are: introduction, scope, method, the legal
requirements with statute and guidance apart, findings per requirement, findings against
requirements of lov and forskrift ("mulig brudd på …", naming the provisions; the supervisor,
not the tool, concludes whether the law was broken), findings against guidelines only, the
requirements no extract can show (``ipaudit.manual_requirements``, each with an empty
*Vurdering* column), the review sample and the data basis (file names with full SHA-256,
row counts, as_of, period, profile, tool version), so a finding can be reproduced later.
The page is self-contained (inline CSS, no script, no network), autoescaped, and printable
on A4 with page numbers.

The view reads the ``AuditResult`` and its ``RunContext`` only. A pseudonymised result is
shown as it is: no name, journal text or original id is added. The review sample is handed in
(``RunContext.sample``: drawn by ``ipaudit.pipeline`` among the real ids and then
pseudonymised, exactly as ``ipaudit select`` draws); the view never draws one itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import polars as pl

from ipaudit import numbers, selection
from ipaudit.manual_requirements import MANUAL_REQUIREMENTS, SOURCES
from ipaudit.model import UNKNOWN_UNIT, AuditResult, RuleSummary, Status
from ipaudit.report import common, html, supervision_review
from ipaudit.report.base import ReportView
from ipaudit.review import ItemReview, Review
from ipaudit.selection import SampleDraw
from ipaudit.supervision_info import SupervisionInfo

FILENAME = "ipaudit-tilsynsrapport.html"
TEMPLATE = "supervision.html.j2"
STYLESHEET = "supervision.css"
UNIT_LIMIT = 60
"""Units listed in the scope table; the rest are summed in one row."""
UNITS_PER_FINDING = 5
"""Units named in the text under each requirement, those with the most failing patients first."""



def command_markup(command: str) -> markupsafe.Markup:
    """A shell command whose arguments never break inside ('--pseudonymize' stays whole when printed)."""
    return markupsafe.Markup(" ").join(
        markupsafe.Markup('<span class="arg">{}</span>').format(part) for part in command.split(" ")
    )


def environment() -> jinja2.Environment:
    """The HTML report's environment (autoescape on, undefined names are errors, the same
    filters), plus the filter that lays out a command line."""
    env = html.environment()
    env.filters.update(command=command_markup, x_of_n=supervision_review.x_of_n)
    return env


def _finding_phrase(rule: RuleSummary) -> str:
    """What is not documented, as the start of a finding sentence ("… i 21 av 270 vurderte
    journaler"): the rule's own ``RuleMeta.finding``, with the profile's values."""
    return rule.meta.finding or f"Kravet «{rule.meta.title}» er ikke oppfylt"


@dataclass(frozen=True)
class Requirement:
    """One rule as the report shows it: the requirement, its basis and what was found."""

    summary: RuleSummary
    number: str
    """Section number under chapter 4 and 5, e.g. '4.2' / '5.2' share the '2'."""
    applies_to: str
    satisfied_by: str
    due: str
    counts: dict[str, int]
    assessed: int
    """pass + fail."""
    own_population: bool
    """IP00: the rule lists the patients it flags and has no share."""
    finding: str
    """The finding sentence for chapters 6 and 7 (empty when nothing fails)."""
    basis: str
    """What the finding is worded by: the reviewed sample or the tool's counts
    (``supervision_review.BASIS_SAMPLE`` / ``BASIS_TOOL``)."""
    tool_count: str
    """The tool's count beside a finding worded by the sample, else empty."""
    review: ItemReview | None
    text: str
    """The short bokmål paragraph under chapter 5."""
    units: str
    """The units with failing patients: 'Medisinsk avdeling (8), DPS Nord (5), …', or empty."""

    @property
    def meta(self) -> Any:
        return self.summary.meta


def _count_text(n: int, one: str, many: str) -> str:
    return f"{common.fmt_int(n)} {one if n == 1 else many}"


def _rule_text(rule: RuleSummary, counts: dict[str, int], assessed: int, cohort: int, number: str) -> str:
    """The paragraph under chapter 5 for one rule."""
    fails, passes = counts["fail"], counts["pass"]
    if rule.meta.population == "own":
        if not fails:
            return "Verktøyet fant ingen pasienter uten vurdering som oppfyller kriteriene."
        return (
            f"{_count_text(fails, 'pasient', 'pasienter')} uten noen vurdering av behovet for individuell plan "
            f"oppfyller kriteriene i punkt 4.{number}. Regelen teller bare pasientene den finner, "
            "og har derfor ingen andel."
        )
    applicable = sum(counts.values()) - counts["not_applicable"]
    parts = [
        f"Kravet gjelder {common.fmt_int(applicable)} av {_count_text(cohort, 'pasient', 'pasienter')} i kohorten."
    ]
    if assessed:
        parts.append(
            f"Av {common.fmt_int(assessed)} vurderte er {common.fmt_int(passes)} oppfylt og "
            f"{common.fmt_int(fails)} ikke oppfylt ({numbers.fmt_pct(rule.compliance_rate)} oppfylt)."
        )
    elif applicable:
        parts.append("Ingen kunne vurderes ennå.")
    if counts["pending"]:
        parts.append(f"For {common.fmt_int(counts['pending'])} er fristen ikke passert på revisjonsdatoen.")
    if counts["waived"]:
        parts.append(f"{common.fmt_int(counts['waived'])} er unntatt etter godkjent unntak.")
    return " ".join(parts)


def _unit_text(result: AuditResult, rule_id: str) -> str:
    units = result.units
    if units.height == 0 or not {"unit", "rule_id", "fail"} <= set(units.columns):
        return ""
    failing = (
        units.filter((pl.col("rule_id") == rule_id) & (pl.col("fail") > 0))
        .select(pl.col("unit").fill_null(UNKNOWN_UNIT), "fail")
        .sort(["fail", "unit"], descending=[True, False])
    )
    if failing.height == 0:
        return ""
    shown = [f"{unit} ({common.fmt_int(n)})" for unit, n in failing.head(UNITS_PER_FINDING).iter_rows()]
    rest = failing.slice(UNITS_PER_FINDING)
    if rest.height:
        shown.append(
            f"{_count_text(rest.height, 'annen enhet', 'andre enheter')} ({common.fmt_int(int(rest['fail'].sum()))})"
        )
    return ", ".join(shown)


def requirements(result: AuditResult, review: Review | None = None) -> list[Requirement]:
    """Every rule of the run, in rule order, with its counts and texts; with a ``review`` the
    findings are worded by what the reviewer found in the sample where the rule was judged."""
    out = []
    cohort = result.cohort_size
    for number, rule in enumerate(result.rules, start=1):
        counts = {s.value: int(rule.counts.get(s.value, 0)) for s in Status}
        assessed = counts["pass"] + counts["fail"]
        own = rule.meta.population == "own"
        fails = counts["fail"]
        item = supervision_review.reviewed_item(review, rule.meta.id)
        finding, basis = supervision_review.claim(
            _finding_phrase(rule), fails, assessed, item, own=own, criteria=f"punkt 4.{number}"
        )
        tool_count = supervision_review.tool_count_text(fails, assessed, own=own) if item and fails else ""
        out.append(
            Requirement(
                summary=rule,
                number=str(number),
                applies_to=rule.meta.applies_to,
                satisfied_by=rule.meta.satisfied_by,
                due=rule.meta.due,
                counts=counts,
                assessed=assessed,
                own_population=own,
                finding=finding,
                basis=basis,
                tool_count=tool_count,
                review=item,
                text=_rule_text(rule, counts, assessed, cohort, str(number)),
                units=_unit_text(result, rule.meta.id),
            )
        )
    return out


def scope_units(result: AuditResult) -> tuple[list[tuple[str, int]], int, int]:
    """(unit, cohort patients) for the largest units, and the count and patients of the rest."""
    per_unit = (
        selection.cohort_patients(result).group_by("unit").len().sort(["len", "unit"], descending=[True, False])
    )
    shown = [(u, int(n)) for u, n in per_unit.head(UNIT_LIMIT).iter_rows()]
    rest = per_unit.slice(UNIT_LIMIT)
    return shown, rest.height, int(rest["len"].sum()) if rest.height else 0


def audit_command(result: AuditResult) -> str:
    """The ``ipaudit audit`` command that makes this report again (key and waiver files named, never shown)."""
    return selection.command_line(
        "audit", result, after=("--format", "supervision"), pseudonymized=result.pseudonymized
    )


def _sample_rows(result: AuditResult, draw: SampleDraw, review: Review | None) -> list[dict[str, Any]]:
    """The sampled patients with the rules the tool found not fulfilled for each, in rule order."""
    order = {r.meta.id: i for i, r in enumerate(result.rules)}
    fails = result.results.filter(
        pl.col("patient_id").is_in(draw.patients.get_column("patient_id").implode()) & (pl.col("status") == "fail")
    ).select("patient_id", "rule_id")
    failing: dict[str, list[str]] = {}
    for patient_id, rule_id in fails.iter_rows():
        failing.setdefault(patient_id, []).append(rule_id)
    reviewed = set(review.reviewed_patients) if review is not None else set()
    return [
        {
            "patient_id": patient_id,
            "unit": unit,
            "index_date": index_date,
            "stratum": selection.STRATUM_LABELS.get(stratum, stratum),
            "failing": ", ".join(sorted(failing.get(patient_id, []), key=lambda r: order.get(r, len(order)))),
            "reviewed": patient_id in reviewed,
        }
        for patient_id, unit, index_date, stratum in draw.patients.select(
            "patient_id", "unit", "index_date", "stratum"
        ).iter_rows()
    ]


def _sample_context(result: AuditResult, draw: SampleDraw | None, review: Review | None) -> dict[str, Any]:
    template = selection.reproduce_command(
        result,
        selection.DEFAULT_SAMPLE_SIZE,
        selection.DEFAULT_SAMPLE_SEED + 1,
        selection.DEFAULT_STRATIFY,
        unassessed=selection.DEFAULT_UNASSESSED,
        pseudonymized=result.pseudonymized,
    )
    if draw is None:
        return {"sample": None, "select_template": template}
    if draw.on_real_ids:
        command = selection.reproduce_command(
            result, draw.n, draw.seed, draw.stratify, unassessed=draw.unassessed, pseudonymized=result.pseudonymized
        )
    else:
        command = audit_command(result)
    rows = _sample_rows(result, draw, review)
    return {
        "sample": draw,
        "sample_rows": rows,
        "sample_cohort": sum(1 for row in rows if row["stratum"] == selection.STRATUM_LABELS[selection.COHORT]),
        "sample_method": selection.METHOD_TEXT.get(draw.stratify, str(draw.stratify)),
        "sample_frame": selection.frame_text(result, draw.unassessed),
        "sample_strata": supervision_review.strata(result, draw),
        "sample_command": command,
        "select_template": template,
        "not_reviewed": [row for row in rows if not row["reviewed"]] if review is not None else [],
    }


def render_supervision(
    result: AuditResult,
    sample: SampleDraw | None = None,
    review: Review | None = None,
    info: SupervisionInfo | None = None,
) -> str:
    """The whole supervision report as one HTML string; ``sample`` is the review sample listed
    in the stikkprøve chapter (None: the chapter says how to draw one), ``review`` what the
    reviewer found in it (``--review``), ``info`` the key facts (``--supervision-info``)."""
    draw = sample
    reqs = requirements(result, review)
    units, other_units, other_patients = scope_units(result)
    context = {
        "r": result,
        "requirements": reqs,
        # Findings on rules with a statute: "mulig brudd på …"; the rest rest on guidelines only.
        "law_findings": [q for q in reqs if q.meta.has_statute and q.finding],
        "guidance_findings": [q for q in reqs if not q.meta.has_statute and q.finding],
        "info": info.rows() if info is not None else [],
        "basis_sample": supervision_review.BASIS_SAMPLE,
        "manual": MANUAL_REQUIREMENTS,
        "sources": SOURCES,
        "units": units,
        "other_units": other_units,
        "other_patients": other_patients,
        "unit_count": len(units) + other_units,
        "unknown_unit": UNKNOWN_UNIT if common.has_unknown_unit(result) else None,
        "unknown_unit_text": common.UNKNOWN_UNIT_TEXT,
        "period": common.period_text(result),
        "profile": common.profile_text(result.profile),
        "suspensions": [common.suspension_text(s) for s in result.profile.suspensions],
        "generated": common.fmt_datetime(result.generated_at),
        "audit_command": audit_command(result),
        "waivers": common.waivers_by_state(result),
        "rejected_total": result.rejected.height,
        "statuses": [s.value for s in Status],
        "css": markupsafe.Markup(html.load_template(STYLESHEET)),  # our file, not data
        **_sample_context(result, draw, review),
        **supervision_review.review_context(result, review),
    }
    return environment().get_template(TEMPLATE).render(context)


class SupervisionView(ReportView):
    """The supervision report (``--format supervision``)."""

    format = "supervision"
    filenames = (FILENAME,)

    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        page = render_supervision(result, self.context.sample, self.context.review, self.context.info)
        targets[FILENAME].write_text(page, encoding="utf-8")
