"""Report views of one AuditResult, written atomically: HTML, Excel, JSON and CSV.

``write_reports`` renders every requested format to temporary files in the output
directory, flushes them to disk, and only then renames them over the old reports. If any
view raises (or the run is interrupted) the temporary files are removed and last night's
reports are left exactly as they were.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from ipaudit.errors import InputError
from ipaudit.model import AuditResult
from ipaudit.report.base import ReportView
from ipaudit.report.csv import CsvView
from ipaudit.report.html import DEFAULT_LIMIT, HtmlView
from ipaudit.report.json import JsonView
from ipaudit.report.supervision import SampleDraw, SupervisionView
from ipaudit.report.xlsx import XlsxView

__all__ = ["FORMATS", "ReportView", "make_views", "write_reports"]

FORMATS: tuple[str, ...] = ("html", "xlsx", "json", "csv", "supervision")


def make_views(
    formats: Sequence[str], *, html_limit: int = DEFAULT_LIMIT, supervision_sample: SampleDraw | None = None
) -> list[ReportView]:
    """One view per requested format, in the order given, duplicates dropped."""
    wanted = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if not wanted:
        raise InputError(f"no report format given; choose from {', '.join(FORMATS)}")
    views: list[ReportView] = []
    for name in wanted:
        if name == "html":
            views.append(HtmlView(limit=html_limit, companions=frozenset(wanted)))
        elif name == "xlsx":
            views.append(XlsxView())
        elif name == "json":
            views.append(JsonView())
        elif name == "supervision":
            views.append(SupervisionView(sample=supervision_sample))
        else:
            views.append(CsvView())
    return views


def _temporary(out_dir: Path, final_name: str) -> Path:
    """Create an empty, hidden temporary file next to where ``final_name`` will go."""
    while True:
        path = out_dir / f".{final_name}.{secrets.token_hex(6)}.tmp"
        try:
            # 0o666 & ~umask: the report gets ordinary permissions after the rename.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return path
        except FileExistsError:
            continue


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_reports(
    result: AuditResult,
    out_dir: Path,
    formats: Sequence[str],
    *,
    html_limit: int = DEFAULT_LIMIT,
    supervision_sample: SampleDraw | None = None,
) -> list[Path]:
    """Write the requested reports into ``out_dir`` atomically; return their final paths.

    Every format is rendered to a temporary file first; the files replace the old ones
    only when all of them rendered. ``html_limit`` caps the patients listed per rule in
    the HTML report (the Excel and CSV files list all). ``supervision_sample`` is the review
    sample the supervision report lists (the CLI draws it among the real ids before
    pseudonymising); None lets the view draw its default sample from ``result``.
    """
    views = make_views(formats, html_limit=html_limit, supervision_sample=supervision_sample)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pending: dict[Path, Path] = {}
    try:
        for view in views:
            targets = {}
            for name in view.filenames_for(result):
                targets[name] = pending[out_dir / name] = _temporary(out_dir, name)
            view.render(result, targets)
        for temporary in pending.values():
            _fsync(temporary)
        for final, temporary in pending.items():
            os.replace(temporary, final)
    finally:
        for temporary in pending.values():
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        _fsync(out_dir)
    return list(pending)
