"""``ipaudit-stikkprove.xlsx``: the review sample as a workbook a reviewer fills in.

Sheets: *Stikkprøve* (one row per drawn patient; per rule the tool's status beside an empty
reviewer column with a drop-down), *Verktøyets funn* (the tool's messages and evidence for the
drawn patients) and *Om utvalget* (seed, n, method, cohort and per-unit counts, and the command
that draws the sample again). The sample itself is drawn by ``ipaudit.selection`` (through
``ipaudit.pipeline``) and handed in as ``RunContext.sample``; this view only lays it out. Its
cells are the report workbook's (``ipaudit.report.xlsx.cell``: text stays text, characters
Excel cannot hold are dropped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ipaudit import selection
from ipaudit.model import AuditResult
from ipaudit.report.base import ReportView, RunContext
from ipaudit.report.common import fmt_datetime, status_label
from ipaudit.report.xlsx import BOLD, cell
from ipaudit.selection import SampleDraw

REVIEW_FILENAME = "ipaudit-stikkprove.xlsx"
"""File name of the review workbook in the output directory."""
REVIEW_CHOICES: tuple[str, ...] = ("Oppfylt", "Ikke oppfylt", "Ikke aktuelt", "Usikker")
SAMPLE_SHEET = "Stikkprøve"
ABOUT_SHEET = "Om utvalget"
FINDINGS_SHEET = "Verktøyets funn"


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
    cohort = selection.cohort_patients(result)

    def fact(label: str, value: object) -> None:
        shown = cell(ws, value) if isinstance(value, int | dt.date) else _text(ws, value, wrap=True)
        ws.append([_text(ws, label, bold=True), shown])

    ws.append([_text(ws, "Stikkprøve for journalgjennomgang", bold=True)])
    fact("Frø (seed)", seed)
    fact("Ønsket antall pasienter", n)
    fact("Trukket antall pasienter", sample.height)
    fact("Stratifisering", selection.METHOD_TEXT[stratify])
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
    fact("Slik gjentas utvalget", selection.reproduce_command(result, n, seed, stratify, pseudonymized=pseudonymized))
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


def build_workbook(result: AuditResult, draw: SampleDraw) -> Workbook:
    """The review workbook of ``draw`` (drawn from ``result``, pseudonymised with it)."""
    rules = [r.meta.id for r in selection.cohort_rules(result)]
    sample = draw.patients
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SAMPLE_SHEET
    _sample_sheet(sheet, sample, result, rules)
    _findings_sheet(workbook.create_sheet(FINDINGS_SHEET), sample, result, rules)
    _about_sheet(
        workbook.create_sheet(ABOUT_SHEET),
        sample,
        result,
        n=draw.n,
        seed=draw.seed,
        stratify=draw.stratify,
        pseudonymized=result.pseudonymized,
    )
    return workbook


class ReviewWorkbookView(ReportView):
    """The review workbook (``ipaudit select``); needs ``RunContext.sample``."""

    format = "stikkprove"
    filenames = (REVIEW_FILENAME,)

    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        draw = self.context.sample
        if draw is None:
            raise ValueError("the review workbook needs a sample (RunContext.sample)")
        build_workbook(result, draw).save(targets[REVIEW_FILENAME])


def write_review_workbook(
    sample: pl.DataFrame, result: AuditResult, path: Path, *, n: int, seed: int, stratify: str | None
) -> Path:
    """Write the review workbook of ``sample`` (drawn with ``n``, ``seed``, ``stratify``) to
    ``path`` atomically, as the pipeline's write step does; return the path."""
    from ipaudit.report import write_views

    draw = SampleDraw(patients=sample, n=n, seed=seed, stratify=stratify, on_real_ids=True)
    path = Path(path)
    workbook = _NamedReviewWorkbook(path.name, RunContext(sample=draw))
    (written,) = write_views(result, path.parent, [workbook])
    return written


class _NamedReviewWorkbook(ReviewWorkbookView):
    """The review workbook under another file name (``write_review_workbook``)."""

    def __init__(self, name: str, context: RunContext) -> None:
        super().__init__(context)
        self.name = name

    def filenames_for(self, result: AuditResult) -> tuple[str, ...]:
        return (self.name,)

    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        super().render(result, {REVIEW_FILENAME: targets[self.name]})
