"""Profiles and waivers cannot quietly go wrong: each mistake is exit 2 with one line naming the
file, the key and the known values, or a warning on stderr and in the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from report_fixtures import make_result
from test_cli import invoke, write_extract

from ipaudit.checks import registry
from ipaudit.errors import InputError
from ipaudit.model import WaiverOutcome
from ipaudit.profile import BUILTIN, MAX_EXTENDS, load_profile
from ipaudit.report.html import render_html
from ipaudit.waivers import load_waivers


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def audit_args(extract: Path, tmp_path: Path, *extra: str) -> list[str]:
    return ["audit", str(extract), "--as-of", "30.06.2025", "--out", str(tmp_path / "out"),
            "--format", "json", "--fail-on", "never", *extra]


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    """The CLI tests' extract, plus patient 0003 who has no assessment (in no rule's cohort)."""
    root = write_extract(tmp_path / "uttrekk")
    with (root / "pasienter.csv").open("ab") as patients:
        patients.write("0003;05.06.1970;301;05067012345\n".encode("cp1252"))
    return root


def one_line_error(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ipaudit: feil: "), text
    assert "Traceback" not in text
    return lines[0]


# ------------------------------------------------------------------ profiles


def test_a_profile_that_enables_no_rule_is_refused(extract: Path, tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\n')
    result = invoke(audit_args(extract, tmp_path, "--profile", str(path)), 2)
    line = one_line_error(result.stderr)
    assert str(path) in line and "slår ikke på noen regel" in line and 'extends = "national"' in line


def test_a_rule_reading_free_text_without_patterns_warns_on_stderr_and_in_the_report(
    extract: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, 'name = "x"\n[rules]\nIP01 = true\n')
    assert load_profile(str(path)).warnings
    result = invoke(audit_args(extract, tmp_path, "--profile", str(path)), 0)
    assert "ipaudit: advarsel: Profilen x har ingen fraser for INFO_IP: IP01 leser ikke fritekst" in result.stderr
    data = json.loads((tmp_path / "out" / "ipaudit-results.json").read_text("utf-8"))
    assert any("ingen fraser for INFO_IP" in w for w in data["warnings"])
    assert not load_profile("national").warnings


def test_extends_an_unknown_builtin_names_the_builtins(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_profile(str(write(tmp_path, 'extends = "un"\n')))
    message = str(info.value)
    assert "«extends»" in message and "«un» er ingen innebygd profil" in message
    assert all(name in message for name in BUILTIN)
    assert "finnes ikke" not in message


def test_profile_names_are_case_insensitive(extract: Path, tmp_path: Path) -> None:
    assert load_profile("UNN").rules == load_profile("unn").rules
    assert load_profile(str(write(tmp_path, 'extends = "National"\n'))).rules == load_profile("national").rules
    invoke(audit_args(extract, tmp_path, "--profile", "UNN"), 0)
    with pytest.raises(InputError, match="innebygde profiler er national, unn, helse-bergen"):
        load_profile("nasjonal")


def test_unknown_suspension_tag_names_file_key_and_known_tags(extract: Path, tmp_path: Path) -> None:
    path = write(tmp_path, 'extends = "national"\n[[suspensions]]\nname = "x"\nfrom = 2020-01-01\n'
                           'to = 2020-02-01\ntags = ["ip_right"]\n')
    line = one_line_error(invoke(audit_args(extract, tmp_path, "--profile", str(path)), 2).stderr)
    assert str(path) in line and "«suspensions[1].tags»" in line and "«ip_right»" in line
    assert "ip-right" in line and "core" in line


def test_unknown_rule_and_parameter_name_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"«rules\.IP99».*kjente: .*IP01"):
        load_profile(str(write(tmp_path, "[rules]\nIP99 = true\n")))
    with pytest.raises(InputError, match=r"«parameters\.info_dayz».*kjente: .*info_days"):
        load_profile(str(write(tmp_path, "[parameters]\ninfo_dayz = 3\n")))


def test_a_very_deep_extends_chain_is_one_line_and_exit_2(extract: Path, tmp_path: Path) -> None:
    for i in range(1500):
        write(tmp_path, f'extends = "p{i + 1}.toml"\n', f"p{i}.toml")
    write(tmp_path, 'extends = "national"\n', "p1500.toml")
    line = one_line_error(invoke(audit_args(extract, tmp_path, "--profile", str(tmp_path / "p0.toml")), 2).stderr)
    assert f"mer enn {MAX_EXTENDS} profiler" in line
    # A chain within the limit works.
    assert load_profile(str(tmp_path / f"p{1500 - MAX_EXTENDS + 1}.toml")).rules == load_profile("national").rules


def test_patterns_valid_alone_but_too_big_together(extract: Path, tmp_path: Path) -> None:
    big = r"\w{140}"
    path = write(tmp_path, f"extends = \"national\"\n[patterns]\nINFO_IP = ['{big}a', '{big}b']\n")
    line = one_line_error(invoke(audit_args(extract, tmp_path, "--profile", str(path)), 2).stderr)
    assert "«patterns.INFO_IP»" in line and "gyldige uttrykk hver for seg, men sammen" in line
    assert "for stort" in line


def test_absurd_parameter_is_one_line_and_exit_2(extract: Path, tmp_path: Path) -> None:
    path = write(tmp_path, 'extends = "national"\n[parameters]\ninfo_days = 4000000\n')
    line = one_line_error(invoke(audit_args(extract, tmp_path, "--profile", str(path)), 2).stderr)
    assert "«parameters.info_days»" in line and "fra 0 til 3660" in line


def test_bad_pattern_and_toml_messages_are_whole_and_in_bokmal(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_profile(str(write(tmp_path, "[patterns]\nINFO_IP = ['(uavsluttet']\n")))
    assert str(info.value).endswith("«(uavsluttet»: en parentes er ikke lukket (ved tegn 1)")
    with pytest.raises(InputError) as info:
        load_profile(str(write(tmp_path, "[rules\nIP01 = true\n")))
    assert "forventet «]» på slutten av tabellnavnet (linje 1, kolonne 7)" in str(info.value)
    with pytest.raises(InputError) as info:
        load_profile(str(write(tmp_path, "[rules]\nIP01 = ja\n")))
    assert "ugyldig verdi" in str(info.value) and "linje 2" in str(info.value)


def test_the_warning_follows_each_rules_own_phrase_kinds(tmp_path: Path) -> None:
    """Every rule that reads free text warns when its kinds have no pattern (from RuleMeta.phrases)."""
    readers = {rule_id: rule.meta.phrases for rule_id, rule in registry().items() if rule.meta.phrases}
    assert "IP01" in readers
    text = 'name = "x"\n[rules]\n' + "".join(f"{rule_id} = true\n" for rule_id in readers)
    warnings = "\n".join(load_profile(str(write(tmp_path, text))).warnings)
    for rule_id, phrases in readers.items():
        for kind, _ in phrases:
            assert f"ingen fraser for {kind}: {rule_id} leser ikke fritekst" in warnings


# ------------------------------------------------------------------ waivers and the period

WAIVER = '[[waiver]]\nrule = "{rule}"\npatient = "{patient}"\nreason = "r"\napproved_by = "a"\nexpires = 2025-12-31\n'


def test_waiver_for_an_unknown_rule_is_refused(extract: Path, tmp_path: Path) -> None:
    path = write(tmp_path, WAIVER.format(rule="IP99", patient="0001"), "w.toml")
    with pytest.raises(InputError, match="«IP99» er ingen kjent regel"):
        load_waivers(path)
    line = one_line_error(invoke(audit_args(extract, tmp_path, "--waivers", str(path)), 2).stderr)
    assert str(path) in line and "kjente: " in line


def test_waivers_that_point_at_nobody_are_named_on_stderr_and_in_the_report(extract: Path, tmp_path: Path) -> None:
    path = write(tmp_path, WAIVER.format(rule="IP01", patient="1") + WAIVER.format(rule="IP01", patient="0578")
                 + WAIVER.format(rule="IP05", patient="0003") + WAIVER.format(rule="IP08", patient="0001"), "w.toml")
    result = invoke(audit_args(extract, tmp_path, "--waivers", str(path)), 0)
    stderr = result.stderr
    assert "pasient «1», er ikke brukt: pasienten finnes ikke i uttrekket (uttrekket har «0001»: " \
           "har Excel fjernet innledende nuller?)" in stderr
    assert "pasient «0578», er ikke brukt: pasienten finnes ikke i uttrekket (sjekk om Excel" in stderr
    assert "IP05, pasient «0003», er ikke brukt: pasienten er ikke i regelens kohort" in stderr
    assert "IP08, pasient «0001», er ikke brukt: regelen er ikke slått på i profilen" in stderr
    data = json.loads((tmp_path / "out" / "ipaudit-results.json").read_text("utf-8"))
    assert len(data["warnings"]) == 4
    reasons = [w["unused_reason"] for w in data["waivers"]["unused"]]
    assert reasons == ["unknown_patient", "unknown_patient", "outside_cohort", "rule_not_run"]


def test_from_after_as_of_is_exit_2(extract: Path, tmp_path: Path) -> None:
    args = audit_args(extract, tmp_path, "--from", "01.07.2025")
    line = one_line_error(invoke(args, 2).stderr)
    assert "--from (01.07.2025) er etter revisjonsdatoen --as-of (30.06.2025)" in line


def test_html_waiver_list_is_capped_and_says_so() -> None:
    result = make_result(5)
    many = tuple(WaiverOutcome("IP01", f"X{i:04d}", "r", "a", dt.date(2025, 12, 31), "unused",
                               unused_reason="unknown_patient") for i in range(250))
    html = render_html(dataclasses.replace(result, waivers=many), limit=200, companions=frozenset({"csv"}))
    assert "Viser 200 av 250. Se ipaudit-waivers.csv for alle." in html
    assert "X0199" in html and "X0200" not in html
    assert "pasienten finnes ikke i uttrekket" in html
