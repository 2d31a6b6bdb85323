"""What a check sees and returns: the prepared context, and helpers for due dates.

A check is a module ``ipaudit/checks/<ID>.py`` with a ``RULE: RuleMeta`` and a function
``check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame`` returning
CHECK_RESULT_SCHEMA rows: exactly one per cohort patient (IP00: one per at-risk patient
without an assessment). Checks never print and never read files; everything they need is
built once by the engine and handed over here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from ipaudit.model import CHECK_RESULT_SCHEMA, PhraseKind, Status


@dataclass(frozen=True)
class CheckContext:
    """The prepared tables every check shares (built once by the engine)."""

    as_of: dt.date
    """The audit date; nothing dated after it is in any frame below."""
    period_from: dt.date | None
    period_to: dt.date
    cohort: pl.DataFrame
    """One row per cohort patient: patient_id, index_date, index_assessment_id, unit,
    window_start, criteria_met, wants_ip, wants_coordinator, services_from (documented
    values), birth_date, eighteenth_birthday (29 February → 1 March in a non-leap year),
    under_18 (index_date before the 18th birthday; null when the birth date is unknown).
    While a rule with ``branch_tags`` runs, also ``branch_<name>_suspension``: the
    not_applicable message of the suspension with one of the branch's tags that covers
    index_date, else null."""
    documents: pl.DataFrame
    """Signed documents of cohort patients dated in their window: patient_id, document_id,
    doc_date, doc_type, unit, consent_scope, index_date."""
    evidence: pl.DataFrame
    """Evidence rows: patient_id, kind, document_id, doc_date, doc_type, by ('type' or
    'text'), consent_scope, index_date, clause (the clause of the text that counted; null by
    type). Kinds (``PhraseKind``): INFO_IP, SAMTYKKE, KLAGEVEILEDNING (by type or by text read
    as a reviewer reads it, ``ipaudit.evidence``), INFO_BARNEKOORDINATOR (by text) and
    EPIKRISE_MENTION (an EPIKRISE whose text mentions koordinator or individuell plan, not
    negated: the scope IP09 declares in ``RuleMeta.phrases``). Only signed documents in the
    window."""
    coordinators: pl.DataFrame
    """The patients' coordinators: coordinator rows of cohort patients with appointed_date
    in the window. Empty (same columns) when the extract has no coordinators table."""
    tables: Mapping[str, pl.DataFrame]
    """The accepted extract tables but documents (``documents`` holds the windowed ones),
    with rows dated after as_of removed (IP00 needs patients, assessments and episodes
    outside the cohort)."""
    present_tables: frozenset[str] = frozenset()
    """The tables the extract holds (optional ones may be absent)."""

    @property
    def has_coordinators(self) -> bool:
        """False when the extract has no coordinators table."""
        return "coordinators" in self.present_tables


def finish(frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast a check's output to CHECK_RESULT_SCHEMA."""
    return frame.select([pl.col(name).cast(dtype) for name, dtype in CHECK_RESULT_SCHEMA.items()])


def deadline_status(satisfied: pl.Expr, due_date: pl.Expr, as_of: dt.date) -> pl.Expr:
    """pass when satisfied; else pending while as_of <= due date (inclusive), then fail."""
    return (
        pl.when(satisfied)
        .then(pl.lit(Status.PASS))
        .when(pl.lit(as_of) <= due_date)
        .then(pl.lit(Status.PENDING))
        .otherwise(pl.lit(Status.FAIL))
    )


def counted(column: str | pl.Expr, one: str, many: str) -> pl.Expr:
    """'1 enhet', '3 enheter': a count column with its noun in the right number."""
    expr = pl.col(column) if isinstance(column, str) else column
    return pl.format("{} {}", expr, pl.when(expr == 1).then(pl.lit(one)).otherwise(pl.lit(many)))


def fmt_date(column: str | pl.Expr) -> pl.Expr:
    """A date column (or expression) as dd.mm.yyyy text, for messages."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.strftime("%d.%m.%Y")


#: Values that stand in for a coordinator's name without being one (compared trimmed, any case).
NAME_PLACEHOLDERS = ("ukjent", "nn", "n.n.", "-", "?", "x", "xx", "ikke oppnevnt", "mangler", "tbd")


def has_real_name(name: pl.Expr) -> pl.Expr:
    """Not null, at least two letters, and not a placeholder (spec/rules.md, IP05)."""
    cleaned = name.str.strip_chars().str.to_lowercase()
    letters = name.str.count_matches(r"\p{L}")
    return (name.is_not_null() & (letters >= 2) & ~cleaned.is_in(NAME_PLACEHOLDERS)).fill_null(False)


def evidence_ids(evidence: pl.DataFrame, kind: PhraseKind, where: pl.Expr | None = None) -> pl.DataFrame:
    """patient_id → sorted list of document ids of one evidence kind (optionally filtered)."""
    frame = evidence.filter(pl.col("kind") == kind)
    if where is not None:
        frame = frame.filter(where)
    return (
        frame.sort("doc_date", "document_id")
        .group_by("patient_id", maintain_order=True)
        .agg(
            pl.col("document_id").unique(maintain_order=True).alias("ids"),
            pl.col("doc_date").min().alias("first_date"),
        )
    )


def every_coordinator_row(
    ctx: CheckContext, ok: pl.Expr, *, not_applicable: str, passed: pl.Expr, lacking: str
) -> pl.DataFrame:
    """A result per cohort patient from a per-row test of the patient's coordinators.

    pass when ``ok`` holds for every coordinator row, fail naming how many rows (and which
    source rows) do not, not_applicable without a coordinator. ``passed`` may use the
    column ``rows``; ``lacking`` completes "N av M koordinatorrader …".
    """
    per_patient = (
        ctx.coordinators.with_columns(ok.alias("ok"))
        .group_by("patient_id")
        .agg(
            pl.len().alias("rows"),
            (~pl.col("ok")).sum().alias("bad"),
            pl.col("source_row").filter(~pl.col("ok")).sort().cast(pl.String).str.join(", ").alias("where"),
        )
    )
    frame = ctx.cohort.select("patient_id").join(per_patient, on="patient_id", how="left")
    status = (
        pl.when(pl.col("rows").is_null())
        .then(pl.lit(Status.NOT_APPLICABLE))
        .when(pl.col("bad") == 0)
        .then(pl.lit(Status.PASS))
        .otherwise(pl.lit(Status.FAIL))
    )
    message = (
        pl.when(pl.col("rows").is_null())
        .then(pl.lit(not_applicable))
        .when(pl.col("bad") == 0)
        .then(passed)
        .otherwise(
            pl.format(
                f"{{}} av {{}} koordinatorrader {lacking} (rad {{}} i koordinatortabellen).",
                pl.col("bad"),
                pl.col("rows"),
                pl.col("where"),
            )
        )
    )
    return finish(
        frame.with_columns(
            status.alias("status"),
            message.alias("message"),
            pl.lit([], dtype=pl.List(pl.String)).alias("evidence"),
            pl.lit(None, dtype=pl.Date).alias("due_date"),
        )
    )
