"""A reproducible random sample of cohort patients for journal review (stikkprøve).

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

``write_review_workbook`` writes the sample as an Excel workbook: per rule, the tool's status
beside an empty column for the reviewer's own judgement. Its cells are the report workbook's
(``ipaudit.report.xlsx.cell``: text stays text, characters Excel cannot hold are dropped) and
it is written atomically as the reports are (``ipaudit.report.atomic``).

``command_line`` writes the ``ipaudit`` command that repeats a run; the "Slik gjentas
utvalget" line here and the supervision report's commands are built by it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shlex
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ipaudit.errors import InputError
from ipaudit.model import AuditResult, RuleSummary
from ipaudit.report.atomic import atomic_files
from ipaudit.report.common import fmt_datetime, status_label
from ipaudit.report.xlsx import BOLD, cell

STRATIFY_CHOICES: tuple[str, ...] = ("unit",)
REVIEW_FILENAME = "ipaudit-stikkprove.xlsx"
"""Default file name of the review workbook in the output directory."""
SAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "patient_id": pl.String(),
    "unit": pl.String(),
    "index_date": pl.Date(),
}
REVIEW_CHOICES: tuple[str, ...] = ("Oppfylt", "Ikke oppfylt", "Ikke aktuelt", "Usikker")
SAMPLE_SHEET = "Stikkprøve"
ABOUT_SHEET = "Om utvalget"
FINDINGS_SHEET = "Verktøyets funn"
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
        .select("patient_id", pl.col("unit").fill_null("Ukjent enhet"), "index_date")
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


def _text(ws: Worksheet, value: object, *, bold: bool = False, wrap: bool = False) -> Cell:
    """A cell that holds ``value`` as text: a value starting with = + - @ never becomes a formula."""
    return cell(ws, "" if value is None else str(value), font=BOLD if bold else None, wrap=wrap)


def _sample_sheet(ws: Worksheet, sample: pl.DataFrame, result: AuditResult, rules: list[str]) -> None:
    header = ["Pasient", "Enhet", "Indeksdato"]
    for rule_id in rules:
        header += [f"{rule_id} verktøy", f"{rule_id} revisor"]
    header.append("Merknad")
    ws.append([_text(ws, h, bold=True) for h in header])

    statuses = result.results.filter(
        pl.col("patient_id").is_in(sample.get_column("patient_id").implode()) & pl.col("rule_id").is_in(rules)
    ).select("patient_id", "rule_id", "status")
    status_of = {(p, r): s for p, r, s in statuses.iter_rows()}
    for patient_id, unit, index_date in sample.select("patient_id", "unit", "index_date").iter_rows():
        row = [_text(ws, patient_id), _text(ws, unit), cell(ws, index_date)]
        for rule_id in rules:
            status = status_of.get((patient_id, rule_id))
            row += [_text(ws, status_label(status)), _text(ws, "")]
        row.append(_text(ws, "", wrap=True))
        ws.append(row)

    last_row = sample.height + 1
    if sample.height:
        choices = DataValidation(
            type="list",
            formula1='"' + ",".join(REVIEW_CHOICES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ugyldig vurdering",
            error="Velg " + ", ".join(REVIEW_CHOICES) + ".",
        )
        ws.add_data_validation(choices)
        for i in range(len(rules)):
            letter = get_column_letter(5 + 2 * i)
            choices.add(f"{letter}2:{letter}{last_row}")
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last_row}"
    widths = [18, 45, 12] + [15, 15] * len(rules) + [40]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _findings_sheet(ws: Worksheet, sample: pl.DataFrame, result: AuditResult, rules: list[str]) -> None:
    """The tool's reasons for the sampled patients: status, message, due date and evidence."""
    header = ["Pasient", "Regel", "Status", "Begrunnelse", "Frist", "Dokumentasjon (id)"]
    ws.append([_text(ws, h, bold=True) for h in header])
    order = {r: i for i, r in enumerate(rules)}
    rows = (
        result.results.filter(
            pl.col("patient_id").is_in(sample.get_column("patient_id").implode()) & pl.col("rule_id").is_in(rules)
        )
        .join(sample.select("patient_id", "unit"), on="patient_id")
        .with_columns(pl.col("rule_id").replace_strict(order, return_dtype=pl.Int32).alias("_order"))
        .sort("unit", "patient_id", "_order")
    )
    for patient_id, rule_id, status, message, due, evidence in rows.select(
        "patient_id", "rule_id", "status", "message", "due_date", "evidence"
    ).iter_rows():
        ws.append(
            [
                _text(ws, patient_id),
                _text(ws, rule_id),
                _text(ws, status_label(status)),
                _text(ws, message, wrap=True),
                cell(ws, due),
                _text(ws, ", ".join(evidence or [])),
            ]
        )
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:F{rows.height + 1}"
    for letter, width in zip("ABCDEF", (18, 8, 18, 70, 12, 40), strict=True):
        ws.column_dimensions[letter].width = width


