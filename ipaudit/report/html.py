"""``ipaudit-report.html``: one self-contained, printable report in Norwegian bokmål.

The page needs no network: CSS is inlined, the chart is drawn here as inline SVG, and there
is no script. Jinja2 autoescaping is on, so nothing from the extract can become markup.
Only a capped number of findings per rule (and of rejected rows) is listed — selected
with polars, never by looping over the results — so a million results still give a page
a browser opens in a moment; the notice above each capped list says where the rest is.
Each verdict resting on free text shows the clause that counted (``AuditResult.text_evidence``,
empty in a pseudonymised run): under a listed finding, and for the first passing patients of
each rule that reads text in «Oppfylt på grunnlag av fritekst».

With ``--history`` the summary opens with what changed since the previous run, each
failing finding is marked new or still failing (new ones listed first), the findings
resolved since are listed, and the compliance trend is drawn as one small line chart
per rule (``trend_chart``). Without a history none of this appears.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import polars as pl

from ipaudit import headline, numbers
from ipaudit.history import CHANGE_NEW, Comparison
from ipaudit.model import UNKNOWN_UNIT, AuditResult, RuleSummary, Severity, Status
from ipaudit.report import common
from ipaudit.report.base import ReportView, RunContext
from ipaudit.report.trend_chart import TrendChart, build_chart
from ipaudit.text_evidence import clauses_by_result
from ipaudit.waivers import UNUSED_REASONS, run_warnings

FILENAME = "ipaudit-report.html"
TEMPLATE = "report.html.j2"
#: Patients listed per rule, and rejected rows listed, unless told otherwise.
DEFAULT_LIMIT = 200
#: Passing results resting on free text listed per rule (with their clause), at most.
TEXT_LIMIT = 50
#: Units shown in the per-unit table.
UNIT_LIMIT = 500
_SOURCE_TEMPLATES = Path(__file__).resolve().parents[2] / "report_templates"


def load_template(name: str) -> str:
    """Template text from the package ``ipaudit.report_templates`` (the installed wheel or
    an editable install); from ``report_templates/`` beside the package in a plain checkout.
    """
    try:
        return importlib.resources.files("ipaudit.report_templates").joinpath(name).read_text(
            encoding="utf-8"
        )
    except ModuleNotFoundError:
        return (_SOURCE_TEMPLATES / name).read_text(encoding="utf-8")


def environment() -> jinja2.Environment:
    """The Jinja2 environment: autoescape on, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        date=common.fmt_date,
        num=common.fmt_int,
        pct=numbers.fmt_pct,
        status_label=common.status_label,
        change_label=lambda change: common.CHANGE_SHORT_LABELS.get(change or "", ""),
        severity_label=common.severity_label,
        waiver_state_label=common.waiver_state_label,
        table_label=common.table_label,
        parameter=lambda item: common.parameter_text(*item),
        parameter_parts=lambda item: common.parameter_parts(*item),
        waiver_note=headline.waiver_note,
        due_text=common.due_text,
        statute_text=common.statute_text,
        children_text=common.children_text,
        unused_reason=lambda reason: UNUSED_REASONS.get(reason or "", ""),
    )
    return env


@dataclass(frozen=True)
class RuleSection:
    """What the page shows for one rule."""

    summary: RuleSummary
    rows: list[dict[str, Any]]
    """The listed findings (at most the limit), fail first (new before still failing, with a
    history), then pending, then waived."""
    total: int
    """All findings of the listed statuses."""
    rate_width: float
    """Bar length in percent of the chart width (0 when the rate is undefined)."""
    by_text: list[dict[str, Any]] = field(default_factory=list)
    """The first passing results that rest on free text (at most ``TEXT_LIMIT``), one row per
    document: patient_id, document_id, doc_date, clause."""
    by_text_shown: int = 0
    """The passing results ``by_text`` lists."""
    by_text_total: int = 0
    """All passing results of the rule that rest on free text."""


