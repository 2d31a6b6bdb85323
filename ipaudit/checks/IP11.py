"""IP11 — a patient has only one individual plan: plan documents from at most one unit."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, finish
from ipaudit.model import RuleMeta, Severity, Status, Tag

RULE = RuleMeta(
    id="IP11",
    title="Kun én individuell plan",
    severity=Severity.WARNING,
    statute="",
    guidance=(
        "UNN-retningslinjen pkt. 6 («pasienten/brukeren kun skal ha EN individuell plan»); "
        "Statsforvalteren i Møre og Romsdal"
    ),
    legal_deadline="ingen frist",
    finding="Det er dokumentert individuelle planer fra mer enn én enhet",
    tags=frozenset({Tag.IP_RIGHT}),
    parameters=("lookback_days",),
    applies_to="Pasienter med individuell plan.",
    satisfied_by="Alle plandokumentene kommer fra én og samme enhet.",
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when the patient's IP_PLAN documents name at most one distinct unit."""
    plans = (
        ctx.documents.filter(pl.col("doc_type") == "IP_PLAN")
        .sort("doc_date", "document_id")
        .group_by("patient_id")
        .agg(
            pl.col("document_id").alias("ids"),
            pl.col("unit").drop_nulls().unique(maintain_order=True).alias("units"),
        )
    )
    frame = ctx.cohort.select("patient_id").join(plans, on="patient_id", how="left")
    outcome = (
        pl.when(pl.col("ids").is_null())
        .then(
            pl.struct(
                status=pl.lit(Status.NOT_APPLICABLE),
                message=pl.lit("Ikke aktuelt: ingen individuell plan."),
                evidence=pl.lit([], dtype=pl.List(pl.String)),
            )
        )
        .when(pl.col("units").list.len() <= 1)
        .then(pl.struct(status=pl.lit(Status.PASS), message=pl.lit("Én individuell plan."), evidence=pl.col("ids")))
        .otherwise(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format(
                    "Individuelle planer fra {} enheter: {}.",
                    pl.col("units").list.len(),
                    pl.col("units").list.join(", "),
                ),
                evidence=pl.col("ids"),
            )
        )
    )
    return finish(
        frame.select("patient_id", outcome.alias("o"))
        .unnest("o")
        .with_columns(pl.lit(None, dtype=pl.Date).alias("due_date"))
    )
