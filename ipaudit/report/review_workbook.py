"""``ipaudit-stikkprove.xlsx``: the review sample as a workbook a reviewer fills in.

The layout is the contract of ``ipaudit.review_contract`` (read back by ``ipaudit audit
--review``): *Stikkprøve* (one row per drawn patient; per rule the tool's status beside the
reviewer's column with a drop-down of exactly the four verdicts; per manual requirement M1–M13
a reviewer column; one comment column), *Verktøyets funn* (the tool's messages and evidence for
the drawn patients), *Om utvalget* (frame, strata, seed, method, the command that draws the
sample again) and the hidden *Identitet* (the run the workbook belongs to and the drawn ids).
Every sheet prints on A4 landscape, fitted to the page width, with its header row repeated.

The sample itself is drawn by ``ipaudit.selection`` (through ``ipaudit.pipeline``) and handed
in as ``RunContext.sample``; this view only lays it out. Its cells are the report workbook's
(``ipaudit.report.xlsx.cell``: text stays text, characters Excel cannot hold are dropped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ipaudit import review_contract as contract
from ipaudit import selection
from ipaudit.manual_requirements import MANUAL_REQUIREMENTS
from ipaudit.model import AuditResult
from ipaudit.report.base import ReportView, RunContext
from ipaudit.report.common import fmt_datetime, status_label
from ipaudit.report.xlsx import BOLD, cell
from ipaudit.selection import SampleDraw

REVIEW_FILENAME = "ipaudit-stikkprove.xlsx"
"""File name of the review workbook in the output directory."""
REVIEW_CHOICES = contract.VERDICTS
SAMPLE_SHEET = contract.SAMPLE_SHEET
ABOUT_SHEET = contract.ABOUT_SHEET
FINDINGS_SHEET = contract.FINDINGS_SHEET
IDENTITY_SHEET = contract.IDENTITY_SHEET
_GREY = PatternFill("solid", fgColor="E7E6E6")
_REVIEW = PatternFill("solid", fgColor="FFF9DB")


def _text(ws: Worksheet, value: object, *, bold: bool = False, wrap: bool = False,
          fill: PatternFill | None = None) -> Cell:
    """A cell that holds ``value`` as text: a value starting with = + - @ never becomes a formula."""
    return cell(ws, "" if value is None else str(value), font=BOLD if bold else None, wrap=wrap, fill=fill)


def _print_setup(ws: Worksheet) -> None:
    """A4 landscape, fitted to the page width (as many pages down as needed), header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


def review_rules(result: AuditResult) -> list[str]:
    """The automated rules with a reviewer column, in the run's rule order (IP00 first when run)."""
    return [r.meta.id for r in result.rules]


