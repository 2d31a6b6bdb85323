"""The clause behind a verdict by free text: shown in the internal HTML and the workbook, and
nowhere else — never in a pseudonymised run, the history, the terminal, JSON or CSV."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from ipaudit.checks import registry
from ipaudit.evidence import CLAUSE_CHARS, _shown
from ipaudit.report.html import render_html
from ipaudit.text_evidence import TEXT_EVIDENCE_SCHEMA, text_evidence
from tests.builders import AS_OF, INDEX, days, make_extract, run
from tests.report_fixtures import make_result
from tests.test_cli import invoke

INFORMED = 'Pasienten er informert om individuell plan og koordinator, se <script & "brev"'
"""Counts as information (INFO_IP): the clause holds markup characters that must be escaped."""
CONSENT = "=Pasienten samtykker til melding til koordinerende enhet"
"""Counts as consent (SAMTYKKE): a clause that Excel would read as a formula."""

PATIENTS = "Pasientnr;Fødselsdato;Kommunenr;Fødselsnummer\n0001;01.02.1980;301;01028012345\n"
ASSESSMENTS = (
    "Vurderingsid;Pasientnr;Vurdert_dato;Behov;Fyller_kriterier;Ønsker_IP;Ønsker_koordinator;Tjenester_fra;Enhet\n"
    "V1;0001;03.03.2025;ja;ja;ja;ja;kommune;DPS Nord\n"
)
DOCUMENTS = (
    "Dokumentid;Pasientnr;Dokumentdato;Dokumenttype;Tittel;Dokumentstatus;Enhet;Forfatter;Tekst;Samtykke_omfang\n"
    f'D1;0001;04.03.2025;Notat;Notat;Godkjent;DPS Nord;Lege A;"{INFORMED.replace(chr(34), chr(34) * 2)}.";\n'
    f"D2;0001;05.03.2025;Notat;Notat;Godkjent;DPS Nord;Lege A;{CONSENT}.;\n"
    "D3;0001;06.03.2025;Melding til koordinerende enhet;;Godkjent;DPS Nord;Lege A;;\n"
)


def _extract(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in {"pasienter.csv": PATIENTS, "vurderinger.csv": ASSESSMENTS, "dokumenter.csv": DOCUMENTS}.items():
        (root / name).write_bytes(text.encode("cp1252"))
    return root


def _audit(tmp_path: Path, *extra: str) -> tuple[Path, str]:
    out = tmp_path / "ut"
    args = ["audit", str(_extract(tmp_path / "uttrekk")), "--as-of", "30.06.2025", "--out", str(out)]
    result = invoke([*args, "--format", "html,xlsx,json,csv", *extra], 0)  # every rule passes
    return out, result.output + result.stderr


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _fragments() -> list[str]:
    """Pieces of the two clauses that are in no label, message or id of any output."""
    return ["Pasienten er informert om individuell plan", "samtykker til melding", "<script", "brev"]


def test_internal_html_shows_the_clause_escaped(tmp_path: Path) -> None:
    out, _ = _audit(tmp_path)
    html = (out / "ipaudit-report.html").read_text("utf-8")
    assert "Oppfylt på grunnlag av fritekst: 1 pasient" in html
    assert "«Pasienten er informert om individuell plan og koordinator, se &lt;script &amp; &#34;brev&#34;.»" in html
    assert "<script" not in html
    assert CONSENT.lstrip("=") in html  # IP03 passed on D2's text


def test_workbook_holds_the_clause_as_text(tmp_path: Path) -> None:
    out, _ = _audit(tmp_path)
    wb = load_workbook(out / "ipaudit-report.xlsx")
    sheet = wb["Fritekst"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "Setningen som telte"
    clauses = {row[4].value: row[-1] for row in sheet.iter_rows(min_row=2)}
    assert clauses["D2"].value == CONSENT + "."
    assert clauses["D2"].data_type == "s"  # a clause beginning with '=' stays text
    assert clauses["D1"].value == INFORMED + "."
    assert any(r[0].value == "Fritekst" for r in wb["Sammendrag"].iter_rows())


def test_terminal_json_csv_and_history_hold_no_clause(tmp_path: Path) -> None:
    history = tmp_path / "historikk.sqlite"
    out, terminal = _audit(tmp_path, "--history", str(history))
    shared = {name: data for name, data in _outputs(out).items() if name.endswith((".json", ".csv"))}
    assert {"ipaudit-results.json", "ipaudit-results.csv"} <= set(shared)
    with sqlite3.connect(history) as db:
        rows = [" ".join(map(str, row)) for table, in db.execute("select name from sqlite_master where type='table'")
                for row in db.execute(f"select * from {table}")]  # noqa: S608 - table names from sqlite itself
    texts = [terminal, *(data.decode("utf-8", "replace") for data in shared.values()), *rows,
             history.read_bytes().decode("utf-8", "replace")]
    for fragment in _fragments():
        assert not any(fragment in text for text in texts), fragment


def test_a_pseudonymised_run_shows_no_clause_anywhere(tmp_path: Path) -> None:
    key = tmp_path / "tilsyn.key"
    invoke(["keygen", str(key)], 0)
    out, terminal = _audit(tmp_path, "--pseudonymize", str(key))
    files = _outputs(out)
    assert "ipaudit-report.html" in files and "ipaudit-report.xlsx" in files
    wb = load_workbook(out / "ipaudit-report.xlsx")
    assert "Fritekst" not in wb.sheetnames
    assert "Setningen som telte" not in [c.value for c in wb["Funn"][1]]
    texts = [terminal, *(data.decode("utf-8", "replace") for data in files.values())]
    texts += [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    for fragment in [*_fragments(), "Setningen som telte"]:
        assert not any(fragment in text for text in texts), fragment


def test_a_script_clause_is_escaped_in_html() -> None:
    result = make_result(10)
    patient = result.results.filter(pl.col("status") == "pass").row(0, named=True)
    clause = "Pasienten er informert om IP.</td><script>alert(1)</script>"
    frame = pl.DataFrame(
        [{"rule_id": patient["rule_id"], "patient_id": patient["patient_id"], "status": "pass",
          "document_id": "D1", "doc_date": dt.date(2025, 3, 4), "doc_type": "NOTAT", "kind": "INFO_IP",
          "clause": clause}],
        schema=TEXT_EVIDENCE_SCHEMA,
    )
    html = render_html(dataclasses.replace(result, text_evidence=frame))
    assert "&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_only_the_kinds_a_rule_reads_and_only_by_text() -> None:
    extract = make_extract(
        assessments=[{"assessed_date": INDEX, "criteria_met": True, "wants_ip": True, "wants_coordinator": True}],
        documents=[
            {"document_id": "T", "doc_date": days(2), "text": "Pasienten er informert om IP og samtykker til IP."},
            {"document_id": "Y", "doc_date": days(3), "doc_type": "INFO_IP"},
        ],
    )
    result = run(extract)
    rows = result.text_evidence.select("rule_id", "document_id", "kind").rows()
    assert ("IP01", "T", "INFO_IP") in rows and ("IP03", "T", "SAMTYKKE") in rows
    assert not any(doc == "Y" for _, doc, _ in rows)  # by type: no clause
    assert not any(rule == "IP01" and kind == "SAMTYKKE" for rule, _, kind in rows)


def test_no_rules_or_no_text_evidence_gives_an_empty_frame() -> None:
    results = pl.DataFrame({"rule_id": ["IP01"], "patient_id": ["P1"], "status": ["pass"], "evidence": [["D1"]]})
    evidence = pl.DataFrame(
        {"patient_id": ["P1"], "document_id": ["D1"], "doc_date": [AS_OF], "doc_type": ["INFO_IP"],
         "kind": ["INFO_IP"], "by": ["type"], "clause": [None]},
        schema_overrides={"clause": pl.String},
    )
    assert text_evidence(results, evidence, {}).height == 0
    assert text_evidence(results, evidence, {"IP01": registry()["IP01"].meta}).height == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kort   tekst\n her", "kort tekst her"),
        ("ord " * 60, ("ord " * 50).strip() + "…"),
        ("a" * 250, "a" * (CLAUSE_CHARS - 1) + "…"),
        ("informert, " * 30, ("informert, " * 18).strip(" ,") + "…"),
    ],
    ids=["one line", "cut at a word", "one long word cut inside", "no dangling comma"],
)
def test_a_long_clause_is_cut_at_a_word_boundary(text: str, expected: str) -> None:
    shown = pl.select(_shown(pl.lit(text))).item()
    assert shown == expected
    assert len(shown) <= CLAUSE_CHARS
