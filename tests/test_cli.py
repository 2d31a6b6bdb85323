"""The command line as a user runs it: outputs, exit codes, one-line errors, --help of every command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ipaudit.cli import main

PATIENTS = (
    "Pasientnr;Fødselsdato;Kommunenr;Fødselsnummer\n0001;01.02.1980;301;01028012345\n0002;03.04.1990;4601;03049012345\n"
)
ASSESSMENTS = (
    "Vurderingsid;Pasientnr;Vurdert_dato;Behov;Fyller_kriterier;Ønsker_IP;Ønsker_koordinator;Tjenester_fra;Enhet\n"
    "V1;0001;03.03.2025;ja;ja;ja;ja;kommune;DPS Nord\n"
    "V2;0002;05.03.2025 10:15;Ja;nei;nei;nei;;Medisinsk avdeling\n"
)
DOCUMENTS = (
    "Dokumentid;Pasientnr;Dokumentdato;Dokumenttype;Tittel;Dokumentstatus;Enhet;Forfatter;Tekst;Samtykke_omfang\n"
    "D1;0001;04.03.2025;Informasjon om IP;Informasjon om IP;Godkjent;DPS Nord;Lege A;;\n"
    "D2;0001;05.03.2025;Samtykke;Samtykke;Godkjent;DPS Nord;Lege A;;ip,koordinator,melding_kommune\n"
    "D3;0001;06.03.2025;Melding til koordinerende enhet;;Godkjent;DPS Nord;Lege A;;\n"
    'D4;0002;06.03.2025;Notat;Notat;Godkjent;Medisinsk avdeling;Lege B;"Pasienten er informert om IP; ønsker ikke.";\n'
    "D5;0002;07.03.2025;Notat;Notat;Godkjent;Medisinsk avdeling;Lege B;=1+2;\n"
    "D6;0002;xx.03.2025;Notat;Notat;Godkjent;Medisinsk avdeling;Lege B;;\n"
)
COORDINATORS = "Pasientnr;Navn;Telefon;Nivå;Oppnevnt_dato\n0001;Kari Nordmann;+47 22 33 44 55;kommune;10.03.2025\n"


def write_extract(root: Path, *, coordinators: bool = True) -> Path:
    """A small but complete extract in the Norwegian export dialect (Windows-1252, ';')."""
    root.mkdir(parents=True, exist_ok=True)
    files = {"pasienter.csv": PATIENTS, "vurderinger.csv": ASSESSMENTS, "dokumenter.csv": DOCUMENTS}
    if coordinators:
        files["koordinatorer.csv"] = COORDINATORS
    for name, text in files.items():
        (root / name).write_bytes(text.encode("cp1252"))
    return root


def invoke(args: list[str], code: int, monkeypatch: pytest.MonkeyPatch | None = None) -> Result:
    """Run the CLI; real exceptions propagate (IPAUDIT_DEBUG), the exit code must be ``code``."""
    runner = CliRunner()
    result = runner.invoke(main, args, env={"IPAUDIT_DEBUG": "1"}, catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    return write_extract(tmp_path / "uttrekk")


@pytest.mark.parametrize(
    "command", [[], ["audit"], ["validate"], ["rules"], ["sample"], ["trend"], ["select"], ["reidentify"], ["keygen"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    result = invoke([*command, "--help"], 0)
    assert result.output.startswith("Bruk: ") and "Show this message" not in result.output


def test_audit_writes_every_format_and_exits_1_on_failing_errors(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(["audit", str(extract), "--as-of", "30.06.2025", "--out", str(out)], 1)
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == [
        "ipaudit-manifest.json",
        "ipaudit-rejected.csv",
        "ipaudit-report.html",
        "ipaudit-report.xlsx",
        "ipaudit-results.csv",
        "ipaudit-results.json",
    ]
    assert "Kohort: 2 pasienter" in result.output
    assert "01028012345" not in result.output


def test_json_contract(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    invoke(
        ["audit", str(extract), "--as-of", "2025-06-30", "--out", str(out), "--format", "json", "--fail-on", "never"], 0
    )
    doc = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    assert {
        "tool",
        "version",
        "format_version",
        "as_of",
        "period",
        "profile",
        "input",
        "rejected",
        "rules",
        "results",
        "waivers",
    } <= set(doc)
    assert doc["as_of"] == "2025-06-30" and doc["period"] == {"from": None, "to": "2025-06-30"}
    assert doc["profile"] == "national" and doc["format_version"] == 1
    docs = doc["input"]["tables"]["documents"]
    assert docs == {"rows_read": 6, "rows_accepted": 5, "rows_rejected": 1}
    [rejected] = doc["rejected"]
    assert (rejected["table"], rejected["row"], rejected["column"]) == ("documents", 7, "doc_date")
    assert rejected["reason"].startswith("ugyldig dato")
    ip01 = next(r for r in doc["rules"] if r["rule_id"] == "IP01")
    assert ip01["counts"]["pass"] == 2 and ip01["compliance_rate"] == 1.0
    ip06 = [r for r in doc["results"] if r["rule_id"] == "IP06"]
    assert {(r["patient_id"], r["status"]) for r in ip06} == {("0001", "pass"), ("0002", "not_applicable")}
    assert all(
        set(r) >= {"rule_id", "patient_id", "status", "severity", "message", "evidence", "due_date"}
        for r in doc["results"]
    )


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("never", 0), ("warning", 1)],
)
def test_fail_on(extract: Path, tmp_path: Path, fail_on: str, code: int) -> None:
    invoke(
        [
            "audit",
            str(extract),
            "--as-of",
            "2025-06-30",
            "--out",
            str(tmp_path / "o"),
            "--format",
            "json",
            "--fail-on",
            fail_on,
        ],
        code,
    )


def test_only_warnings_failing_exits_0_with_fail_on_error(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "x")
    # Complaint guidance for 0002, who does not meet the criteria (IP07 (a) passes); two plans
    # from two units for 0001: IP11 fails (warning).
    with (extract / "dokumenter.csv").open("ab") as f:
        f.write(b"D7;0001;20.03.2025;Individuell plan;;Godkjent;DPS Nord;Lege A;;\n")
        f.write(b"D8;0001;25.03.2025;Individuell plan;;Godkjent;Habilitering;Lege C;;\n")
        f.write(b"D9;0002;08.03.2025;Klageveiledning;;Godkjent;Medisinsk avdeling;Lege B;;\n")
    args = ["audit", str(extract), "--as-of", "2025-06-30", "--out", str(tmp_path / "o"), "--format", "json"]
    invoke(args, 0)
    invoke([*args, "--fail-on", "warning"], 1)
    doc = json.loads((tmp_path / "o" / "ipaudit-results.json").read_text("utf-8"))
    assert [(r["rule_id"], r["severity"]) for r in doc["results"] if r["status"] == "fail"] == [("IP11", "warning")]


def test_a_run_whose_only_failures_are_waived_exits_0(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    invoke(["audit", str(extract), "--as-of", "2025-06-30", "--out", str(out), "--format", "json"], 1)
    failing = [
        r
        for r in json.loads((out / "ipaudit-results.json").read_text("utf-8"))["results"]
        if r["status"] == "fail" and r["severity"] == "error"
    ]
    waivers = tmp_path / "unntak.toml"
    waivers.write_text(
        "".join(
            f'[[waiver]]\nrule = "{r["rule_id"]}"\npatient = "{r["patient_id"]}"\nreason = "Gjennomgått"\n'
            f'approved_by = "Kari Revisor"\nexpires = 2025-12-31\n'
            for r in failing
        ),
        encoding="utf-8",
    )
    invoke(
        [
            "audit",
            str(extract),
            "--as-of",
            "2025-06-30",
            "--out",
            str(out),
            "--format",
            "json",
            "--waivers",
            str(waivers),
        ],
        0,
    )
    doc = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    assert len(doc["waivers"]["applied"]) == len(failing) > 0


def _assert_input_error(result: Result, *fragments: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ipaudit: feil: ")
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--as-of", "31.02.2025"], ["31.02.2025"]),
        (["--format", "pdf"], ["pdf"]),
        (["--profile", "nasjonal"], ["nasjonal"]),
        (["--from", "2025-06-01", "--to", "2025-01-01"], ["--to"]),
        (["--waivers", "missing.toml"], ["missing.toml"]),
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_report(
    extract: Path, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["audit", str(extract), "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    _assert_input_error(result, *fragments)
    assert not out.exists() or not any(p.name.startswith("ipaudit-") for p in out.iterdir())


def test_missing_required_table_exits_2_naming_it(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "x")
    (extract / "vurderinger.csv").unlink()
    result = CliRunner().invoke(main, ["audit", str(extract), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    _assert_input_error(result, "assessments")


def test_missing_extract_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "nothing"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    _assert_input_error(result)


def test_without_coordinators_table_nothing_crashes(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "x", coordinators=False)
    out = tmp_path / "o"
    invoke(
        ["audit", str(extract), "--as-of", "2025-06-30", "--out", str(out), "--format", "json", "--fail-on", "never"], 0
    )
    doc = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    ip05 = [r for r in doc["results"] if r["rule_id"] == "IP05"]
    assert {r["status"] for r in ip05} == {"not_applicable"}
    assert all("coordinators" in r["message"] for r in ip05)


def test_validate_lists_rejected_rows(extract: Path) -> None:
    result = invoke(["validate", str(extract)], 1)
    assert "dokumenter.csv rad 7, kolonne Dokumentdato (documents.doc_date): " in result.output
    assert "01028012345" not in result.output


def test_rules_markdown_matches_docs() -> None:
    result = invoke(["rules", "--format", "markdown"], 0)
    assert result.output == (Path(__file__).parents[1] / "docs" / "rules.md").read_text("utf-8")


def test_rules_table_names_legal_basis() -> None:
    result = invoke(["rules", "--profile", "helse-bergen"], 0)
    assert "HB01" in result.output and "Helsepersonelloven § 38 a" in result.output


def test_python_dash_m_works(extract: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipaudit",
            "audit",
            str(extract),
            "--as-of",
            "2025-06-30",
            "--out",
            str(tmp_path / "o"),
            "--format",
            "csv",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and proc.stdout == "" and proc.stderr == ""
    assert (tmp_path / "o" / "ipaudit-results.csv").exists()


def test_readme_shows_the_real_audit_help() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    block = readme.split("<!-- help:audit -->\n```\n", 1)[1].split("```\n<!-- /help:audit -->", 1)[0]
    shown = CliRunner().invoke(main, ["audit", "--help"], prog_name="ipaudit").output
    assert block == shown, "update the help block in README.md"


def test_progress_is_reported_per_table_and_never_on_a_pipe(extract: Path, tmp_path: Path) -> None:
    from ipaudit.extract import read_extract

    seen: list[tuple[str, int, int]] = []
    read_extract(extract, progress=lambda table, label, done, total: seen.append((table, done, total)))
    assert seen == [
        ("patients", 0, 4),
        ("assessments", 1, 4),
        ("coordinators", 2, 4),
        ("documents", 3, 4),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "ipaudit", "audit", str(extract), "--as-of", "2025-06-30", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and proc.stderr == "" and "Kohort" in proc.stdout


def test_an_internal_error_exits_3_with_one_line(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipaudit.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret journal text must not be shown")

    monkeypatch.setattr(ipaudit.engine, "audit", broken)
    result = CliRunner().invoke(main, ["audit", str(extract), "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "ipaudit: intern feil (RuntimeError); kjør med IPAUDIT_DEBUG=1 for detaljer"
    ]
    assert not (tmp_path / "o" / "ipaudit-report.html").exists()


def test_a_rust_panic_is_an_internal_error_in_one_line_too(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyo3's PanicException (a panic inside polars) derives from BaseException, not Exception."""
    import polars as pl

    import ipaudit.engine

    def panics(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.PanicException("assertion failed: range.end as u64 <= self.size")

    monkeypatch.setattr(ipaudit.engine, "audit", panics)
    result = CliRunner().invoke(main, ["audit", str(extract), "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "ipaudit: intern feil (PanicException); kjør med IPAUDIT_DEBUG=1 for detaljer"
    ]


def test_readme_shows_what_make_demo_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).parents[1]
    readme = (root / "README.md").read_text("utf-8")
    shown = readme.split("`make demo` skriver (forkortet):\n\n```\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    args = [
        "audit",
        str(root / "sample_data" / "extract"),
        "--as-of",
        "2025-06-30",
        "--out",
        "out",
        "--fail-on",
        "never",
    ]
    assert invoke(args, 0).output == shown, "update the make demo output in README.md"
