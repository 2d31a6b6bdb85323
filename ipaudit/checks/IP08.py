"""IP08 — a municipal coordinator makes first contact within first_contact_days of appointment."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, finish, fmt_date
from ipaudit.model import OptionalTable, RuleMeta, Severity, Status

RULE = RuleMeta(
    id="IP08",
    title="Koordinator i kommunen: første kontakt innen {first_contact_days}",
    severity=Severity.WARNING,
    statute="",
    guidance="UNN-retningslinjen pkt. 4.4 d («normalt skje innen 2 uker etter oppnevning»)",
    legal_deadline="ingen lovfestet frist (UNN: normalt innen 2 uker)",
    finding=(
        "Det er ikke dokumentert at koordinator i kommunen tok første kontakt med pasienten innen "
        "{first_contact_days}"
    ),
    parameters=("first_contact_days", "lookback_days"),
    requires=(OptionalTable.COORDINATORS,),
    applies_to="Pasienter med koordinator i kommunen.",
    satisfied_by="Hver koordinator i kommunen har første kontakt senest {first_contact_days} etter oppnevning.",
    due="{first_contact_days} etter oppnevning; uten første kontakt venter regelen til fristen.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """Worst outcome over the patient's kommune coordinators: fail, then pending, then pass."""
    contact = pl.when(pl.col("first_contact_date") <= ctx.as_of).then(pl.col("first_contact_date"))
    rows = (
        ctx.coordinators.filter(pl.col("level") == "kommune")
        .with_columns(
            (pl.col("appointed_date") + pl.duration(days=params["first_contact_days"])).alias("due"),
            contact.alias("contact"),
        )
        .with_columns(
            pl.when(pl.col("contact").is_not_null() & (pl.col("contact") <= pl.col("due")))
            .then(pl.lit(0))
            .when(pl.col("contact").is_null() & (pl.lit(ctx.as_of) <= pl.col("due")))
            .then(pl.lit(1))
            .otherwise(pl.lit(2))
            .alias("rank")
        )
    )
    per_patient = rows.group_by("patient_id").agg(
        pl.col("rank").max().alias("rank"),
        pl.len().alias("n"),
        (pl.col("rank") == 2).sum().alias("late"),
        pl.col("due").filter(pl.col("rank") > 0).min().alias("open_due"),
        pl.col("due").max().alias("last_due"),
    )
    frame = ctx.cohort.select("patient_id").join(per_patient, on="patient_id", how="left")
    status = (
        pl.when(pl.col("rank").is_null())
        .then(pl.lit(Status.NOT_APPLICABLE))
        .when(pl.col("rank") == 0)
        .then(pl.lit(Status.PASS))
        .when(pl.col("rank") == 1)
        .then(pl.lit(Status.PENDING))
        .otherwise(pl.lit(Status.FAIL))
    )
    message = (
        pl.when(pl.col("rank").is_null())
        .then(pl.lit("Ikke aktuelt: ingen koordinator i kommunen."))
        .when(pl.col("rank") == 0)
        .then(pl.lit("Første kontakt innen fristen for alle koordinatorer i kommunen."))
        .when(pl.col("rank") == 1)
        .then(pl.format("Første kontakt ikke registrert ennå; frist {}.", fmt_date("open_due")))
        .otherwise(
            pl.format(
                "{} av {} koordinatorer i kommunen har ikke første kontakt innen fristen ({}).",
                pl.col("late"),
                pl.col("n"),
                fmt_date("open_due"),
            )
        )
    )
    return finish(
        frame.with_columns(
            status.alias("status"),
            message.alias("message"),
            pl.lit([], dtype=pl.List(pl.String)).alias("evidence"),
            pl.coalesce("open_due", "last_due").alias("due_date"),
        )
    )
