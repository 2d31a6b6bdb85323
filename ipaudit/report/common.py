"""Bokmål wording and formatting shared by the human reports (HTML and Excel).

Labels for statuses and severities come from ``ipaudit.model``; this module adds how dates,
counts and percentages are written (dd.mm.yyyy, ``12 345``, ``87,5 %``), the header facts
both reports open with, and the polars expressions that select what a findings list shows.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ipaudit.model import STATUS_LABELS, AuditResult, ProfileInfo, Severity, Status, Suspension

NBSP = "\u00a0"

#: The statuses listed as findings in the HTML (not_applicable is counted, not listed),
#: in the order they are listed: what needs action first.
LISTED_STATUSES: tuple[str, ...] = (Status.FAIL.value, Status.PENDING.value, Status.WAIVED.value)

#: The Excel findings sheet lists every result that is not pass.
NON_PASS_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s is not Status.PASS)

SEVERITY_LABELS: dict[str, str] = {s.value: s.label for s in Severity}

TABLE_LABELS: dict[str, str] = {
    "patients": "pasienter",
    "episodes": "kontakter",
    "assessments": "vurderinger",
    "coordinators": "koordinatorer",
    "documents": "dokumenter",
}

#: Bokmål description and unit of each known parameter. Unknown names are shown as is.
PARAMETER_LABELS: dict[str, tuple[str, str]] = {
    "info_days": ("Frist for informasjon, ønske/vilkår og samtykke", "dager"),
    "notice_days": ("Frist for melding til kommunen", "dager"),
    "coordinator_days": ("Frist for å oppnevne eller avklare koordinator", "dager"),
    "plan_days": ("Frist for individuell plan", "dager"),
    "first_contact_days": ("Frist for koordinators første kontakt", "dager"),
    "at_risk_inpatient_days": ("Døgn innlagt som utløser krav om vurdering", "døgn"),
    "at_risk_units": ("Antall enheter som utløser krav om vurdering", "enheter"),
    "lookback_days": ("Dokumentasjon godtas fra dager før vurderingen", "dager"),
}


PSEUDONYMIZED_TEXT = (
    "Ja: pasient-id-er og andre id-er er erstattet med pseudonymer, og navn og fritekst fra "
    "journalen er utelatt."
)


def fmt_date(day: dt.date | None) -> str:
    """dd.mm.yyyy, or an empty string for no date."""
    return day.strftime("%d.%m.%Y") if day is not None else ""


def fmt_datetime(moment: dt.datetime) -> str:
    """dd.mm.yyyy kl. HH:MM."""
    return moment.strftime("%d.%m.%Y kl. %H:%M")


def fmt_int(number: int | None) -> str:
    """A count with a (non-breaking) space between thousands: 12 345."""
    return f"{number or 0:,}".replace(",", NBSP)


def fmt_pct(rate: float | None) -> str:
    """A rate as a Norwegian percentage with one decimal (87,5 %), or – when undefined."""
    if rate is None:
        return "–"
    return f"{rate * 100:.1f}".replace(".", ",") + NBSP + "%"


def status_label(status: str | None) -> str:
    """Bokmål label of a status value."""
    return STATUS_LABELS.get(status or "", status or "")


def severity_label(severity: str | Severity) -> str:
    """Bokmål label of a severity value."""
    return SEVERITY_LABELS.get(str(severity), str(severity))


def table_label(table: str) -> str:
    """'documents (dokumenter)': the canonical name the extract uses, and the Norwegian one."""
    norwegian = TABLE_LABELS.get(table)
    return f"{table} ({norwegian})" if norwegian else table


def period_text(result: AuditResult) -> str:
    """The period in words."""
    if result.period_from is None:
        return f"til og med {fmt_date(result.period_to)} (ingen nedre grense)"
    return f"{fmt_date(result.period_from)}–{fmt_date(result.period_to)}"


def profile_text(profile: ProfileInfo) -> str:
    """'unn (innebygd), utvider national'."""
    source = "innebygd" if profile.source == "innebygd" else f"fil: {profile.source}"
    text = f"{profile.name} ({source})"
    if profile.extends:
        text += ", utvider " + " → ".join(profile.extends)
    return text


def parameter_text(name: str, value: int) -> str:
    """'Frist for informasjon, ønske/vilkår og samtykke: 14 dager (info_days)'."""
    label, unit = PARAMETER_LABELS.get(name, (name, ""))
    if label == name:
        return f"{name}: {value}"
    return f"{label}: {value} {unit} ({name})"


def parameter_parts(name: str, value: int) -> dict[str, str]:
    """{'label': 'Frist for melding til kommunen', 'value': '14 dager'} for a table."""
    label, unit = PARAMETER_LABELS.get(name, (name, ""))
    return {"label": label, "value": f"{value} {unit}".strip()}


def suspension_text(suspension: Suspension) -> str:
    """Name and inclusive dates of a suspension."""
    return (
        f"{suspension.name}: {fmt_date(suspension.start)}–{fmt_date(suspension.end)}"
        + (f" ({suspension.basis})" if suspension.basis else "")
    )


def companions_text(formats: frozenset[str], what: str = "results") -> str:
    """Where the complete list is, given the formats written in the same run.

    ``what`` is 'results', 'rejected' or 'units'.
    """
    places = []
    if "xlsx" in formats:
        sheet = {"results": "", "rejected": " (arket Avviste rader)", "units": " (arket Enheter)"}
        places.append("ipaudit-report.xlsx" + sheet[what])
    if "csv" in formats and what != "units":
        places.append("ipaudit-rejected.csv" if what == "rejected" else "ipaudit-results.csv")
    if not places:
        return "Kjør med --format xlsx eller csv for å få alle."
    return "Se " + " eller ".join(places) + " for alle."


def label_expr(column: str, labels: dict[str, str]) -> pl.Expr:
    """A string column mapped through ``labels`` (unknown values kept as they are)."""
    return pl.col(column).replace(labels)


def rule_titles(result: AuditResult) -> dict[str, str]:
    """rule_id → title, in rule order."""
    return {r.meta.id: r.meta.title for r in result.rules}
