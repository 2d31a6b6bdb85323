"""Bokmål wording and formatting shared by the human reports (HTML and Excel).

Labels for statuses and severities come from ``ipaudit.model``; this module adds how dates,
counts and percentages are written (dd.mm.yyyy, ``12 345``, ``87,5 %``), the header facts
both reports open with, and the polars expressions that select what a findings list shows.
With ``--history`` it also holds what every view says about the changes since the previous
run (labels, the "Siden forrige kjøring" lines, the resolved list) and the trend per run.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ipaudit.checks import PARAMETERS
from ipaudit.extract.columns import TABLE_NAMES
from ipaudit.history import CHANGE_NEW, CHANGE_STILL, GONE_SCHEMA, Comparison
from ipaudit.model import (
    STATUS_LABELS,
    UNKNOWN_UNIT,
    AuditResult,
    ProfileInfo,
    RuleMeta,
    RuleSummary,
    Severity,
    Status,
    Suspension,
    Tag,
    WaiverOutcome,
)
from ipaudit.numbers import NBSP, fmt_pct

#: The statuses listed as findings in the HTML (not_applicable is counted, not listed),
#: in the order they are listed: what needs action first.
TEXT_EVIDENCE_SHEET = "Fritekst"
"""The workbook sheet listing every verdict that rests on free text, with its clause."""
CLAUSE_LABEL = "Setningen som telte"
"""What the reports call the clause of a note that made it evidence."""
EVIDENCE_KIND_LABELS = {
    "INFO_IP": "Informasjon om IP og koordinator",
    "INFO_BARNEKOORDINATOR": "Informasjon om barnekoordinator",
    "SAMTYKKE": "Samtykke",
    "KLAGEVEILEDNING": "Klageveiledning",
    "EPIKRISE_MENTION": "Epikrisen nevner IP eller koordinator",
}
"""What a note was read as evidence of (``PhraseKind``), in bokmål."""
LISTED_STATUSES: tuple[str, ...] = (Status.FAIL.value, Status.PENDING.value, Status.WAIVED.value)

SEVERITY_LABELS: dict[str, str] = {s.value: s.label for s in Severity}

#: The Norwegian name of each table: the first of the names its file or sheet may carry.
TABLE_LABELS: dict[str, str] = {table: names[0] for table, names in TABLE_NAMES.items() if names}

#: Bokmål label of each waiver state (WaiverOutcome.state), in the order the reports list them.
WAIVER_STATE_LABELS: dict[str, str] = {"applied": "Brukt", "expired": "Utløpt", "unused": "Ikke brukt"}

#: Bokmål label and unit (plural) of each known parameter, from the one source
#: (``ipaudit.checks.PARAMETERS``). Unknown names are shown as is.
PARAMETER_LABELS: dict[str, tuple[str, str]] = {name: (p.label, p.unit[1]) for name, p in PARAMETERS.items()}

#: What every view calls a rule's due date: the profile's audit threshold, never law.
DUE_LABEL = "Revisjonsfrist (profil)"
#: What every view calls the legal standard of time beside it.
LEGAL_DEADLINE_LABEL = "Lovens krav til tid"
STATUTE_LABEL = "Lov/forskrift"
GUIDANCE_LABEL = "Retningslinje"
NO_STATUTE_TEXT = "Ingen bestemmelse i lov eller forskrift; kravet bygger på retningslinjen."
#: Who counts as a child in the children figures.
CHILDREN_LABEL = "Barn (under 18 år på vurderingsdatoen)"


PSEUDONYMIZED_TEXT = (
    "Ja: pasient-id-er og andre id-er er erstattet med pseudonymer, og navn og fritekst fra "
    "journalen er utelatt."
)

#: Why some results stand under «Ukjent enhet» (model.UNKNOWN_UNIT).
UNKNOWN_UNIT_TEXT = (
    "Vurderingen som tok pasienten inn i kohorten (indeksvurderingen), har ingen enhet i uttrekket, så "
    "pasientens resultater er ført under «Ukjent enhet». Fyll inn enheten på vurderingen i journalsystemet "
    "for å få pasienten med under riktig enhet."
)


def has_unknown_unit(result: AuditResult) -> bool:
    """Some result is reported under «Ukjent enhet»."""
    return "unit" in result.results.columns and result.results.get_column("unit").eq(UNKNOWN_UNIT).any()


def core_rules(result: AuditResult) -> list[str]:
    """The ids of the rules tagged core, in report order."""
    return [r.meta.id for r in result.rules if Tag.CORE in r.meta.tags]


def core_text(rule_ids: list[str]) -> str:
    """What «Kjerneregel» means, naming the core rules of this report."""
    named = " og ".join([", ".join(rule_ids[:-1]), rule_ids[-1]]) if len(rule_ids) > 1 else "".join(rule_ids)
    return (f"Kjernereglene ({named}) prøver de grunnleggende dokumentasjonspliktene i arbeidet med "
            "individuell plan og koordinator. Merket endrer ikke hvordan en regel vurderes eller telles.")


def fmt_date(day: dt.date | None) -> str:
    """dd.mm.yyyy, or an empty string for no date."""
    return day.strftime("%d.%m.%Y") if day is not None else ""


def fmt_datetime(moment: dt.datetime) -> str:
    """dd.mm.yyyy kl. HH:MM."""
    return moment.strftime("%d.%m.%Y kl. %H:%M")


def fmt_int(number: int | None) -> str:
    """A count with a (non-breaking) space between thousands: 12 345."""
    return f"{number or 0:,}".replace(",", NBSP)


def status_label(status: str | None) -> str:
    """Bokmål label of a status value."""
    return STATUS_LABELS.get(status or "", status or "")


def severity_label(severity: str | Severity) -> str:
    """Bokmål label of a severity value."""
    return SEVERITY_LABELS.get(str(severity), str(severity))


def waiver_state_label(state: str) -> str:
    """Bokmål label of a waiver state ('applied' → 'Brukt')."""
    return WAIVER_STATE_LABELS.get(state, state)


def waivers_by_state(result: AuditResult) -> dict[str, list[WaiverOutcome]]:
    """The run's waivers grouped by state: every state of WAIVER_STATE_LABELS (maybe empty), in
    its order, then any other state; waivers in the order of ``result.waivers``."""
    groups: dict[str, list[WaiverOutcome]] = {state: [] for state in WAIVER_STATE_LABELS}
    for waiver in result.waivers:
        groups.setdefault(waiver.state, []).append(waiver)
    return groups


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
    """'Revisjonsfrist for informasjon, ønske/vilkår og samtykke: 14 dager (info_days)'."""
    param = PARAMETERS.get(name)
    if param is None:
        return f"{name}: {value}"
    return f"{param.label}: {param.quantity(value)} ({name})"


def parameter_parts(name: str, value: int) -> dict[str, str]:
    """{'label': 'Revisjonsfrist for melding til koordinerende enhet', 'value': '14 dager'} for a table."""
    param = PARAMETERS.get(name)
    if param is None:
        return {"label": name, "value": str(value)}
    return {"label": param.label, "value": param.quantity(value)}


def due_text(meta: RuleMeta) -> str:
    """The revisjonsfrist with the legal standard beside it:
    'Innen 14 dager etter vurderingen. Lovens krav til tid: snarest mulig.'"""
    due = meta.due or "Ingen."
    return f"{due} {LEGAL_DEADLINE_LABEL}: {meta.legal_deadline}."


def statute_text(meta: RuleMeta) -> str:
    """The provisions of lov/forskrift, or that the rule rests on guidance alone."""
    return meta.statute or NO_STATUTE_TEXT


def children_text(rule: RuleSummary) -> str:
    """'Barn: 3 oppfylt, 1 ikke oppfylt, 0 frist ikke passert (75,0 % oppfylt)'; or that there are none."""
    counts = rule.children
    if not sum(counts.values()):
        return "Ingen barn under 18 år blant pasientene regelen gjelder."
    parts = [f"{fmt_int(counts.get(s.value, 0))} {status_label(s.value).lower()}" for s in Status]
    rate = f" ({fmt_pct(rule.children_rate)} oppfylt)" if rule.children_rate is not None else ""
    return "Barn under 18 år: " + ", ".join(parts) + rate + "."


def suspension_text(suspension: Suspension) -> str:
    """Name and inclusive dates of a suspension."""
    return (
        f"{suspension.name}: {fmt_date(suspension.start)}–{fmt_date(suspension.end)}"
        + (f" ({suspension.basis})" if suspension.basis else "")
    )


def companions_text(formats: frozenset[str], what: str = "results") -> str:
    """Where the complete list is, given the formats written in the same run.

    ``what`` is 'results', 'rejected', 'units', 'resolved', 'waivers' or 'text' (the clauses
    behind verdicts by free text: only the workbook holds them all).
    """
    if what == "text":
        if "xlsx" in formats:
            return f"Se ipaudit-report.xlsx (arket {TEXT_EVIDENCE_SHEET}) for alle."
        return "Kjør med --format xlsx for å få alle."
    places = []
    if "xlsx" in formats:
        sheet = {"results": "", "rejected": " (arket Avviste rader)", "units": " (arket Enheter)",
                 "resolved": " (arket Løst)", "waivers": " (arket Sammendrag)"}
        places.append("ipaudit-report.xlsx" + sheet[what])
    if "csv" in formats and what != "units":
        csv_file = {"rejected": "ipaudit-rejected.csv", "resolved": "ipaudit-resolved.csv",
                    "waivers": "ipaudit-waivers.csv"}
        places.append(csv_file.get(what, "ipaudit-results.csv"))
    if "json" in formats and what == "waivers":
        places.append("ipaudit-results.json")
    if not places:
        return "Kjør med --format xlsx eller csv for å få alle."
    return "Se " + " eller ".join(places) + " for alle."


def label_expr(column: str, labels: dict[str, str]) -> pl.Expr:
    """A string column mapped through ``labels`` (unknown values kept as they are)."""
    return pl.col(column).replace(labels)


def rule_titles(result: AuditResult) -> dict[str, str]:
    """rule_id → title, in rule order."""
    return {r.meta.id: r.meta.title for r in result.rules}


# ------------------------------------------------------------------ history (--history)

#: Columns the results carry with ``--history`` (Comparison.annotate), after the contract's columns.
HISTORY_RESULT_COLUMNS: tuple[str, ...] = ("finding_id", "change")

#: The Endring column and badge of a failing result: new since the previous run, or still failing.
CHANGE_SHORT_LABELS: dict[str, str] = {CHANGE_NEW: "Ny", CHANGE_STILL: "Fortsatt"}
#: ``kind`` of a row in the resolved list (ipaudit-resolved.csv), per Comparison frame.
GONE_KINDS: dict[str, str] = {"resolved": "løst", "waived_since": "unntatt"}
GONE_LABELS: dict[str, str] = {"løst": "Løst", "unntatt": "Unntatt"}
#: Current status of a finding that is no longer in the results (the patient left the cohort,
#: or an IP00 patient is no longer flagged).
ABSENT_TEXT = "Ikke lenger med i revisjonen"

#: (Comparison.counts key, label, what it means): the "Siden forrige kjøring" lines.
HISTORY_COUNTS: tuple[tuple[str, str, str], ...] = (
    ("new", "Nye", "ikke oppfylt nå, men ikke ved forrige kjøring"),
    ("still_failing", "Fortsatt ikke oppfylt", "ikke oppfylt både nå og ved forrige kjøring"),
    ("resolved", "Løst", "ikke oppfylt ved forrige kjøring; nå oppfylt, frist ikke passert, "
                         "ikke aktuelt eller ikke lenger med i revisjonen"),
    ("waived_since", "Unntatt siden", "ikke oppfylt ved forrige kjøring, nå unntatt; et unntak godtar "
                                      "mangelen uten å lukke den, så det telles ikke som løst"),
)


def previous_run_text(history: Comparison) -> str:
    """'revisjonsdato 31.05.2025 (kjøring 2, kjørt 01.06.2025 kl. 06:15)', or the first-run sentence."""
    previous = history.previous_run
    if previous is None:
        return (f"Første kjøring med profilen {history.profile} i historikken, så det er ingenting å "
                f"sammenligne med ennå. Alle {fmt_int(history.new.height)} funn med «Ikke oppfylt» "
                "er merket som nye.")
    ran = f", kjørt {fmt_datetime(previous.started_at)}" if previous.started_at else ""
    return f"revisjonsdato {fmt_date(previous.as_of)} (kjøring {previous.run_id}{ran})"


def history_by_rule(history: Comparison) -> dict[str, dict[str, int]]:
    """rule_id → the four counts of ``Comparison.counts`` for that rule (rules without any left out)."""
    out: dict[str, dict[str, int]] = {}
    for key in ("new", "still_failing", "resolved", "waived_since"):
        frame: pl.DataFrame = getattr(history, key)
        for rule_id, n in frame.group_by("rule_id").len().iter_rows():
            out.setdefault(rule_id, dict.fromkeys(("new", "still_failing", "resolved", "waived_since"), 0))[key] = n
    return out


def gone_frame(history: Comparison) -> pl.DataFrame:
    """Resolved, then waived-since findings, with ``kind`` ('løst' / 'unntatt') first: the resolved list."""
    return pl.concat(
        [
            getattr(history, key).select(pl.lit(kind).alias("kind"), *GONE_SCHEMA)
            for key, kind in GONE_KINDS.items()
        ],
        how="vertical",
    )


def current_status_expr() -> pl.Expr:
    """The bokmål current status of a resolved finding (ABSENT_TEXT when it is no longer in the results)."""
    return label_expr("current_status", STATUS_LABELS).fill_null(ABSENT_TEXT)


def number_runs(trend: pl.DataFrame) -> pl.DataFrame:
    """The trend (TREND_SCHEMA rows) with ``run``: 1, 2, … by position, oldest first.

    Runs are told apart by position, not by run_id, which is null for a run not (yet) recorded.
    """
    key = pl.col("run_id").fill_null(-1)
    return trend.with_columns(run=(key != key.shift()).fill_null(True).cum_sum().cast(pl.Int64))


def trend_runs(trend: pl.DataFrame) -> pl.DataFrame:
    """The trend (TREND_SCHEMA rows) as one row per run, oldest first: ``run`` (1, 2, …), run_id,
    as_of, started_at, fail (all rules), then one compliance-rate column per rule id, in trend order.

    Runs are told apart by position, not by run_id, which is null for a run not (yet) recorded.
    """
    if trend.is_empty():
        return pl.DataFrame(schema={"run": pl.Int64(), "run_id": pl.Int64(), "as_of": pl.Date(),
                                    "started_at": pl.Datetime("us"), "fail": pl.Int64()})
    numbered = number_runs(trend)
    runs = numbered.group_by("run", maintain_order=True).agg(
        pl.col("run_id").first(), pl.col("as_of").first(), pl.col("started_at").first(), pl.col("fail").sum()
    )
    rates = numbered.pivot(on="rule_id", index="run", values="compliance_rate", aggregate_function="first")
    return runs.join(rates, on="run", how="left", maintain_order="left")


def trend_rule_ids(trend: pl.DataFrame) -> list[str]:
    """The rule ids of the trend, in the order they first appear."""
    return list(dict.fromkeys(trend.get_column("rule_id").to_list()))
