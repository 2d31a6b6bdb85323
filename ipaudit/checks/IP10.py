"""IP10 — consent renewed after a new coordinator (a different name) is appointed."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, deadline_status, finish, fmt_date, has_real_name
from ipaudit.model import OptionalTable, PhraseKind, RuleMeta, Severity, Status

RULE = RuleMeta(
    id="IP10",
    title="Samtykke fornyet ved ny koordinator",
    severity=Severity.WARNING,
    statute="Pasient- og brukerrettighetsloven kap. 4",
    guidance=(
        "UNN-retningslinjen pkt. 4.4 c og note 9 («Samtykke … må innhentes på nytt ved endringer i "
        "plangruppens sammensetning»)"
    ),
    legal_deadline="ingen lovfestet frist",
    finding="Det er ikke dokumentert nytt samtykke etter bytte av koordinator",
    parameters=("info_days", "lookback_days"),
    phrases=((PhraseKind.SAMTYKKE, ()),),
    requires=(OptionalTable.COORDINATORS,),
    applies_to="Pasienter der sist oppnevnte koordinator har et annet navn enn en tidligere oppnevnt koordinator.",
    satisfied_by="Samtykke dokumentert samme dag som eller etter siste oppnevning.",
    due="Innen {info_days} etter siste oppnevning.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """Applies when the latest coordinator's name differs from an earlier one's; needs fresh consent."""
    # A placeholder («NN», «-») is no name: it neither makes nor marks a change.
    named = ctx.coordinators.with_columns(
        pl.when(has_real_name(pl.col("name"))).then(pl.col("name").str.strip_chars().str.to_lowercase()).alias("key")
    ).sort("patient_id", "appointed_date", "source_row")
    latest = (
        named.group_by("patient_id", maintain_order=True)
        .last()
        .select("patient_id", pl.col("appointed_date").alias("latest_date"), pl.col("key").alias("latest_key"))
    )
    changed = (
        named.join(latest, on="patient_id")
        .filter(
            (pl.col("appointed_date") < pl.col("latest_date"))
            & pl.col("key").is_not_null()
            & pl.col("latest_key").is_not_null()
            & (pl.col("key") != pl.col("latest_key"))
        )
        .select("patient_id", "latest_date")
        .unique()
    )
    renewed = (
        ctx.evidence.filter(pl.col("kind") == PhraseKind.SAMTYKKE)
        .join(changed, on="patient_id")
        .filter(pl.col("doc_date") >= pl.col("latest_date"))
        .sort("doc_date", "document_id")
        .group_by("patient_id")
        .agg(pl.col("document_id").alias("ids"), pl.col("doc_date").min().alias("consent_date"))
    )
    frame = (
        ctx.cohort.select("patient_id")
        .join(changed, on="patient_id", how="left")
        .join(renewed, on="patient_id", how="left")
        .with_columns((pl.col("latest_date") + pl.duration(days=params["info_days"])).alias("due_date"))
        .with_columns(
            pl.when(pl.col("latest_date").is_null())
            .then(pl.lit(Status.NOT_APPLICABLE))
            .otherwise(deadline_status(pl.col("ids").is_not_null(), pl.col("due_date"), ctx.as_of))
            .alias("status")
        )
    )
    message = (
        pl.when(pl.col("status") == Status.NOT_APPLICABLE)
        .then(pl.lit("Ikke aktuelt: ingen ny koordinator."))
        .when(pl.col("status") == Status.PASS)
        .then(pl.format("Samtykke fornyet {}.", fmt_date("consent_date")))
        .when(pl.col("status") == Status.PENDING)
        .then(
            pl.format(
                "Ny koordinator oppnevnt {}; samtykke ikke fornyet ennå, frist {}.",
                fmt_date("latest_date"),
                fmt_date("due_date"),
            )
        )
        .otherwise(
            pl.format(
                "Ny koordinator oppnevnt {}, men samtykket er ikke fornyet (frist {}).",
                fmt_date("latest_date"),
                fmt_date("due_date"),
            )
        )
    )
    return finish(
        frame.with_columns(
            message.alias("message"),
            pl.col("ids").fill_null([]).alias("evidence"),
            pl.when(pl.col("status") != Status.NOT_APPLICABLE).then(pl.col("due_date")).alias("due_date"),
        )
    )
