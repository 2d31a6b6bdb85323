"""A damaged history file (issue 12 item 2): checked with ``PRAGMA quick_check`` before use,
refused in one line (exit 2), and never written to."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ipaudit.cli import main
from ipaudit.errors import InputError
from ipaudit.history import open_history
from tests.test_cli import write_extract
from tests.test_history import NIGHT_1, NIGHT_2, _audit

PAGE = 4096


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """A history of two runs with its third page overwritten by zeros (a torn or lost write)."""
    path = tmp_path / "historikk.sqlite"
    with open_history(path) as history:
        history.record(_audit(NIGHT_1))
        history.record(_audit(NIGHT_2))
    assert path.stat().st_size >= 4 * PAGE
    with path.open("r+b") as handle:
        handle.seek(2 * PAGE)
        handle.write(bytes(PAGE))
    return path


def test_a_damaged_history_is_refused_before_use_and_left_untouched(damaged: Path) -> None:
    before = damaged.read_bytes()
    with pytest.raises(
        InputError, match=r"historikk.sqlite er skadet \(PRAGMA quick_check: .*verken lest eller endret"
    ):
        with open_history(damaged) as history:
            history.record(_audit(NIGHT_1))
    assert damaged.read_bytes() == before


def test_audit_with_a_damaged_history_exits_2_with_one_line_and_writes_no_report(damaged: Path, tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    before = damaged.read_bytes()
    out = tmp_path / "ut"
    result = CliRunner().invoke(main, ["audit", str(extract), "--history", str(damaged), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and "er skadet" in result.stderr
    assert damaged.read_bytes() == before
    assert not (out / "ipaudit-report.html").exists()
