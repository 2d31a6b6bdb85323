"""ipaudit-report.xlsx: sheets, real dates, filters, frozen panes, text never a formula, split."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from report_fixtures import FORMULA_ID, PHONE_UNIT, make_result

from ipaudit.model import AuditResult
from ipaudit.report import write_reports, xlsx_rows
from ipaudit.report import xlsx as xlsx_view

LISTED = ["fail", "pending", "waived"]
FUNN_HEADER = ["Regel", "Tittel", "Pasient", "Status", "Alvorlighet", "Melding",
               "Dokumentasjon", "Revisjonsfrist (profil)", "Indeksdato", "Enhet", "Opprinnelig status",
               "Unntaksgrunn", "Godkjent av", "Unntak utløper"]


def _write(result: AuditResult, tmp_path: Path) -> Path:
    (path,) = write_reports(result, tmp_path, ["xlsx"])
    return path


def _open(path: Path) -> Workbook:
    return load_workbook(path)


def _non_pass(result: AuditResult) -> int:
    return result.results.filter(pl.col("status").is_in(LISTED)).height


def test_sheets_and_headers(tmp_path: Path) -> None:
    result = make_result(40)
    wb = _open(_write(result, tmp_path))
    assert wb.sheetnames == ["Sammendrag", "Funn", "Ikke aktuelt", "Enheter", "Regler", "Avviste rader"]
    funn = wb["Funn"]
    assert [c.value for c in funn[1]] == FUNN_HEADER
    assert all(c.font.b for c in funn[1])
    assert funn.max_row == 1 + _non_pass(result)
    assert [c.value for c in wb["Avviste rader"][1]] == ["Tabell", "Rad", "Kolonne", "Årsak"]
    assert wb["Avviste rader"].max_row == 1 + result.rejected.height


def test_filters_and_frozen_header(tmp_path: Path) -> None:
    result = make_result(40)
    wb = _open(_write(result, tmp_path))
    for name in ("Funn", "Enheter", "Regler", "Avviste rader"):
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert wb["Funn"].auto_filter.ref == f"A1:N{1 + _non_pass(result)}"


def test_every_sheet_prints_on_a4_landscape_fitted_to_width_with_the_header_repeated(tmp_path: Path) -> None:
    wb = _open(_write(make_result(40), tmp_path))
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), ws.title  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert ws.oddFooter.center.text == "&A – side &P av &N"
        if ws.title != "Sammendrag":
            assert ws.print_title_rows == "$1:$1", ws.title


def test_long_text_wraps_in_a_row_tall_enough_and_every_cell_sits_at_the_top(tmp_path: Path) -> None:
    result = make_result(40)
    wb = _open(_write(result, tmp_path))
    funn = wb["Funn"]
    melding = FUNN_HEADER.index("Melding") + 1
    width = funn.column_dimensions["F"].width
    rows = list(funn.iter_rows(min_row=2))
    assert rows
    for row in rows:
        message = row[melding - 1]
        assert message.alignment.wrap_text, message.coordinate
        assert all(c.alignment.vertical == "top" for c in row if c.value is not None)
        lines = -(-len(str(message.value or "")) // int(width * xlsx_rows.CHARS_PER_WIDTH))
        height = funn.row_dimensions[message.row].height
        if lines > 1:
            assert height is not None and height >= lines * xlsx_rows.LINE_HEIGHT, (message.value, height)
    assert not funn.cell(2, FUNN_HEADER.index("Pasient") + 1).alignment.wrap_text  # ids stay on one line
    for name, column in (("Ikke aktuelt", "Hvorfor ikke aktuelt"), ("Avviste rader", "Årsak")):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        assert ws.cell(2, header.index(column) + 1).alignment.wrap_text, name


def test_dates_are_excel_dates(tmp_path: Path) -> None:
    result = make_result(40)
    ws = _open(_write(result, tmp_path))["Funn"]
    due = [row[7] for row in ws.iter_rows(min_row=2) if row[7].value is not None]
    assert due
    for cell in due:
        assert isinstance(cell.value, dt.datetime)
        assert cell.number_format == "dd.mm.yyyy"
        assert cell.is_date
    first = result.results.filter(pl.col("status").is_in(LISTED), pl.col("due_date").is_not_null())
    assert ws.cell(2 + _first_index_with_due(result), 8).value.date() == first["due_date"][0]


def _first_index_with_due(result: AuditResult) -> int:
    dues = result.results.filter(pl.col("status").is_in(LISTED)).get_column("due_date").to_list()
    return next(i for i, d in enumerate(dues) if d is not None)


def test_formula_looking_text_is_text(tmp_path: Path) -> None:
    result = make_result(40)
    result = dataclasses.replace(
        result,
        profile=dataclasses.replace(result.profile, name="=cmd|' /C calc'!A0"),
    )
    path = _write(result, tmp_path)
    wb = _open(path)
    hits = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
                    hits.append(cell.value)
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
    assert FORMULA_ID in hits and PHONE_UNIT in hits and "@rehab" in hits
    assert any(h.startswith("=SUM(A1:A9)") for h in hits)  # a rejected reason
    assert any("=cmd|" in h for h in hits)  # the Sammendrag
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >/]", z.read(name)), name


def test_illegal_characters_and_long_text_do_not_break_the_workbook(tmp_path: Path) -> None:
    result = make_result(10)
    long = "x" * 40_000
    results = result.results.with_columns(
        status=pl.lit("fail"),
        message=pl.when(pl.col("patient_id") == "P0000000")
        .then(pl.lit("før\x01etter\x1f"))
        .otherwise(pl.lit(long)),
        unit=pl.lit("#N/A"),
        waiver_reason=pl.lit("\r=1+1 med  doble  mellomrom "),
        waiver_approved_by=pl.lit("\t@leder"),
    )
    wb = _open(_write(dataclasses.replace(result, results=results), tmp_path))
    messages = [r[5] for r in wb["Funn"].iter_rows(min_row=2, values_only=True)]
    assert "føretter" in messages
    assert max(len(m) for m in messages) == 32_767
    row = wb["Funn"][2]
    assert [(c.value, c.data_type) for c in (row[9], row[11], row[12])] == [
        ("#N/A", "s"), ("\r=1+1 med  doble  mellomrom ", "s"), ("\t@leder", "s")]


def test_funn_continues_on_more_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_view, "MAX_SHEET_ROWS", 51)  # 50 data rows per sheet
    monkeypatch.setattr(xlsx_rows, "CHUNK_ROWS", 7)
    result = make_result(80, n_rejected=60)
    n = _non_pass(result)
    wb = _open(_write(result, tmp_path))
    parts = [name for name in wb.sheetnames if name.startswith("Funn")]
    expected = -(-n // 50)
    assert expected >= 2
    assert parts == ["Funn", *[f"Funn ({i})" for i in range(2, expected + 1)]]
    rows = []
    for name in parts:
        ws = wb[name]
        assert [c.value for c in ws[1]] == FUNN_HEADER
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:N{ws.max_row}"
        assert ws.max_row <= 51
        rows += [r[:3] for r in ws.iter_rows(min_row=2, values_only=True)]
    expected_rows = result.results.filter(pl.col("status").is_in(LISTED)).select(
        "rule_id", "patient_id").rows()
    assert [(r[0], r[2]) for r in rows] == expected_rows
    assert wb.sheetnames[-2:] == ["Avviste rader", "Avviste rader (2)"]
    summary = " ".join(str(c) for row in wb["Sammendrag"].iter_rows(values_only=True)
                       for c in row if c)
    assert "fordelt på arkene Funn, Funn (2)" in summary
    assert "Avviste rader (2)" in summary


def test_rules_sheet_has_the_catalogue(tmp_path: Path) -> None:
    result = make_result(10)
    ws = _open(_write(result, tmp_path))["Regler"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Regel", "Tittel", "Alvorlighet", "Lov/forskrift", "Retningslinje", "Revisjonsfrist (profil)",
        "Lovens krav til tid",
    )
    assert [(r[0], r[4], r[6]) for r in rows[1:]] == [
        (r.meta.id, r.meta.guidance, r.meta.legal_deadline) for r in result.rules
    ]
    assert not any("lovfestet frist" in str(c).replace("ingen lovfestet frist", "") for r in rows for c in r)


def test_summary_sheet(tmp_path: Path) -> None:
    result = make_result(10)
    ws = _open(_write(result, tmp_path))["Sammendrag"]
    values = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert values["Revisjonsdato"] == dt.datetime(2025, 6, 30)
    assert values["Periode"] == "01.01.2025–30.06.2025"
    assert values["Profil"] == "national (innebygd)"
    assert "Pseudonymisert" not in values
    ws = _open(_write(dataclasses.replace(result, pseudonymized=True), tmp_path / "p"))["Sammendrag"]
    assert any(row[0] == "Pseudonymisert" for row in ws.iter_rows(values_only=True))
    rate_cells = [row[8] for row in ws.iter_rows() if len(row) > 8 and row[0].value == "IP01"]
    assert rate_cells[0].number_format == "0.0 %"
    assert rate_cells[0].value == pytest.approx(result.rule("IP01").compliance_rate)


def test_empty_results(tmp_path: Path) -> None:
    result = make_result(5, n_rejected=0)
    result = dataclasses.replace(result, results=result.results.clear(), units=pl.DataFrame())
    wb = _open(_write(result, tmp_path))
    assert wb.sheetnames == ["Sammendrag", "Funn", "Ikke aktuelt", "Regler", "Avviste rader"]
    assert wb["Funn"].max_row == 1 and wb["Funn"].auto_filter.ref == "A1:N1"
