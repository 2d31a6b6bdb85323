"""Report views of one AuditResult, written atomically: HTML, Excel, JSON and CSV.

``write_reports`` renders every requested format to temporary files in the output
directory, flushes them to disk, and only then renames them over the old reports
(``atomic.atomic_files``). If any view raises (or the run is interrupted) the temporary
files are removed and last night's reports are left exactly as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ipaudit.errors import InputError
from ipaudit.model import AuditResult
from ipaudit.report.atomic import atomic_files
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
    planned = [(view, view.filenames_for(result)) for view in views]
    names = [name for _, view_names in planned for name in view_names]
    with atomic_files(out_dir, names) as temporaries:
        for view, view_names in planned:
            view.render(result, {name: temporaries[name] for name in view_names})
    return [Path(out_dir) / name for name in names]