@dataclass(frozen=True)
class UnitTable:
    """The per-unit breakdown: one row per unit, one cell per rule."""

    rule_ids: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total_units: int = 0


def _with_clauses(rows: pl.DataFrame, clauses: pl.DataFrame) -> pl.DataFrame:
    """The listed findings with ``clauses`` (list of {document_id, clause}, null when none
    of the row's evidence is by text)."""
    if clauses.height == 0:
        return rows.with_columns(pl.lit(None).alias("clauses"))
    return rows.join(clauses, on=["rule_id", "patient_id"], how="left", maintain_order="left")


def _passed_by_text(text_evidence: pl.DataFrame, rule_id: str, limit: int) -> tuple[list[dict[str, Any]], int, int]:
    """The documents of the first ``limit`` passing results of ``rule_id`` that rest on free
    text, how many results that is, and how many passing results rest on free text in all."""
    passed = text_evidence.filter((pl.col("rule_id") == rule_id) & (pl.col("status") == Status.PASS.value))
    if passed.height == 0:
        return [], 0, 0
    patients = passed.get_column("patient_id").unique(maintain_order=True)
    shown = passed.filter(pl.col("patient_id").is_in(patients.head(limit).implode()))
    rows = shown.select("patient_id", "document_id", "doc_date", "clause").to_dicts()
    return rows, min(limit, patients.len()), patients.len()


def _rule_sections(result: AuditResult, limit: int) -> list[RuleSection]:
    listed = result.results.filter(pl.col("status").is_in(common.LISTED_STATUSES))
    clauses = clauses_by_result(result.text_evidence)
    text_limit = min(limit, TEXT_LIMIT)
    sections = []
    for rule in result.rules:
        of_rule = listed.filter(pl.col("rule_id") == rule.meta.id)
        parts = []
        left = limit
        for status in common.LISTED_STATUSES:
            if left <= 0:
                break
            part = of_rule.filter(pl.col("status") == status)
            if status == Status.FAIL.value and "change" in part.columns:
                part = part.sort(pl.col("change") != CHANGE_NEW, maintain_order=True)
            part = part.head(left)
            parts.append(part)
            left -= part.height
        rows = _with_clauses(pl.concat(parts), clauses).to_dicts() if parts else []
        rate = rule.compliance_rate
        by_text, by_text_shown, by_text_total = _passed_by_text(result.text_evidence, rule.meta.id, text_limit)
        sections.append(
            RuleSection(
                summary=rule,
                rows=rows,
                total=of_rule.height,
                rate_width=round(rate * 100, 2) if rate is not None else 0.0,
                by_text=by_text,
                by_text_shown=by_text_shown,
                by_text_total=by_text_total,
            )
        )
    return sections


@dataclass(frozen=True)
class HistorySection:
    """What changed since the previous run, and the trend (``--history``)."""

    comparison: Comparison
    previous_text: str
    """The previous run in words, or the first-run sentence."""
    counts: list[dict[str, Any]]
    """key, label, value, explanation: the four counts of the summary box."""
    by_rule: dict[str, dict[str, int]]
    """rule_id → the four counts for that rule."""
    resolved_rows: list[dict[str, Any]]
    """The first resolved findings (at most the limit), with ``current_label``."""
    waived_rows: list[dict[str, Any]]
    """The first findings waived since (at most the limit), with ``current_label``."""
    chart: TrendChart | None
    """None before the second run."""
    runs: int
    """Runs in the trend, this one included."""


def _gone_rows(frame: pl.DataFrame, limit: int) -> list[dict[str, Any]]:
    return frame.head(limit).with_columns(common.current_status_expr().alias("current_label")).to_dicts()


