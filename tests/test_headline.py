"""One count, one meaning: the headline figures are the same in the terminal, HTML, workbook and
JSON; not-applicable results are kept out of the findings; a waiver that raises a rate says so."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_cli import invoke

from ipaudit.headline import Headline, describe

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_data" / "extract"


def _first_fail(out: Path) -> dict[str, str]:
    results = json.loads((out / "ipaudit-results.json").read_text("utf-8"))["results"]
    return next(r for r in results if r["rule_id"] == "IP01" and r["status"] == "fail")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo audited with one IP01 fail waived: every format, and the terminal output."""
    tmp = tmp_path_factory.mktemp("headline")
    first = tmp / "first"
    invoke(["audit", str(DEMO), "--as-of", "2025-06-30", "--out", str(first), "--format", "json",
            "--fail-on", "never", "--quiet"], 0)
    fail = _first_fail(first)
    waivers = tmp / "unntak.toml"
    waivers.write_text(
        f'[[waiver]]\nrule = "IP01"\npatient = "{fail["patient_id"]}"\nreason = "Gjennomgått"\n'
        'approved_by = "Kvalitetsleder"\nexpires = 2025-12-31\n', "utf-8")
    out = tmp / "out"
    result = invoke(["audit", str(DEMO), "--as-of", "2025-06-30", "--out", str(out), "--fail-on", "never",
                     "--waivers", str(waivers)], 0)
    return out, result.output


def test_headline_is_the_same_in_every_view(demo_run: tuple[Path, str]) -> None:
    out, terminal = demo_run
    data = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    figures = data["summary"]
    statuses = [r["status"] for r in data["results"]]
    assert figures["fail"] == statuses.count("fail") and figures["pending"] == statuses.count("pending")
    assert figures["waived"] == statuses.count("waived") == 1
    assert figures["not_applicable"] == statuses.count("not_applicable") > 0
    assert figures["findings"] == figures["fail"] + figures["pending"] + figures["waived"]
    sentence = describe(Headline(
        passed=figures["pass"], fail=figures["fail"], fail_error=figures["fail_error"],
        fail_warning=figures["fail_warning"], pending=figures["pending"], waived=figures["waived"],
        waived_fail=figures["waived_fail"], not_applicable=figures["not_applicable"]))
    assert sentence in terminal
    html = (out / "ipaudit-report.html").read_text("utf-8")
    assert sentence in html
    wb = load_workbook(out / "ipaudit-report.xlsx", read_only=True)
    summary = [c for row in wb["Sammendrag"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert sentence in summary
    funn = list(wb["Funn"].iter_rows(min_row=2, values_only=True))
    outside = list(wb["Ikke aktuelt"].iter_rows(min_row=2, values_only=True))
    assert len(funn) == figures["findings"] and len(outside) == figures["not_applicable"]


def test_funn_holds_findings_and_only_breaches_carry_a_severity(demo_run: tuple[Path, str]) -> None:
    out, _ = demo_run
    wb = load_workbook(out / "ipaudit-report.xlsx", read_only=True)
    rows = list(wb["Funn"].iter_rows(values_only=True))
    header = rows[0]
    status, severity = header.index("Status"), header.index("Alvorlighet")
    assert {r[status] for r in rows[1:]} == {"Ikke oppfylt", "Frist ikke passert", "Unntatt"}
    with_severity = [r for r in rows[1:] if r[severity]]
    assert with_severity and all(r[status] == "Ikke oppfylt" for r in with_severity)
    outside = list(wb["Ikke aktuelt"].iter_rows(values_only=True))
    assert "Alvorlighet" not in outside[0] and "Status" not in outside[0]
    assert not any("Avvik" in str(c) for r in outside for c in r)


def test_a_waiver_that_raises_a_rate_says_so(demo_run: tuple[Path, str]) -> None:
    out, terminal = demo_run
    data = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    ip01 = next(r for r in data["rules"] if r["rule_id"] == "IP01")
    assert ip01["waived_fail"] == 1
    assert ip01["compliance_rate_without_waivers"] < ip01["compliance_rate"]
    assert re.search(r"1 unntatte brudd er holdt utenfor etterlevelsen; uten unntak ville den vært \d", terminal)
    assert "Unntak hever etterlevelsen for IP01" in terminal
    html = (out / "ipaudit-report.html").read_text("utf-8")
    assert "Unntak hever etterlevelsen for IP01" in html and "uten unntak ville den vært" in html
    wb = load_workbook(out / "ipaudit-report.xlsx", read_only=True)
    texts = [c for row in wb["Sammendrag"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Unntak hever etterlevelsen for IP01" in t for t in texts)
