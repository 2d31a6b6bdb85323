"""IP06 — notice to the municipality's coordinating unit within notice_days."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, counted, finish, fmt_date
from ipaudit.model import RuleMeta, Severity, Status, Tag

RULE = RuleMeta(
    id="IP06",
    title="Melding til koordinerende enhet i kommunen",
    severity=Severity.ERROR,
    statute=(
        "Helsepersonelloven § 38 a (helsepersonell i spesialisthelsetjenesten gir melding til koordinerende "
        "enhet i spesialisthelsetjenesten; melding til den eller til kommunens koordinerende enhet oppfyller kravet)"
    ),
    guidance=(
        "Helseforetakets side om IP («snarest mulig gi melding … koordinerende enhet i pasientens kommune»); "
        "Helsedirektoratets veileder for rehabilitering, habilitering, individuell plan og koordinator pkt. 13.5; "
        "UNN-retningslinjen pkt. 4.2.2 b; Helse Bergen-retningslinjen pkt. 4 f, 7.1 og 7.4 c"
    ),
    legal_deadline="snarest mulig",
    finding="Det er ikke dokumentert melding til koordinerende enhet innen revisjonsfristen",
    tags=frozenset({Tag.CORE}),
    parameters=("notice_days", "lookback_days"),
    applies_to=(
        "Pasienter som ønsker IP eller koordinator, og som ikke bare får tjenester fra spesialisthelsetjenesten."
    ),
    satisfied_by=(
        "Melding til koordinerende enhet datert fra {lookback_days} før til {notice_days} etter vurderingen."
    ),
    due="Innen {notice_days} etter vurderingen (fristdagen teller med).",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass with a notice in [index − lookback, index + notice_days]; late or missing fails."""
    days = params["notice_days"]
    notices = ctx.documents.filter(pl.col("doc_type") == "MELDING_KE").sort("doc_date", "document_id")
    frame = ctx.cohort.select(
        "patient_id", "index_date", "window_start", "wants_ip", "wants_coordinator", "services_from"
    ).with_columns((pl.col("index_date") + pl.duration(days=days)).alias("due_date"))
    per_patient = (
        notices.join(frame.select("patient_id", "due_date"), on="patient_id", how="inner")
        .sort("patient_id", "doc_date", "document_id")
        .group_by("patient_id", maintain_order=True)
        .agg(
            pl.col("document_id").filter(pl.col("doc_date") <= pl.col("due_date")).alias("on_time"),
            pl.col("document_id").filter(pl.col("doc_date") > pl.col("due_date")).first().alias("late_id"),
            pl.col("doc_date").filter(pl.col("doc_date") > pl.col("due_date")).min().alias("late_date"),
        )
    )
    frame = frame.join(per_patient, on="patient_id", how="left").with_columns(
        pl.col("on_time").fill_null([]),
        (pl.col("late_date") - pl.col("index_date")).dt.total_days().alias("late_days"),
    )
    applies = (pl.col("wants_ip").fill_null(False) | pl.col("wants_coordinator").fill_null(False)) & (
        pl.col("services_from").fill_null("") != "spesialist"
    )
    empty = pl.lit([], dtype=pl.List(pl.String))
    outcome = (
        pl.when(~applies)
        .then(
            pl.struct(
                status=pl.lit(Status.NOT_APPLICABLE),
                message=pl.lit(
                    "Ikke aktuelt: pasienten ønsker verken IP eller koordinator, eller får bare "
                    "tjenester fra spesialisthelsetjenesten."
                ),
                evidence=empty,
                due_date=pl.lit(None, dtype=pl.Date),
            )
        )
        .when(pl.col("on_time").list.len() > 0)
        .then(
            pl.struct(
                status=pl.lit(Status.PASS),
                message=pl.format("Melding sendt innen fristen {}.", fmt_date("due_date")),
                evidence=pl.col("on_time"),
                due_date=pl.col("due_date"),
            )
        )
        .when(pl.col("late_date").is_not_null())
        .then(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format(
                    "Melding sendt {} etter vurdering (frist {}); fristen var {}.",
                    counted("late_days", "dag", "dager"),
                    pl.lit(days),
                    fmt_date("due_date"),
                ),
                evidence=pl.concat_list(pl.col("late_id")),
                due_date=pl.col("due_date"),
            )
        )
        .when(pl.lit(ctx.as_of) <= pl.col("due_date"))
        .then(
            pl.struct(
                status=pl.lit(Status.PENDING),
                message=pl.format("Melding ikke sendt ennå; frist {}.", fmt_date("due_date")),
                evidence=empty,
                due_date=pl.col("due_date"),
            )
        )
        .otherwise(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format("Melding til koordinerende enhet ikke sendt (frist {}).", fmt_date("due_date")),
                evidence=empty,
                due_date=pl.col("due_date"),
            )
        )
    )
    return finish(frame.select("patient_id", outcome.alias("o")).unnest("o"))
