"""Norwegian throughout: click's own messages and help, library messages, validate's file and
column and its exit code, plain `ipaudit` printing its help."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from test_cli import invoke, write_extract

from ipaudit.cli import main
from ipaudit.messages import translate_os_reasons

ENGLISH = ("Usage", "Options", "Commands", "Show this message", "Show the version", "default:", "required",
           "TEXT", "INTEGER", "PATH", "EXTRACT", "Missing", "Invalid value", "No such", "Did you mean",
           "is not one of", "is not a valid", "Got unexpected")


def _no_english(text: str) -> None:
    found = [word for word in ENGLISH if word in text]
    assert not found, (found, text)


def test_plain_ipaudit_prints_its_help_as_help() -> None:
    result = CliRunner().invoke(main, [], prog_name="ipaudit")
    assert result.exit_code == 0
    assert result.stdout.startswith("Bruk: ipaudit [VALG] KOMMANDO [ARGUMENTER]...")
    assert "Kommandoer:" in result.stdout and "audit" in result.stdout and result.stderr == ""


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(main.commands))])
def test_help_is_in_bokmal(command: list[str]) -> None:
    result = invoke([*command, "--help"], 0)
    _no_english(result.output)
    assert "Vis denne hjelpeteksten og avslutt." in result.output


def test_audit_help_names_defaults_metavars_and_arguments_in_bokmal() -> None:
    text = CliRunner().invoke(main, ["audit", "--help"], prog_name="ipaudit").output
    assert "Bruk: ipaudit audit [VALG] UTTREKK" in text
    assert "[standard: national]" in text and "--profile TEKST" in text and "--out STI" in text
    assert "[x>=1; påkrevd]" in invoke(["select", "--help"], 0).output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["audit"], "Mangler argumentet «UTTREKK»."),
        (["audit", "x", "--as-of", "31.02.2025"], "Ugyldig verdi for «--as-of»: «31.02.2025» er ingen dato"),
        (["nope"], "Ukjent kommando «nope»."),
        (["audit", "x", "--outt", "y"], "Ukjent valg «--outt». (Mente du en av: «--out»"),
        (["audit", "x", "--quie"], "Ukjent valg «--quie». Mente du «--quiet»?"),
        (["audit", "x", "--fail-on", "x"], "«x» er ikke en av «error», «warning», «never»."),
        (["sample", "x", "--patients", "mange"], "«mange» er ikke et gyldig heltall."),
        (["audit", "x", "y"], "Uventet ekstra argument (y)"),
        (["trend"], "Mangler valget «--history»."),
        (["audit", "x", "--out"], "Valget «--out» trenger en verdi."),
    ],
)
def test_usage_errors_are_one_bokmal_line(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("ipaudit: feil: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr
    _no_english(result.stderr)


def test_version_is_in_bokmal() -> None:
    assert invoke(["--version"], 0).output.startswith("ipaudit, versjon ")


def test_os_errors_read_in_bokmal(tmp_path: Path) -> None:
    reason = translate_os_reasons(f"kan ikke opprettes: {os.strerror(errno.EEXIST)}")
    assert reason == "kan ikke opprettes: finnes allerede"
    (tmp_path / "fil").write_text("x")
    result = CliRunner().invoke(main, ["audit", str(write_extract(tmp_path / "u")), "--as-of", "30.06.2025",
                                       "--out", str(tmp_path / "fil" / "ut")])
    assert result.exit_code == 2
    assert "Not a directory" not in result.stderr and "File exists" not in result.stderr
    assert "en del av stien er ikke en mappe" in result.stderr or "finnes allerede" in result.stderr


def test_validate_names_the_users_file_and_column_and_exits_1_on_rejected_rows(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    (extract / "kontakter.csv").write_bytes(
        "Kontaktid;Pasientnr;Fra_dato;Til_dato;Nivå;Omsorgsnivå;Enhet\n"
        "K1;0001;32.01.2025;02.02.2025;spesialist;døgn;Medisinsk avdeling\n".encode("cp1252"))
    result = CliRunner().invoke(main, ["validate", str(extract)])
    assert result.exit_code == 1
    assert "kontakter.csv rad 2, kolonne Fra_dato (episodes.start_date): " in result.stdout
    (extract / "kontakter.csv").unlink()
    (extract / "dokumenter.csv").write_bytes(
        "Dokumentid;Pasientnr;Dokumentdato;Dokumenttype;Tittel;Dokumentstatus;Enhet;Forfatter;Tekst\n"
        "D1;0001;04.03.2025;Notat;Notat;Godkjent;DPS Nord;Lege A;\n".encode("cp1252"))
    assert CliRunner().invoke(main, ["validate", str(extract)]).exit_code == 0


def test_workbook_with_wrong_sheet_names_lists_every_missing_table_and_the_sheets(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Ark1"
    book.create_sheet("Pasienter")
    book.create_sheet("Dokumentene")
    book.save(tmp_path / "uttrekk.xlsx")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "uttrekk.xlsx")])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "tabellene assessments (assessments eller vurderinger); documents (" in line
    assert "«Pasienter»" in line and "«Ark1»" in line and "«Dokumentene»" in line


def test_rules_table_reads_in_bokmal() -> None:
    text = invoke(["rules"], 0).output
    assert "IP01  feil" in text and "IP00  advarsel" in text
    assert "(ip-right)" not in text and "gjelder regler merket retten til IP" in text
    for word in (" error ", " warning "):
        assert word not in text


def test_no_engine_name_in_a_finding_message() -> None:
    import ipaudit.checks

    checks_dir = Path(ipaudit.checks.__file__).parent
    for path in checks_dir.glob("IP*.py"):
        messages = [line for line in path.read_text("utf-8").splitlines() if line.strip().startswith('"')]
        assert not [m for m in messages if "melding_kommune" in m], path.name
