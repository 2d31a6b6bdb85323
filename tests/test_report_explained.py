"""Words a reader meets in the reports are explained where they appear: «Ukjent enhet», «Kjerneregel»."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from builders import WANTS, make_extract, run
from openpyxl import load_workbook

from ipaudit.model import UNKNOWN_UNIT, AuditResult, Tag
from ipaudit.report import common, write_reports


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def result() -> AuditResult:
    """P1's index assessment names a unit, P2's does not."""
    extract = make_extract(assessments=[
        {**WANTS, "unit": "Medisinsk avdeling"},
        {**WANTS, "patient_id": "P2"},
    ])
    return run(extract)


def test_a_blank_unit_is_reported_as_ukjent_enhet(result: AuditResult) -> None:
    units = dict(result.results.select("patient_id", "unit").unique().iter_rows())
    assert units == {"P1": "Medisinsk avdeling", "P2": UNKNOWN_UNIT}
    assert common.has_unknown_unit(result)


def test_the_html_report_explains_ukjent_enhet_and_kjerneregel(result: AuditResult, tmp_path: Path) -> None:
    write_reports(result, tmp_path, ["html"])
    page = (tmp_path / "ipaudit-report.html").read_text(encoding="utf-8")
    text = _text(page)
    assert f"{UNKNOWN_UNIT} {common.UNKNOWN_UNIT_TEXT}" in text  # in Grunnlag, as a term and its meaning
    assert '<dt id="ukjent-enhet">' in page and '<a href="#ukjent-enhet">Ukjent enhet</a>' in page
    core = [r.meta.id for r in result.rules if Tag.CORE in r.meta.tags]
    assert core and f"Kjerneregel {common.core_text(core)}" in text
    assert page.count('<a class="tag" href="#kjerneregel">Kjerneregel</a>') == len(core)
    assert "IP01, IP03, IP05, IP06 og IP07" in common.core_text(["IP01", "IP03", "IP05", "IP06", "IP07"])


def test_no_explanation_where_nothing_needs_one(tmp_path: Path) -> None:
    result = run(make_extract(assessments=[{**WANTS, "unit": "Medisinsk avdeling"}]))
    write_reports(result, tmp_path, ["html", "xlsx"])
    page = (tmp_path / "ipaudit-report.html").read_text(encoding="utf-8")
    assert common.UNKNOWN_UNIT_TEXT not in _text(page) and 'id="ukjent-enhet"' not in page
    summary = load_workbook(tmp_path / "ipaudit-report.xlsx")["Sammendrag"]
    facts = [row[0] for row in summary.iter_rows(values_only=True)]
    assert UNKNOWN_UNIT not in facts


def test_the_workbook_and_the_supervision_report_explain_ukjent_enhet(result: AuditResult, tmp_path: Path) -> None:
    write_reports(result, tmp_path, ["xlsx", "supervision"])
    rows = list(load_workbook(tmp_path / "ipaudit-report.xlsx")["Sammendrag"].iter_rows(values_only=True))
    assert (UNKNOWN_UNIT, common.UNKNOWN_UNIT_TEXT) in [row[:2] for row in rows]
    page = (tmp_path / "ipaudit-tilsynsrapport.html").read_text(encoding="utf-8")
    assert f"«{UNKNOWN_UNIT}»: {common.UNKNOWN_UNIT_TEXT}" in _text(page)