def _about_sheet(
    ws: Worksheet,
    sample: pl.DataFrame,
    result: AuditResult,
    *,
    n: int,
    seed: int,
    stratify: str | None,
    pseudonymized: bool,
) -> None:
    cohort = cohort_patients(result)

    def fact(label: str, value: object) -> None:
        shown = cell(ws, value) if isinstance(value, int | dt.date) else _text(ws, value, wrap=True)
        ws.append([_text(ws, label, bold=True), shown])

    ws.append([_text(ws, "Stikkprøve for journalgjennomgang", bold=True)])
    fact("Frø (seed)", seed)
    fact("Ønsket antall pasienter", n)
    fact("Trukket antall pasienter", sample.height)
    fact("Stratifisering", METHOD_TEXT[stratify])
    fact("Revisjonsdato", result.as_of)
    fact("Periode fra", result.period_from if result.period_from else "ingen nedre grense")
    fact("Periode til", result.period_to)
    fact("Profil", f"{result.profile.name} ({result.profile.source})")
    fact("Pasienter i kohorten", cohort.height)
    fact("Pseudonymisert", "ja" if pseudonymized else "nei")
    fact("Uttrekk", str(result.extract.location))
    for source in result.extract.sources:
        place = f"{source.path.name}" + (f" [{source.sheet}]" if source.sheet else "")
        fact(f"Fil for {source.table}", f"{place} sha256 {source.sha256}")
    fact("Laget", f"{fmt_datetime(result.generated_at)} av ipaudit {result.tool_version}")
    fact("Slik gjentas utvalget", reproduce_command(result, n, seed, stratify, pseudonymized=pseudonymized))
    fact(
        "Metode",
        "Kandidatene er kohortens pasienter sortert etter pasient-id; utvalget trekkes med Pythons "
        "random.Random(frø). Samme uttrekk, revisjonsdato, profil, antall og frø gir samme pasienter.",
    )
    ws.append([])
    ws.append([_text(ws, h, bold=True) for h in ("Enhet", "I kohorten", "I utvalget")])
    in_cohort = dict(cohort.group_by("unit").len().iter_rows())
    in_sample = dict(sample.group_by("unit").len().iter_rows())
    for unit in sorted(in_cohort):
        ws.append([_text(ws, unit), cell(ws, in_cohort[unit]), cell(ws, in_sample.get(unit, 0))])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 12


def write_review_workbook(
    sample: pl.DataFrame,
    result: AuditResult,
    path: Path,
    *,
    n: int,
    seed: int,
    stratify: str | None,
) -> Path:
    """Write the review workbook atomically (temporary file, flushed, then renamed); return its path.

    Sheets: *Stikkprøve* (one row per patient; per rule the tool's status and an empty
    reviewer column with a drop-down), *Verktøyets funn* (the tool's messages and evidence for
    the sampled patients) and *Om utvalget* (seed, n, method, cohort and per-unit counts, and
    the command that draws the sample again). ``n``, ``seed`` and ``stratify`` are the
    arguments the sample was drawn with.
    """
    rules = [r.meta.id for r in cohort_rules(result)]
    pseudonymized = result.pseudonymized
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SAMPLE_SHEET
    _sample_sheet(sheet, sample, result, rules)
    _findings_sheet(workbook.create_sheet(FINDINGS_SHEET), sample, result, rules)
    _about_sheet(
        workbook.create_sheet(ABOUT_SHEET),
        sample,
        result,
        n=n,
        seed=seed,
        stratify=stratify,
        pseudonymized=pseudonymized,
    )
    path = Path(path)
    with atomic_files(path.parent, [path.name]) as temporaries:
        workbook.save(temporaries[path.name])
    return path
