"""IP05 — every coordinator of the patient has a real name (not blank, not a placeholder)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, finish
from ipaudit.model import RuleMeta, Severity

RULE = RuleMeta(
    id="IP05",
    title="Koordinators navn dokumentert",
    severity=Severity.ERROR,
    basis="UNN-retningslinjen pkt. 5 e; Helse Bergen-retningslinjen pkt. 7.4 f 4",
    tags=frozenset({"core"}),
    parameters=("lookback_days",),
    requires=("coordinators",),
    applies_to="Pasienter som har fått oppnevnt koordinator.",
    satisfied_by="Alle pasientens koordinatorer har et reelt navn (ikke tomt og ikke «NN», «ukjent» o.l.).",
)

#: Values that stand in for a name without being one (compared trimmed, any case).
PLACEHOLDERS = ("ukjent", "nn", "n.n.", "-", "?", "x", "xx", "ikke oppnevnt", "mangler", "tbd")


def has_real_name(name: pl.Expr) -> pl.Expr:
    """Not null, at least two letters, and not a placeholder."""
    cleaned = name.str.strip_chars().str.to_lowercase()
    letters = name.str.count_matches(r"\p{L}")
    return (name.is_not_null() & (letters >= 2) & ~cleaned.is_in(PLACEHOLDERS)).fill_null(False)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when every coordinator row has a real name; not_applicable without a coordinator."""
    per_patient = (
        ctx.coordinators.with_columns(has_real_name(pl.col("name")).alias("named"))
        .group_by("patient_id")
        .agg(
            pl.len().alias("rows"),
            (~pl.col("named")).sum().alias("unnamed"),
            pl.col("source_row").filter(~pl.col("named")).sort().cast(pl.String).str.join(", ").alias("where"),
        )
    )
    frame = ctx.cohort.select("patient_id").join(per_patient, on="patient_id", how="left")
    status = (
        pl.when(pl.col("rows").is_null())
        .then(pl.lit("not_applicable"))
        .when(pl.col("unnamed") == 0)
        .then(pl.lit("pass"))
        .otherwise(pl.lit("fail"))
    )
    message = (
        pl.when(pl.col("rows").is_null())
        .then(pl.lit("Ikke aktuelt: ingen koordinator oppnevnt (se IP04)."))
        .when(pl.col("unnamed") == 0)
        .then(pl.format("Navn dokumentert for alle koordinatorer ({}).", pl.col("rows")))
        .otherwise(
            pl.format(
                "{} av {} koordinatorrader mangler et reelt navn (rad {} i koordinatortabellen).",
                pl.col("unnamed"),
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