def _sample_sheet(ws: Worksheet, sample: pl.DataFrame, result: AuditResult, rules: list[str]) -> None:
    header = list(contract.LEADING)
    for rule_id in rules:
        header += [contract.tool_column(rule_id), contract.reviewer_column(rule_id)]
    header += [contract.reviewer_column(m.id) for m in MANUAL_REQUIREMENTS]
    header.append(contract.COMMENT)
    ws.append([_text(ws, h, bold=True, wrap=True) for h in header])

    statuses = result.results.filter(
        pl.col("patient_id").is_in(sample.get_column("patient_id").implode()) & pl.col("rule_id").is_in(rules)
    ).select("patient_id", "rule_id", "status")
    status_of = {(p, r): s for p, r, s in statuses.iter_rows()}
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(contract.VERDICTS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ugyldig vurdering",
        error="Velg " + ", ".join(contract.VERDICTS) + ", eller la cellen stå tom (ikke vurdert).",
        showInputMessage=True,
        promptTitle="Revisors vurdering",
        prompt="Tom celle: ikke vurdert.",
    )
    only_na = DataValidation(
        type="list",
        formula1=f'"{contract.IKKE_AKTUELT}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Gjelder ikke",
        error="Regelen gjelder ikke pasienter i dette utvalget.",
    )
    first_reviewer = len(contract.LEADING) + 2
    for row_number, (patient_id, unit, index_date, stratum) in enumerate(
        sample.select("patient_id", "unit", "index_date", "stratum").iter_rows(), start=2
    ):
        row = [
            _text(ws, patient_id),
            _text(ws, selection.STRATUM_LABELS.get(stratum, stratum)),
            _text(ws, unit),
            cell(ws, index_date),
        ]
        for i, rule_id in enumerate(rules):
            letter = get_column_letter(first_reviewer + 2 * i)
            if selection.rule_applies(result, rule_id, stratum):
                row += [_text(ws, status_label(status_of.get((patient_id, rule_id)))), _text(ws, "", fill=_REVIEW)]
                choices.add(f"{letter}{row_number}")
            else:
                row += [_text(ws, contract.NOT_FOR_STRATUM, fill=_GREY), _text(ws, "", fill=_GREY)]
                only_na.add(f"{letter}{row_number}")
        row += [_text(ws, "", fill=_REVIEW) for _ in MANUAL_REQUIREMENTS]
        row.append(_text(ws, "", wrap=True))
        ws.append(row)

    last_row = sample.height + 1
    manual_first = first_reviewer + 2 * len(rules) - 1
    if sample.height and MANUAL_REQUIREMENTS:
        start, end = get_column_letter(manual_first), get_column_letter(manual_first + len(MANUAL_REQUIREMENTS) - 1)
        choices.add(f"{start}2:{end}{last_row}")
    for validation in (choices, only_na):
        if validation.sqref.ranges:
            ws.add_data_validation(validation)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last_row}"
    widths = [16, 12, 30, 11] + [12, 12] * len(rules) + [11] * len(MANUAL_REQUIREMENTS) + [40]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 30
    _print_setup(ws)


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
    _print_setup(ws)


def _about_sheet(ws: Worksheet, draw: SampleDraw, result: AuditResult) -> None:
    sample = draw.patients
    cohort = selection.cohort_patients(result)
    flagged = selection.unassessed_patients(result)

    def fact(label: str, value: object) -> None:
        shown = cell(ws, value) if isinstance(value, int | dt.date) else _text(ws, value, wrap=True)
        ws.append([_text(ws, label, bold=True), shown])

    ws.append([_text(ws, "Stikkprøve for journalgjennomgang", bold=True)])
    fact("Frø (seed)", draw.seed)
    fact("Ønsket antall fra kohorten", draw.n)
    fact("Ønsket antall fra «Ikke vurdert»", draw.unassessed)
    fact("Trukket antall pasienter", sample.height)
    fact("Utvalgsramme", selection.frame_text(result, draw.unassessed))
    fact("Stratifisering", selection.METHOD_TEXT[draw.stratify])
    fact("Revisjonsdato", result.as_of)
    fact("Periode fra", result.period_from if result.period_from else "ingen nedre grense")
    fact("Periode til", result.period_to)
    fact("Profil", f"{result.profile.name} ({result.profile.source})")
    fact("Pasienter i kohorten", cohort.height)
    fact("Pasienter i «Ikke vurdert»", flagged.height)
    fact("Pseudonymisert", "ja" if result.pseudonymized else "nei")
    fact("Uttrekk", str(result.extract.location))
    fact("Uttrekkets fingeravtrykk", contract.extract_fingerprint(result.extract))
    for source in result.extract.sources:
        place = f"{source.path.name}" + (f" [{source.sheet}]" if source.sheet else "")
        fact(f"Fil for {source.table}", f"{place} sha256 {source.sha256}")
    fact("Laget", f"{fmt_datetime(result.generated_at)} av ipaudit {result.tool_version}")
    fact(
        "Slik gjentas utvalget",
        selection.reproduce_command(
            result, draw.n, draw.seed, draw.stratify, unassessed=draw.unassessed, pseudonymized=result.pseudonymized
        ),
    )
    fact(
        "Metode",
        "Kandidatene er kohortens pasienter sortert etter pasient-id; utvalget trekkes med Pythons "
        "random.Random(frø), og deretter, fra samme generator, stratumet «Ikke vurdert» sortert etter "
        "pasient-id. Samme uttrekk, revisjonsdato, profil, antall og frø gir samme pasienter.",
    )
    fact(
        "Slik fylles arket ut",
        f"Velg i hver «revisor»-kolonne {', '.join(contract.VERDICTS[:-1])} eller {contract.VERDICTS[-1]}; "
        "la cellen stå tom for det du ikke har vurdert. Grå celler gjelder ikke pasientens utvalg. "
        "Les arbeidsboken inn med ipaudit audit … --format supervision --review ARBEIDSBOK.",
    )
    ws.append([])
    ws.append([_text(ws, h, bold=True) for h in ("Stratum", "I rammen", "I utvalget")])
    in_cohort = dict(cohort.group_by("unit").len().iter_rows())
    drawn_cohort = sample.filter(pl.col("stratum") == selection.COHORT)
    in_sample = dict(drawn_cohort.group_by("unit").len().iter_rows())
    for unit in sorted(in_cohort):
        ws.append([_text(ws, unit), cell(ws, in_cohort[unit]), cell(ws, in_sample.get(unit, 0))])
    drawn_flagged = sample.filter(pl.col("stratum") == selection.UNASSESSED).height
    label = selection.STRATUM_LABELS[selection.UNASSESSED]
    ws.append([_text(ws, label), cell(ws, flagged.height), cell(ws, drawn_flagged)])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 12
    _print_setup(ws)


