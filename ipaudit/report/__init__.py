"""Report views of one AuditResult, written atomically: HTML, Excel, JSON and CSV.

``write_reports`` renders every requested format into a staging folder in the output
directory, flushes it to disk, and only then moves the set into place with a manifest
written last (``reportset.commit_report_set``). If any view raises (or the run is
interrupted before the commit) last night's reports are left exactly as they were; a commit
cut off half way is completed by the next run.

What a run adds beyond the audit (history comparison, review sample) reaches every view as
one ``RunContext``, built by ``ipaudit.pipeline``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ipaudit.errors import InputError
from ipaudit.model import AuditResult
from ipaudit.report.base import ReportView, RunContext
from ipaudit.report.csv import CsvView
from ipaudit.report.html import DEFAULT_LIMIT, HtmlView
from ipaudit.report.json import JsonView
from ipaudit.report.reportset import commit_report_set, new_run_id
from ipaudit.report.review_workbook import ReviewWorkbookView
from ipaudit.report.supervision import SupervisionView
from ipaudit.report.xlsx import XlsxView

__all__ = ["FORMATS", "ReportView", "RunContext", "make_views", "write_reports", "write_views"]

FORMATS: tuple[str, ...] = ("html", "xlsx", "json", "csv", "supervision")
"""The formats ``ipaudit audit --format`` writes."""
REVIEW_WORKBOOK = ReviewWorkbookView.format
"""The review workbook's view name (``ipaudit select``); not an ``audit --format``."""


def make_views(
    formats: Sequence[str],
    *,
    html_limit: int = DEFAULT_LIMIT,
    raw_csv: bool = False,
    context: RunContext | None = None,
) -> list[ReportView]:
    """One view per requested format, in the order given, duplicates dropped.

    ``raw_csv`` (``--raw-csv``) writes the CSV files' values as they are, without the
    CSV-injection guard (``ipaudit.report.csv``)."""
    context = context or RunContext()
    wanted = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in wanted if f not in (*FORMATS, REVIEW_WORKBOOK)]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if not wanted:
        raise InputError(f"no report format given; choose from {', '.join(FORMATS)}")
    views: list[ReportView] = []
    for name in wanted:
        if name == "html":
            views.append(HtmlView(limit=html_limit, companions=frozenset(wanted), context=context))
        elif name == "xlsx":
            views.append(XlsxView(context))
        elif name == "json":
            views.append(JsonView(context))
        elif name == "supervision":
            views.append(SupervisionView(context))
        elif name == REVIEW_WORKBOOK:
            views.append(ReviewWorkbookView(context))
        else:
            views.append(CsvView(context, raw=raw_csv))
    return views


def write_views(result: AuditResult, out_dir: Path, views: Sequence[ReportView]) -> list[Path]:
    """Render ``views`` into ``out_dir`` atomically; return the final paths of their files."""
    planned = [(view, view.filenames_for(result)) for view in views]
    names = [name for _, view_names in planned for name in view_names]

    def render(paths: dict[str, Path]) -> None:
        for view, view_names in planned:
            view.render(result, {name: paths[name] for name in view_names})

    run = {
        "run_id": new_run_id(result.generated_at),
        "generated_at": result.generated_at.isoformat(timespec="seconds"),
        "as_of": result.as_of.isoformat(),
        "profile": result.profile.name,
        "tool_version": result.tool_version,
        "pseudonymized": result.pseudonymized,
    }
    return commit_report_set(Path(out_dir), names, render, run)


def write_reports(
    result: AuditResult,
    out_dir: Path,
    formats: Sequence[str],
    *,
    html_limit: int = DEFAULT_LIMIT,
    raw_csv: bool = False,
    context: RunContext | None = None,
) -> list[Path]:
    """Write the requested reports into ``out_dir`` atomically; return their final paths.

    Every format is rendered to a temporary file first; the files replace the old ones
    only when all of them rendered. ``html_limit`` caps the patients listed per rule in
    the HTML report (the Excel and CSV files list all); ``raw_csv`` leaves formula-like CSV
    cells as they are (``ipaudit.report.csv``). ``context`` carries the history
    comparison and the review sample (``ipaudit.pipeline``); without one the reports have
    neither.
    """
    views = make_views(formats, html_limit=html_limit, raw_csv=raw_csv, context=context)
    return write_views(result, out_dir, views)
