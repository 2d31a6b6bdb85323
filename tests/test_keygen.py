"""``ipaudit keygen``: a secret key readable by its owner only, never over an existing file; and
the console says how to get a key and that the supervision report is for pseudonymised runs."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_cli import write_extract

from ipaudit import keygen
from ipaudit.cli import SUPERVISION_HINT, main
from ipaudit.pseudonymize import load_key, pseudonym


def invoke(args: list[str], code: int) -> Result:
    result = CliRunner().invoke(main, args, env={"IPAUDIT_DEBUG": "1"}, catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def test_keygen_writes_a_random_key_only_its_owner_can_read(tmp_path: Path) -> None:
    path = tmp_path / "tilsyn.key"
    out = invoke(["keygen", str(path)], 0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text("ascii")
    assert len(text) == 2 * keygen.KEY_BYTES + 1 and text.endswith("\n") and int(text, 16) > 0
    assert str(path) in out.output and f"--pseudonymize {path}" in out.output
    key, warning = load_key(path)  # the key reads back as it was written, without a warning
    assert warning is None and pseudonym(key, "0001") == pseudonym(text.strip().encode(), "0001")
    other = tmp_path / "annen.key"
    invoke(["keygen", str(other)], 0)
    assert other.read_text("ascii") != text


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    path = tmp_path / "tilsyn.key"
    path.write_text("gammel nøkkel som pseudonymene henger på\n")
    out = invoke(["keygen", str(path)], 2)
    assert "finnes allerede" in out.stderr and "overskriver aldri" in out.stderr
    assert path.read_text() == "gammel nøkkel som pseudonymene henger på\n"
    link = tmp_path / "lenke.key"
    link.symlink_to(tmp_path / "mål.key")
    invoke(["keygen", str(link)], 2)
    assert not (tmp_path / "mål.key").exists()


def test_keygen_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    out = invoke(["keygen", str(tmp_path / "finnes-ikke" / "tilsyn.key")], 2)
    assert out.stderr.count("\n") == 1 and "finnes ikke" in out.stderr


def test_a_missing_key_file_says_how_to_make_one(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    missing = tmp_path / "tilsyn.key"
    out = invoke(["audit", str(extract), "--as-of", "2025-06-30", "--out", str(tmp_path / "o"),
                  "--pseudonymize", str(missing)], 2)
    assert f"ipaudit keygen {missing}" in out.stderr
    help_text = invoke(["audit", "--help"], 0).output
    assert "ipaudit keygen" in " ".join(help_text.split())


@pytest.mark.parametrize(("pseudonymized", "quiet", "hinted"), [(False, False, True), (True, False, False),
                                                                 (False, True, False)])
def test_the_supervision_report_without_pseudonyms_gets_a_hint(tmp_path: Path, pseudonymized: bool, quiet: bool,
                                                                hinted: bool) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    args = ["audit", str(extract), "--as-of", "2025-06-30", "--out", str(tmp_path / "o"), "--format", "supervision",
            "--fail-on", "never"]
    if pseudonymized:
        invoke(["keygen", str(tmp_path / "k")], 0)
        args += ["--pseudonymize", str(tmp_path / "k")]
    if quiet:
        args.append("--quiet")
    out = invoke(args, 0)
    assert (SUPERVISION_HINT in out.stderr) is hinted
    assert "ipaudit keygen" in SUPERVISION_HINT and "--pseudonymize" in SUPERVISION_HINT
