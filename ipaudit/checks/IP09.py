"""IP09 — the GP is told about the coordinator or plan in a discharge summary (epikrise)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, finish, fmt_date
from ipaudit.model import PhraseKind, RuleMeta, Severity, Status

RULE = RuleMeta(
    id="IP09",
    title="Fastlege informert i epikrise",
    severity=Severity.WARNING,
    statute="",
    guidance="UNN-retningslinjen pkt. 5, siste avsnitt",
    legal_deadline="ingen frist",
    finding="Epikrisen til fastlegen nevner ikke koordinator eller individuell plan",
    parameters=("lookback_days",),
    phrases=((PhraseKind.EPIKRISE_MENTION, ("EPIKRISE",)),),
    applies_to=(
        "Pasienter med koordinator eller individuell plan som har fått en epikrise etter at "
        "koordinator/plan kom på plass."
    ),
    satisfied_by="En slik epikrise nevner koordinator eller individuell plan (ikke nektet).",
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when an epikrise dated on or after the first coordinator/plan mentions them."""
    starts = (
        pl.concat(
            [
                ctx.coordinators.select("patient_id", pl.col("appointed_date").alias("date")),
                ctx.documents.filter(pl.col("doc_type") == "IP_PLAN").select(
                    "patient_id", pl.col("doc_date").alias("date")
                ),
            ]
        )
        .group_by("patient_id")
        .agg(pl.col("date").min().alias("since"))
    )
    mentions = (
        ctx.evidence.filter(pl.col("kind") == PhraseKind.EPIKRISE_MENTION)
        .select("document_id")
        .with_columns(pl.lit(True).alias("mentions"))
    )
    epikriser = (
        ctx.documents.filter(pl.col("doc_type") == "EPIKRISE")
        .join(starts, on="patient_id")
        .filter(pl.col("doc_date") >= pl.col("since"))
        .join(mentions, on="document_id", how="left")
        .sort("doc_date", "document_id")
        .group_by("patient_id")
        .agg(
            pl.col("document_id").alias("all"),
            pl.col("document_id").filter(pl.col("mentions").fill_null(False)).alias("ok"),
            pl.col("since").first(),
        )
    )
    frame = ctx.cohort.select("patient_id").join(epikriser, on="patient_id", how="left")
    outcome = (
        pl.when(pl.col("all").is_null())
        .then(
            pl.struct(
                status=pl.lit(Status.NOT_APPLICABLE),
                message=pl.lit("Ikke aktuelt: ingen epikrise etter at koordinator eller plan kom på plass."),
                evidence=pl.lit([], dtype=pl.List(pl.String)),
            )
        )
        .when(pl.col("ok").list.len() > 0)
        .then(
            pl.struct(
                status=pl.lit(Status.PASS),
                message=pl.lit("Epikrisen nevner koordinator eller individuell plan."),
                evidence=pl.col("ok"),
            )
        )
        .otherwise(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format(
                    "Ingen epikrise etter {} nevner koordinator eller individuell plan.", fmt_date("since")
                ),
                evidence=pl.col("all"),
            )
        )
    )
    return finish(
        frame.select("patient_id", outcome.alias("o"))
        .unnest("o")
        .with_columns(pl.lit(None, dtype=pl.Date).alias("due_date"))
    )
