"""IP04 — a coordinator appointed, or the patient's wish for none documented, within coordinator_days."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, deadline_status, finish, fmt_date
from ipaudit.model import OptionalTable, RuleMeta, Severity, Status

RULE = RuleMeta(
    id="IP04",
    title="Koordinator oppnevnt eller avklart",
    severity=Severity.ERROR,
    statute=(
        "Spesialisthelsetjenesteloven § 2-5 a; helse- og omsorgstjenesteloven § 7-2; "
        "pasient- og brukerrettighetsloven § 2-5 b"
    ),
    guidance="Helseforetakets side om IP; UNN-retningslinjen pkt. 5 d; Helse Bergen-retningslinjen pkt. 4 d",
    legal_deadline="ingen lovfestet frist",
    finding="Det er ikke dokumentert at koordinator er oppnevnt, eller at pasienten ikke ønsker koordinator",
    background=(
        "Koordinatorbestemmelsene ble ikke endret da retten til individuell plan var midlertidig opphevet i 2020 "
        "(Helsedirektoratet 02.04.2020)."
    ),
    parameters=("coordinator_days", "lookback_days"),
    requires=(OptionalTable.COORDINATORS,),
    applies_to="Alle pasienter med vurdert behov (koordinator tilbys uansett ønske om IP).",
    satisfied_by="Koordinator oppnevnt (med eller uten navn), eller dokumentert at pasienten ikke ønsker koordinator.",
    due="Innen {coordinator_days} etter vurderingen.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass with a coordinator in the window or wants_coordinator = false; else pending, then fail."""
    first = ctx.coordinators.group_by("patient_id").agg(pl.col("appointed_date").min().alias("appointed"))
    frame = (
        ctx.cohort.select("patient_id", "index_date", "wants_coordinator")
        .join(first, on="patient_id", how="left")
        .with_columns(
            (pl.col("index_date") + pl.duration(days=params["coordinator_days"])).alias("due_date"),
            pl.col("appointed").is_not_null().alias("has_coordinator"),
            pl.col("wants_coordinator").eq(False).fill_null(False).alias("declined"),
        )
    )
    frame = frame.with_columns(
        deadline_status(pl.col("has_coordinator") | pl.col("declined"), pl.col("due_date"), ctx.as_of).alias("status")
    )
    message = (
        pl.when(pl.col("has_coordinator"))
        .then(pl.format("Koordinator oppnevnt {}.", fmt_date("appointed")))
        .when(pl.col("declined"))
        .then(pl.lit("Pasienten ønsker ikke koordinator (dokumentert)."))
        .when(pl.col("status") == Status.PENDING)
        .then(pl.format("Koordinator ikke oppnevnt ennå; frist {}.", fmt_date("due_date")))
        .otherwise(pl.format("Koordinator ikke oppnevnt eller avklart (frist {}).", fmt_date("due_date")))
    )
    return finish(frame.with_columns(message.alias("message"), pl.lit([], dtype=pl.List(pl.String)).alias("evidence")))
