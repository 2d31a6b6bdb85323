"""ipaudit-report.html: escaped, self-contained, bokmål dates, capped lists with a notice."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import markupsafe
import polars as pl
import pytest
from report_fixtures import FORMULA_ID, SCRIPT, make_result

from ipaudit.model import AuditResult
from ipaudit.report import html as html_view
from ipaudit.report import write_reports


def _render(result: AuditResult, tmp_path: Path, limit: int = 200,
            formats: tuple[str, ...] = ("html",)) -> str:
    write_reports(result, tmp_path, formats, html_limit=limit)
    return (tmp_path / "ipaudit-report.html").read_text(encoding="utf-8")


def _section(page: str, rule_id: str) -> str:
    start = page.index(f'<section class="rule" id="regel-{rule_id}">')
    return page[start: page.index("</section>", start)]


def test_autoescape_is_on() -> None:
    assert html_view.environment().autoescape is True


def test_extract_text_cannot_inject_markup(tmp_path: Path) -> None:
    page = _render(make_result(40), tmp_path)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>fet</b>" not in page and "&lt;b&gt;fet&lt;/b&gt;" in page
    assert "<i>" not in page  # a waiver reason and a rejected reason carry markup
    assert str(markupsafe.escape(FORMULA_ID)) in page
    assert SCRIPT not in page


def test_self_contained(tmp_path: Path) -> None:
    page = _render(make_result(40), tmp_path)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert "<style>" in page and "<svg" in page


def test_legal_basis_and_rule_texts_of_every_rule(tmp_path: Path) -> None:
    result = make_result(40)
    page = _render(result, tmp_path)
    for rule in result.rules:
        section = _section(page, rule.meta.id)
        # Statute and guidance apart, each labelled; the due date is the profile's threshold.
        statute = rule.meta.statute or "Ingen bestemmelse i lov eller forskrift"
        assert re.search(r"<dt>Lov/forskrift</dt><dd>" + re.escape(str(markupsafe.escape(statute))), section)
        assert f"<dt>Retningslinje</dt><dd>{markupsafe.escape(rule.meta.guidance)}</dd>" in section
        assert "<dt>Revisjonsfrist (profil)</dt>" in section
        assert f"Lovens krav til tid: {markupsafe.escape(rule.meta.legal_deadline)}." in section
        assert str(markupsafe.escape(rule.meta.title)) in section
        assert str(markupsafe.escape(rule.meta.applies_to)) in section
    assert "Revisjon av individuell plan og koordinator" in page
    assert "lovfestet frist<" not in page.replace("ingen lovfestet frist<", "")


def test_children_figures_per_rule(tmp_path: Path) -> None:
    result = make_result(40)
    page = _render(result, tmp_path)
    assert "Barn: etterlevelse" in page
    for rule in result.rules:
        assert "Barn under 18 år:" in _section(page, rule.meta.id) or "Ingen barn under 18 år" in _section(
            page, rule.meta.id
        )


def test_dates_are_norwegian(tmp_path: Path) -> None:
    page = _render(make_result(40), tmp_path)
    assert "30.06.2025" in page and "01.01.2025–30.06.2025" in page
    assert "27.03.2020–26.05.2020" in page
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", page)


def test_header_facts(tmp_path: Path) -> None:
    result = make_result(40, missing_optional=("episodes",))
    page = _render(result, tmp_path)
    for text in ("national (innebygd)", "14 dager", "info_days", "LESMEG.txt",
                 "episodes (kontakter)", "/data/uttrekk/2025-06", "ipaudit 0.1.0",
                 result.extract.sources[0].sha256[:12]):
        assert text in page
    assert "Valgfrie tabeller som mangler" in page


def test_cap_per_rule_with_notice(tmp_path: Path) -> None:
    result = make_result(200)
    page = _render(result, tmp_path, limit=5, formats=("html", "xlsx", "csv"))
    for rule in result.rules:
        listed = sum(rule.counts[s] for s in ("fail", "pending", "waived"))
        section = _section(page, rule.meta.id)
        shown = section.count('<span class="status ')
        assert shown == min(5, listed)
        if listed > 5:
            assert f"Viser 5 av {listed} funn" in section.replace("\u00a0", " ")
            assert "Se ipaudit-report.xlsx eller ipaudit-results.csv for alle." in section
        else:
            assert "Viser" not in section


def test_no_notice_under_the_cap_and_failures_first(tmp_path: Path) -> None:
    result = make_result(40)
    page = _render(result, tmp_path)
    assert "Viser " not in page
    section = _section(page, "IP01")
    statuses = re.findall(r'<span class="status (\w+)">', section)
    assert statuses == sorted(statuses, key=["fail", "pending", "waived"].index)
    assert "not_applicable" not in statuses and "pass" not in statuses


def test_pointer_names_only_files_that_are_written(tmp_path: Path) -> None:
    page = _render(make_result(60), tmp_path, limit=2)
    assert "Kjør med --format xlsx eller csv" in page


def test_units_waivers_rejected(tmp_path: Path) -> None:
    result = make_result(40, n_rejected=12)
    page = _render(result, tmp_path, limit=10)
    assert 'id="enheter"' in page and "+47 22" in page
    assert "<h3>Utløpt (1)</h3>" in page and "<h3>Ikke brukt (1)</h3>" in page
    rejected = page[page.index('id="avviste"'):]
    assert "Viser 10 av 12 avviste rader" in rejected.replace("\u00a0", " ")


def test_without_waivers_rejected_or_units(tmp_path: Path) -> None:
    result = make_result(10, n_rejected=0, with_waivers=False)
    result = dataclasses.replace(result, units=pl.DataFrame())
    page = _render(result, tmp_path)
    assert "Ingen rader ble avvist." in page
    assert 'id="unntak"' not in page and 'id="enheter"' not in page


@pytest.mark.parametrize("rate, text", [(None, "–"), (0.875, "87,5\u00a0%"), (1.0, "100,0\u00a0%")])
def test_rates_in_norwegian(tmp_path: Path, rate: float | None, text: str) -> None:
    result = make_result(10)
    rules = (dataclasses.replace(result.rules[1], compliance_rate=rate), *result.rules[2:])
    page = _render(dataclasses.replace(result, rules=rules), tmp_path)
    assert f'<span class="bar-value">{text}</span>' in page


def test_a_pseudonymised_run_says_so(tmp_path: Path) -> None:
    plain = _render(make_result(5), tmp_path / "plain")
    assert "Pseudonymisert" not in plain
    page = _render(dataclasses.replace(make_result(5), pseudonymized=True), tmp_path / "pseudo")
    assert page.count("Pseudonymisert") == 2  # in the headline and in the facts
