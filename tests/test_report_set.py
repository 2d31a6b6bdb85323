"""The report set is all new or all old (issue 12 item 3): a staged folder, a manifest written
last, completed or rolled back by the next run under the lock, stale temporaries removed."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixtures import make_result

from ipaudit.cli import main
from ipaudit.errors import InputError
from ipaudit.lock import run_lock
from ipaudit.model import AuditResult
from ipaudit.report import write_reports
from ipaudit.report.base import ReportView
from ipaudit.report.json import JsonView
from ipaudit.report.reportset import JOURNAL_NAME, MANIFEST_NAME
from ipaudit.report.xlsx import XlsxView
from tests.test_cli import write_extract

FORMATS = ["html", "xlsx", "json", "csv"]


def _manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST_NAME).read_text("utf-8"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_manifest_describes_the_files(out: Path) -> dict:
    manifest = _manifest(out)
    for entry in manifest["files"]:
        assert _sha(out / entry["name"]) == entry["sha256"], entry["name"]
        assert entry["run_id"] in manifest["runs"]
    return manifest


def test_the_manifest_lists_every_file_with_its_sha256_and_run(tmp_path: Path) -> None:
    result = make_result(10)
    paths = write_reports(result, tmp_path, FORMATS)
    manifest = _assert_manifest_describes_the_files(tmp_path)
    assert sorted(entry["name"] for entry in manifest["files"]) == sorted(p.name for p in paths)
    run = manifest["run"]
    assert {entry["run_id"] for entry in manifest["files"]} == {run["run_id"]}
    assert run["as_of"] == result.as_of.isoformat() and run["profile"] == result.profile.name


def test_files_of_an_earlier_run_keep_their_own_run_in_the_manifest(tmp_path: Path) -> None:
    write_reports(make_result(10), tmp_path, ["html", "json"])
    first = _manifest(tmp_path)["run"]["run_id"]
    write_reports(make_result(12), tmp_path, ["json"])
    manifest = _assert_manifest_describes_the_files(tmp_path)
    by_name = {entry["name"]: entry["run_id"] for entry in manifest["files"]}
    assert by_name["ipaudit-report.html"] == first != by_name["ipaudit-results.json"]


def test_a_commit_cut_off_half_way_is_completed_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(make_result(10), tmp_path, FORMATS)
    old = _manifest(tmp_path)["run"]["run_id"]
    real_replace = os.replace
    moved: list[str] = []

    def killed_after_two(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if ".ipaudit-staging-" in str(src) and len(moved) == 2:
            raise KeyboardInterrupt  # the kill lands between two renames
        moved.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        write_reports(make_result(30), tmp_path, FORMATS)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (tmp_path / JOURNAL_NAME).exists()  # a mixed set, and the journal says how to finish it
    with run_lock(tmp_path):  # the next run, before it reads anything
        pass
    manifest = _assert_manifest_describes_the_files(tmp_path)
    assert manifest["run"]["run_id"] != old
    assert {entry["run_id"] for entry in manifest["files"]} == {manifest["run"]["run_id"]}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ipaudit-")]


def test_a_run_killed_while_rendering_is_rolled_back_and_stale_temporaries_removed(tmp_path: Path) -> None:
    write_reports(make_result(10), tmp_path, FORMATS)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    staging = tmp_path / ".ipaudit-staging-20250630T020000-deadbeef"
    staging.mkdir()
    (staging / "ipaudit-results.json").write_text('{"half": ')
    (tmp_path / ".ipaudit-report.html.0a1b2c3d4e5f.tmp").write_text("<html>01018012345 Kari Nordmann")
    with run_lock(tmp_path):
        pass
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != ".ipaudit.lock"} == before


def test_a_directory_named_like_an_output_stops_the_run_before_anything_is_replaced(tmp_path: Path) -> None:
    write_reports(make_result(10), tmp_path, FORMATS)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    (tmp_path / "ipaudit-results.csv").unlink()
    (tmp_path / "ipaudit-results.csv").mkdir()
    del before["ipaudit-results.csv"]
    with pytest.raises(
        InputError, match="«ipaudit-results.csv» er en mappe; flytt den bort. Ingen rapporter er skrevet"
    ):
        write_reports(make_result(30), tmp_path, FORMATS)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ipaudit-")]


@pytest.mark.parametrize(
    ("error", "reason"),
    [(errno.ENOSPC, "disken er full"), (errno.EACCES, "mangler tilgang"), (errno.EROFS, "skrivebeskyttet")],
)
def test_disk_full_or_unwritable_is_one_line_exit_2_and_the_old_set_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: int, reason: str
) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    out = tmp_path / "ut"
    args = ["audit", str(extract), "--as-of", "30.06.2025", "--out", str(out), "--fail-on", "never"]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def no_space(self: ReportView, result: AuditResult, targets: Mapping[str, Path]) -> None:
        for path in targets.values():
            path.write_bytes(b"PK half")
        raise OSError(error, os.strerror(error), str(next(iter(targets.values()))))

    monkeypatch.setattr(XlsxView, "render", no_space)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and reason in result.stderr, result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_an_output_folder_that_cannot_be_made_or_written_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    blocker = tmp_path / "fil"
    blocker.write_text("")
    result = CliRunner().invoke(main, ["audit", str(extract), "--out", str(blocker / "ut")])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr

    def denied(self: ReportView, result: AuditResult, targets: Mapping[str, Path]) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(next(iter(targets.values()))))

    monkeypatch.setattr(JsonView, "render", denied)
    result = CliRunner().invoke(main, ["audit", str(extract), "--out", str(tmp_path / "ut"), "--format", "json"])
    assert result.exit_code == 2 and "mangler tilgang" in result.stderr, result.stderr
    assert not [p for p in (tmp_path / "ut").iterdir() if p.name.startswith(".ipaudit-")]


def test_disk_full_in_any_command_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ipaudit.sample

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x" / "pasienter.csv"))

    monkeypatch.setattr(ipaudit.sample, "generate", full)
    result = CliRunner().invoke(main, ["sample", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"ipaudit: feil: kan ikke skrive eller lese {tmp_path / 'x' / 'pasienter.csv'}: disken er full\n"
    )