def _history_section(result: AuditResult, history: Comparison | None, limit: int) -> HistorySection | None:
    if history is None:
        return None
    counts = [
        {"key": key, "label": label, "value": history.counts[key], "explanation": explanation}
        for key, label, explanation in common.HISTORY_COUNTS
    ]
    return HistorySection(
        comparison=history,
        previous_text=common.previous_run_text(history),
        counts=counts,
        by_rule=common.history_by_rule(history),
        resolved_rows=_gone_rows(history.resolved, limit),
        waived_rows=_gone_rows(history.waived_since, limit),
        chart=build_chart(history.trend, common.rule_titles(result),
                          {r.meta.id: r.severity.value for r in result.rules}),
        runs=common.trend_runs(history.trend).height,
    )


def _unit_table(result: AuditResult) -> UnitTable | None:
    units = result.units
    if units.height == 0 or not {"unit", "rule_id"} <= set(units.columns):
        return None
    rule_ids = [r.meta.id for r in result.rules]
    names = units.get_column("unit").unique(maintain_order=True)
    shown = names.head(UNIT_LIMIT)
    frame = units.filter(pl.col("unit").is_in(shown.implode(), nulls_equal=True))
    cells: dict[Any, dict[str, dict[str, Any]]] = {}
    for row in frame.to_dicts():
        cells.setdefault(row["unit"], {})[row["rule_id"]] = row
    rows = [{"unit": unit, "cells": cells.get(unit, {})} for unit in shown.to_list()]
    return UnitTable(rule_ids=rule_ids, rows=rows, total_units=names.len())


def render_html(
    result: AuditResult,
    *,
    limit: int = DEFAULT_LIMIT,
    companions: frozenset[str] = frozenset(),
    history: Comparison | None = None,
) -> str:
    """The whole report as one HTML string; ``history`` adds what changed since the previous run."""
    sources = {s.table: s for s in result.extract.sources}
    context = {
        "r": result,
        "limit": limit,
        "sections": _rule_sections(result, limit),
        "units": _unit_table(result),
        "history": _history_section(result, history, limit),
        "resolved_pointer": common.companions_text(companions, "resolved"),
        "unit_limit": UNIT_LIMIT,
        "waivers": common.waivers_by_state(result),
        "warnings": run_warnings(result),
        "waivers_pointer": common.companions_text(companions, "waivers"),
        "rejected_rows": result.rejected.head(limit).to_dicts(),
        "rejected_total": result.rejected.height,
        "sources": sources,
        "statuses": [s.value for s in Status],
        "bar_severities": [v for v in Severity if any(r.severity == v for r in result.rules)],
        "period": common.period_text(result),
        "profile": common.profile_text(result.profile),
        "suspensions": [common.suspension_text(s) for s in result.profile.suspensions],
        "generated": common.fmt_datetime(result.generated_at),
        "pseudonymized_text": common.PSEUDONYMIZED_TEXT,
        "core_text": common.core_text(common.core_rules(result)) if common.core_rules(result) else "",
        "unknown_unit": UNKNOWN_UNIT if common.has_unknown_unit(result) else None,
        "unknown_unit_text": common.UNKNOWN_UNIT_TEXT,
        "pointer": common.companions_text(companions),
        "rejected_pointer": common.companions_text(companions, "rejected"),
        "units_pointer": common.companions_text(companions, "units"),
        "text_pointer": common.companions_text(companions, "text"),
        "clause_label": common.CLAUSE_LABEL,
        "headline": headline.describe(headline.headline(result)),
        "waivers_raise": headline.waivers_raise_rates(result),
        "css": markupsafe.Markup(load_template("report.css")),  # our file, not data
    }
    return environment().get_template(TEMPLATE).render(context)


class HtmlView(ReportView):
    """The self-contained HTML report."""

    format = "html"
    filenames = (FILENAME,)

    def __init__(
        self, limit: int = DEFAULT_LIMIT, companions: frozenset[str] = frozenset(), context: RunContext | None = None
    ):
        super().__init__(context)
        self.limit = limit
        """Findings listed per rule, and rejected rows listed."""
        self.companions = companions
        """The formats written in the same run (to point the reader at the full lists)."""

    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        html = render_html(result, limit=self.limit, companions=self.companions, history=self.context.history)
        targets[FILENAME].write_text(html, encoding="utf-8")