def _identity_sheet(ws: Worksheet, draw: SampleDraw, result: AuditResult) -> None:
    """The hidden block that ties the workbook to its run (``review_contract.IDENTITY_KEYS``)."""
    values: dict[str, object] = {
        "format_version": contract.FORMAT_VERSION,
        "as_of": result.as_of.isoformat(),
        "period_from": result.period_from.isoformat() if result.period_from else "",
        "period_to": result.period_to.isoformat(),
        "profile": contract.profile_name(result.profile.source, result.profile.name),
        "n": draw.n,
        "seed": draw.seed,
        "stratify": draw.stratify or "",
        "unassessed": draw.unassessed,
        "extract_fingerprint": contract.extract_fingerprint(result.extract),
        "pseudonymized": "ja" if result.pseudonymized else "nei",
    }
    ws.append([_text(ws, "Nøkkel", bold=True), _text(ws, "Verdi", bold=True), _text(ws, "Forklaring", bold=True)])
    for key, label in contract.IDENTITY_KEYS.items():
        value = values[key]
        ws.append([_text(ws, key), cell(ws, value) if isinstance(value, int) else _text(ws, value), _text(ws, label)])
    ws.append([_text(ws, contract.IDS_HEADER, bold=True)])
    for patient_id in draw.patients.get_column("patient_id").to_list():
        ws.append([_text(ws, patient_id)])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 70
    ws.sheet_state = "hidden"


def build_workbook(result: AuditResult, draw: SampleDraw) -> Workbook:
    """The review workbook of ``draw`` (drawn from ``result``, pseudonymised with it)."""
    rules = review_rules(result)
    sample = draw.patients
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SAMPLE_SHEET
    _sample_sheet(sheet, sample, result, rules)
    _findings_sheet(workbook.create_sheet(FINDINGS_SHEET), sample, result, rules)
    _about_sheet(workbook.create_sheet(ABOUT_SHEET), draw, result)
    _identity_sheet(workbook.create_sheet(IDENTITY_SHEET), draw, result)
    props = workbook.properties
    props.creator = f"ipaudit {result.tool_version}"
    props.title = "Stikkprøve for journalgjennomgang"
    props.created = props.modified = result.generated_at.replace(tzinfo=None)
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
    sample: pl.DataFrame,
    result: AuditResult,
    path: Path,
    *,
    n: int,
    seed: int,
    stratify: str | None,
    unassessed: int = 0,
) -> Path:
    """Write the review workbook of ``sample`` (drawn with ``n``, ``seed``, ``stratify``,
    ``unassessed``) to ``path`` atomically, as the pipeline's write step does; return the path."""
    from ipaudit.report import write_views

    draw = SampleDraw(
        patients=sample, n=n, seed=seed, stratify=stratify, on_real_ids=True, unassessed=unassessed
    )
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
