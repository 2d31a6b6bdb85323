"""HB01 — every coordinator's phone number is documented (Helse Bergen guideline)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, finish
from ipaudit.model import RuleMeta, Severity

RULE = RuleMeta(
    id="HB01",
    title="Koordinators telefonnummer dokumentert",
    severity=Severity.WARNING,
    basis="Helse Bergen-retningslinjen pkt. 7.4 f 4 («dokumenter navn og telefonnummer på de involverte»)",
    parameters=("lookback_days",),
    requires=("coordinators",),
    applies_to="Pasienter som har fått oppnevnt koordinator.",
    satisfied_by="Alle koordinatorer har telefonnummer med minst 8 sifre (mellomrom og +47 er lov).",
)


def valid_phone(phone: pl.Expr) -> pl.Expr:
    """At least 8 digits once a leading +47/0047 country code is set aside."""
    local = phone.str.strip_chars().str.replace(r"^(\+|00)\s*47", "")
    return (local.str.count_matches(r"\d") >= 8).fill_null(False)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when every coordinator row has a phone with 8 digits; not_applicable without a coordinator."""
    per_patient = (
        ctx.coordinators.with_columns(valid_phone(pl.col("phone")).alias("ok"))
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
        .then(pl.lit("not_applicable"))
        .when(pl.col("bad") == 0)
        .then(pl.lit("pass"))
        .otherwise(pl.lit("fail"))
    )
    message = (
        pl.when(pl.col("rows").is_null())
        .then(pl.lit("Ikke aktuelt: ingen koordinator oppnevnt."))
        .when(pl.col("bad") == 0)
        .then(pl.lit("Telefonnummer dokumentert for alle koordinatorer."))
        .otherwise(
            pl.format(
                "{} av {} koordinatorrader mangler gyldig telefonnummer (rad {} i koordinatortabellen).",
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
