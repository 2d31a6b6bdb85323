"""Profiles: built-ins, inheritance and overrides, loosened parameters, and bad files (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ipaudit.checks import PARAMETERS, catalogue, registry
from ipaudit.errors import InputError
from ipaudit.profile import load_profile
from ipaudit.waivers import load_waivers
from tests.builders import WANTS, days, make_extract, outcome, run


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_profiles_hold_the_rules_of_the_spec() -> None:
    national = load_profile("national")
    assert national.rules == (
        "IP00", "IP01", "IP02", "IP03", "IP04", "IP05", "IP06", "IP07", "IP10", "IP11", "IP12", "IP13"
    )
    assert load_profile("unn").rules == national.rules[:8] + ("IP08", "IP09", "IP10", "IP11", "IP12", "IP13")
    assert load_profile("helse-bergen").rules == national.rules + ("HB01",)
    assert {name: p.default for name, p in PARAMETERS.items()} == national.parameters
    assert [s.name for s in national.suspensions] == ["Midlertidig opphør av retten til individuell plan (covid-19)"]


def test_user_profile_extends_and_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
name = "min-klinikk"
extends = "unn"
[rules]
IP09 = false
HB01 = { enabled = true, severity = "error" }
IP01 = { severity = "warning" }
[parameters]
info_days = 7
[patterns]
INFO_IP = ['\\bfått vite om (ip|individuell plan)']
[[suspensions]]
name = "Lokal test"
from = 2024-01-01
to = 2024-01-31
tags = ["ip-right"]
""",
    )
    profile = load_profile(str(path))
    assert profile.name == "min-klinikk" and profile.extends == ("unn", "national")
    assert "IP09" not in profile.rules and "IP08" in profile.rules and "HB01" in profile.rules
    assert profile.severities == {"HB01": "error", "IP01": "warning"}
    assert profile.parameters["info_days"] == 7 and profile.parameters["notice_days"] == 14
    assert len(profile.patterns["INFO_IP"]) == 2
    assert [s.name for s in profile.suspensions][-1] == "Lokal test"
    assert profile.loosened == {}

    # The added pattern is real evidence; the stricter deadline is used.
    extract = make_extract(assessments=[WANTS], documents=[{"doc_date": days(6), "text": "Har fått vite om IP."}])
    result = run(extract, profile=str(path))
    row = outcome(result, "IP01")
    assert row["status"] == "pass" and row["severity"] == "warning" and row["due_date"] == days(7)


def test_loosened_parameter_is_reported_beside_the_rule(tmp_path: Path) -> None:
    path = write(tmp_path, 'extends = "unn"\n[parameters]\nfirst_contact_days = 30\n')
    result = run(make_extract(assessments=[WANTS]), profile=str(path))
    assert result.rule("IP08").loosened == (
        "Parameteren first_contact_days er satt til 30 dager, løsere enn 14 i profilen unn.",
    )
    assert result.rule("IP01").loosened == ()


def test_extends_a_file_relative_to_the_profile(tmp_path: Path) -> None:
    write(tmp_path, 'extends = "national"\n[parameters]\nnotice_days = 10\n', "base.toml")
    path = write(tmp_path, 'extends = "base.toml"\n[rules]\nIP00 = false\n')
    profile = load_profile(str(path))
    assert profile.parameters["notice_days"] == 10 and "IP00" not in profile.rules


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[rules]\nIP99 = true\n", "rules.IP99"),
        ("[parameters]\ninfo_dayz = 3\n", "parameters.info_dayz"),
        ('[parameters]\ninfo_days = "fjorten"\n', "parameters.info_days"),
        ("[parameters]\ninfo_days = -1\n", "parameters.info_days"),
        ('[rules]\nIP01 = { severity = "fatal" }\n', "rules.IP01.severity"),
        ("[patterns]\nINFO_IP = ['(uavsluttet']\n", "patterns.INFO_IP"),
        ("[patterns]\nSAMTYKE = ['x']\n", "patterns.SAMTYKE"),
        ('[[suspensions]]\nname = "x"\nfrom = 2020-01-01\ntags = ["ip-right"]\n', "suspensions[1].to"),
        (
            '[[suspensions]]\nname = "x"\nfrom = "01.01.2020"\nto = 2020-02-01\ntags = ["ip-right"]\n',
            "suspensions[1].from",
        ),
        ('colour = "blue"\n', "colour"),
        ('extends = "nowhere"\n', None),
    ],
)
def test_invalid_profile_names_the_file_and_key(tmp_path: Path, text: str, key: str | None) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_profile(str(path))
    message = str(info.value)
    assert str(path) in message or "nowhere" in message
    if key:
        assert f"«{key}»" in message


def test_not_toml_and_unknown_names(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="ikke gyldig TOML"):
        load_profile(str(write(tmp_path, "[rules\n")))
    with pytest.raises(InputError, match="Ukjent profil «nasjonal»"):
        load_profile("nasjonal")
    with pytest.raises(InputError, match="finnes ikke"):
        load_profile(str(tmp_path / "missing.toml"))


WAIVER = """
[[waiver]]
rule = "IP01"
patient = "0001"
reason = "Muntlig informert"
approved_by = "Kari Revisor"
expires = {expires}
"""


def test_waiver_file_reads_iso_and_norwegian_dates(tmp_path: Path) -> None:
    waivers = load_waivers(
        write(tmp_path, WAIVER.format(expires="2025-12-31") + WAIVER.format(expires='"31.12.2025"'), "w.toml")
    )
    assert [w.expires.isoformat() for w in waivers] == ["2025-12-31", "2025-12-31"]
    assert waivers[0].patient_id == "0001"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (WAIVER.format(expires="2025-12-31").replace('reason = "Muntlig informert"\n', ""), "mangler «reason»"),
        (WAIVER.format(expires='"31.13.2025"'), "«expires» er ingen gyldig dato"),
        (
            WAIVER.format(expires="2025-12-31").replace('approved_by = "Kari Revisor"', 'approved_by = " "'),
            "mangler «approved_by»",
        ),
        (WAIVER.format(expires="2025-12-31") + 'colour = "x"\n', "ukjent nøkkel «colour»"),
    ],
)
def test_bad_waiver_file_is_an_input_error(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        load_waivers(write(tmp_path, text, "w.toml"))


def test_every_rule_has_metadata_in_catalogue_order() -> None:
    # The case files are checked by tests/rules/test_registry.py.
    for meta in catalogue():
        assert meta.title and (meta.statute or meta.guidance) and meta.applies_to and meta.satisfied_by, meta.id
        assert meta.legal_deadline and meta.finding, meta.id
    assert list(registry()) == sorted(registry(), key=lambda r: (not r.startswith("IP"), r))


def test_checks_import_without_click() -> None:
    code = "import sys, ipaudit.checks, ipaudit.engine; assert 'click' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_docs_rules_md_is_generated_from_the_code() -> None:
    from ipaudit.catalogue_view import render_markdown

    committed = (Path(__file__).parents[1] / "docs" / "rules.md").read_text("utf-8")
    assert committed == render_markdown(load_profile("national")), "run `make docs`"
