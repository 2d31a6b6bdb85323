"""Terminal safety (issue 12 items 2 and 4): no control characters from the extract reach a
terminal, and a closed pipe ends the run the Unix way instead of as an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import ipaudit.cli
from ipaudit.cli import EXIT_BROKEN_PIPE, main
from ipaudit.terminal import clean
from tests.test_cli import write_extract

HOSTILE = "\x1b[2J\x1b]52;c;cGF5bG9hZA==\x07\u202eexe.txt\u2066\x9b31m\r"


def test_clean_strips_escape_bidi_and_c1_controls_but_keeps_text_newline_and_tab() -> None:
    assert clean(f"a{HOSTILE}b\tc\nd æøå") == "a[2J]52;c;cGF5bG9hZA==exe.txt31mb\tc\nd æøå"


def test_validate_does_not_echo_control_characters_of_an_ignored_file_name(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    (extract / f"notat{HOSTILE}.txt").write_text("x")
    result = CliRunner().invoke(main, ["validate", str(extract)])
    assert result.exit_code == 1, result.output  # the extract has a rejected row
    assert "ignorert: notat[2J" in result.stdout
    assert not any(c in result.stdout for c in "\x1b\x07\u202e\u2066\x9b\r")


def test_reidentify_does_not_echo_control_characters_of_an_id(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    key = tmp_path / "nokkel"
    key.write_bytes(b"k" * 32)
    key.chmod(0o600)
    result = CliRunner().invoke(main, ["reidentify", str(extract), str(key), f"P-{HOSTILE}"])
    assert result.exit_code == 1
    assert not any(c in result.output for c in "\x1b\x07\u202e\u2066\x9b\r")


def test_an_input_error_naming_a_hostile_file_is_one_clean_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / f"mangler{HOSTILE}")])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "\x1b" not in result.stderr


def test_a_closed_stdout_ends_silently_with_141_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    real_echo = ipaudit.cli.echo

    def reader_gone(message: object = None, *, err: bool = False, nl: bool = True) -> None:
        if not err:
            raise BrokenPipeError(32, "Broken pipe")
        real_echo(message, err=err, nl=nl)

    monkeypatch.setattr(ipaudit.cli, "echo", reader_gone)
    result = CliRunner().invoke(main, ["validate", str(extract)])
    assert result.exit_code == EXIT_BROKEN_PIPE == 141
    assert result.stderr == ""
