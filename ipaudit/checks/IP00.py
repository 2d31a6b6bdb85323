"""IP00 — patients at risk (long inpatient stays or many units) whose need for IP was never assessed."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, counted, finish
from ipaudit.model import EvidenceKind, OptionalTable, Population, RuleMeta, Severity, Status

RULE = RuleMeta(
    id="IP00",
    title="Behov for IP ikke vurdert",
    severity=Severity.WARNING,
    statute="Spesialisthelsetjenesteloven § 2-5; pasient- og brukerrettighetsloven § 2-5",
    guidance=(
        "Helseforetakets side om IP («Helseforetaket skal på eget initiativ vurdere om en pasient har rett "
        "til individuell plan»); Helse Bergen-retningslinjen pkt. 4 a"
    ),
    legal_deadline="ingen lovfestet frist",
    finding="Behovet for individuell plan er ikke vurdert",
    parameters=("at_risk_inpatient_days", "at_risk_units"),
    requires=(OptionalTable.EPISODES,),
    population=Population.OWN,
    evidence_kind=EvidenceKind.EPISODE,
    applies_to=(
        "Pasienter uten noen vurdering som har minst {at_risk_inpatient_days} eller kontakter ved minst "
        "{at_risk_units} i perioden."
    ),
    satisfied_by="At behovet for individuell plan er vurdert (en vurdering finnes).",
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """One fail per at-risk patient without any assessment dated on or before as_of."""
    episodes = ctx.tables["episodes"]
    in_period = pl.col("start_date") <= ctx.period_to
    if ctx.period_from is not None:
        in_period = in_period & (pl.col("start_date") >= ctx.period_from)
    assessed = ctx.tables["assessments"].select("patient_id").unique()
    inpatient_days = (
        pl.when(pl.col("care_type") == "døgn")
        .then((pl.col("end_date").fill_null(ctx.as_of) - pl.col("start_date")).dt.total_days())
        .otherwise(0)
    )
    at_risk = (
        episodes.filter(in_period)
        .join(assessed, on="patient_id", how="anti")
        .group_by("patient_id")
        .agg(
            inpatient_days.sum().alias("days"),
            pl.col("unit").n_unique().alias("units"),
            pl.col("episode_id").sort().alias("episodes"),
        )
        .filter((pl.col("days") >= params["at_risk_inpatient_days"]) | (pl.col("units") >= params["at_risk_units"]))
        .sort("patient_id")
    )
    message = pl.format(
        "Behovet for individuell plan er ikke vurdert, men pasienten har {} og kontakter ved {}.",
        counted("days", "døgndag", "døgndager"),
        counted("units", "enhet", "enheter"),
    )
    return finish(
        at_risk.with_columns(
            pl.lit(Status.FAIL).alias("status"),
            message.alias("message"),
            pl.col("episodes").alias("evidence"),
            pl.lit(None, dtype=pl.Date).alias("due_date"),
        )
    )
