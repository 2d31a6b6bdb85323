"""write_reports: every format, atomic replacement, no partial or temporary files left."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixtures import make_result

from ipaudit.errors import InputError
from ipaudit.model import AuditResult
from ipaudit.report import FORMATS, write_reports
from ipaudit.report.base import ReportView
from ipaudit.report.common import WAIVER_STATE_LABELS
from ipaudit.report.xlsx import XlsxView

ALL_FILES = ["ipaudit-report.html", "ipaudit-report.xlsx", "ipaudit-results.json",
             "ipaudit-results.csv", "ipaudit-rejected.csv", "ipaudit-waivers.csv", "ipaudit-tilsynsrapport.html"]


def test_all_formats(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    paths = write_reports(make_result(20), out, FORMATS)
    assert [p.name for p in paths] == ALL_FILES
    assert sorted(os.listdir(out)) == sorted([*ALL_FILES, "ipaudit-manifest.json"])
    assert all(p.stat().st_size > 0 for p in paths)


def test_files_get_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        (path,) = write_reports(make_result(5), tmp_path, ["json"])
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_formats_are_normalised_and_deduplicated(tmp_path: Path) -> None:
    paths = write_reports(make_result(5), tmp_path, ["JSON", " json", "csv"])
    assert [p.name for p in paths] == ["ipaudit-results.json", "ipaudit-results.csv",
                                       "ipaudit-rejected.csv", "ipaudit-waivers.csv"]


@pytest.mark.parametrize("formats", [["pdf"], ["html", "docx"], [], [""]])
def test_bad_formats_are_input_errors_before_anything_is_written(
    tmp_path: Path, formats: list[str]
) -> None:
    out = tmp_path / "out"
    with pytest.raises(InputError):
        write_reports(make_result(5), out, formats)
    assert not out.exists()


def test_a_failing_view_leaves_the_old_reports(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_reports(make_result(10), tmp_path, FORMATS)
    before = {name: (tmp_path / name).read_bytes() for name in [*ALL_FILES, "ipaudit-manifest.json"]}

    def broken(self: ReportView, result: AuditResult, targets: Mapping[str, Path]) -> None:
        for path in targets.values():
            path.write_bytes(b"PK half a workbook")
        raise RuntimeError("disk full")

    monkeypatch.setattr(XlsxView, "render", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        # json is rendered after xlsx and html before it: neither may replace the old file.
        write_reports(make_result(30), tmp_path, ["html", "xlsx", "json", "csv"])
    assert sorted(os.listdir(tmp_path)) == sorted(before)  # no temporary files left
    assert {name: (tmp_path / name).read_bytes() for name in before} == before


def test_interrupt_leaves_no_temporary_files(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(self: ReportView, result: AuditResult, targets: Mapping[str, Path]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(XlsxView, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_reports(make_result(5), tmp_path, ["json", "xlsx"])
    assert os.listdir(tmp_path) == []


def test_every_view_names_the_waiver_states_alike(tmp_path: Path) -> None:
    result = make_result(10)
    assert sorted(w.state for w in result.waivers) == sorted(WAIVER_STATE_LABELS)
    write_reports(result, tmp_path, ["html", "supervision", "xlsx", "json"])
    page = (tmp_path / "ipaudit-report.html").read_text(encoding="utf-8")
    supervision = (tmp_path / "ipaudit-tilsynsrapport.html").read_text(encoding="utf-8")
    summary = load_workbook(tmp_path / "ipaudit-report.xlsx")["Sammendrag"]
    in_xlsx = {row[0] for row in summary.iter_rows(values_only=True)}
    for label in WAIVER_STATE_LABELS.values():
        assert f"<h3>{label} (1)</h3>" in page
        assert f"<td>{label}</td>" in supervision
        assert label in in_xlsx
    assert "Godkjente unntak: 1 brukt, 1 utløpt, 1 ikke brukt." in supervision
    waivers = json.loads((tmp_path / "ipaudit-results.json").read_text(encoding="utf-8"))["waivers"]
    assert list(waivers) == list(WAIVER_STATE_LABELS)
