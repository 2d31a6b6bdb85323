"""IP12 — the individual plan started where the hospital owns it (services from the specialist health service only)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, deadline_status, finish, fmt_date
from ipaudit.model import RuleMeta, Severity, Status, Tag

RULE = RuleMeta(
    id="IP12",
    title="Individuell plan startet der helseforetaket har ansvaret",
    severity=Severity.ERROR,
    statute="Spesialisthelsetjenesteloven § 2-5; pasient- og brukerrettighetsloven § 2-5",
    guidance=(
        "Helseforetakets side om IP («Dersom pasienten bare har behov for tjenester fra "
        "spesialisthelsetjenesten, har helseforetaket ansvaret for å utarbeide planen»; «Helseforetaket må "
        "dokumentere behovet for individuell plan, hvorvidt arbeidet er startet opp»)"
    ),
    legal_deadline="ingen lovfestet frist",
    finding=(
        "Det er ikke dokumentert at arbeidet med individuell plan er startet der helseforetaket har ansvaret "
        "for planen"
    ),
    tags=frozenset({Tag.IP_RIGHT}),
    parameters=("plan_days", "lookback_days"),
    applies_to=(
        "Pasienter som ønsker individuell plan og bare får tjenester fra spesialisthelsetjenesten "
        "(helseforetaket har ansvaret for planen)."
    ),
    satisfied_by="En individuell plan (dokumenttype IP_PLAN) i journalen.",
    due="Innen {plan_days} etter vurderingen.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass with an IP_PLAN in the window; else pending until index + plan_days, then fail."""
    plans = (
        ctx.documents.filter(pl.col("doc_type") == "IP_PLAN")
        .sort("doc_date", "document_id")
        .group_by("patient_id", maintain_order=True)
        .agg(pl.col("document_id").alias("ids"), pl.col("doc_date").min().alias("first_date"))
    )
    applies = pl.col("wants_ip").eq(True).fill_null(False) & pl.col("services_from").eq("spesialist").fill_null(False)
    frame = (
        ctx.cohort.select("patient_id", "index_date", "wants_ip", "services_from")
        .join(plans, on="patient_id", how="left")
        .with_columns((pl.col("index_date") + pl.duration(days=params["plan_days"])).alias("due"))
        .with_columns(
            pl.when(applies)
            .then(deadline_status(pl.col("ids").is_not_null(), pl.col("due"), ctx.as_of))
            .otherwise(pl.lit(Status.NOT_APPLICABLE))
            .alias("status")
        )
    )
    status = pl.col("status")
    message = (
        pl.when(status == Status.NOT_APPLICABLE)
        .then(
            pl.lit(
                "Ikke aktuelt: pasienten ønsker ikke individuell plan, eller får ikke bare tjenester fra "
                "spesialisthelsetjenesten (da har kommunen ansvaret for planen)."
            )
        )
        .when(status == Status.PASS)
        .then(pl.format("Individuell plan startet {}.", fmt_date("first_date")))
        .when(status == Status.PENDING)
        .then(pl.format("Individuell plan ikke startet ennå; frist {}.", fmt_date("due")))
        .otherwise(
            pl.format("Ingen individuell plan, selv om helseforetaket har ansvaret (frist {}).", fmt_date("due"))
        )
    )
    applicable = status != Status.NOT_APPLICABLE
    return finish(
        frame.with_columns(
            message.alias("message"),
            pl.when(applicable).then(pl.col("ids")).otherwise(None).fill_null([]).alias("evidence"),
            pl.when(applicable).then(pl.col("due")).alias("due_date"),
        )
    )
