"""IP03 — consent documented before the first notice or plan, and covering the notice."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, finish, fmt_date
from ipaudit.model import PhraseKind, RuleMeta, Severity, Status, Tag

RULE = RuleMeta(
    id="IP03",
    title="Samtykke dokumentert",
    severity=Severity.ERROR,
    statute="Pasient- og brukerrettighetsloven kap. 4 (for barn under 16 år: § 4-4)",
    guidance=(
        "Helseforetakets side om IP («Individuell plan skal ikke utarbeides uten samtykke … Tilsvarende "
        "gjelder ved oppnevning av koordinator»); UNN-retningslinjen pkt. 4.4 c og 5 c; "
        "Helse Bergen-retningslinjen pkt. 4 e, 7.2 og note 3"
    ),
    legal_deadline="før planen utarbeides, koordinator oppnevnes eller melding sendes",
    finding="Det er ikke dokumentert at pasienten har samtykket før melding til kommunen eller planarbeid",
    tags=frozenset({Tag.CORE}),
    parameters=("info_days", "lookback_days"),
    phrases=((PhraseKind.SAMTYKKE, ()),),
    applies_to=(
        "Pasienter som ønsker IP eller koordinator, eller som har koordinator, melding til "
        "koordinerende enhet eller individuell plan."
    ),
    satisfied_by=(
        "Samtykke dokumentert senest samme dag som første melding/plan; samtykket må dekke "
        "melding til kommunen når første tiltak er en melding."
    ),
    due=(
        "Uten tiltak: innen {info_days} etter vurderingen. Et tiltak uten samtykke før er ikke oppfylt straks "
        "(revisjonsfristen er da tiltakets dato)."
    ),
    has_due_date=True,
)

_ACTIONS = ("MELDING_KE", "IP_PLAN")


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """Consent evidence on or before the first action (or by the due date with no action)."""
    consent = ctx.evidence.filter(pl.col("kind") == PhraseKind.SAMTYKKE)
    # On a day with both a notice and a plan the notice is the first action: it is the one
    # whose consent must cover melding til kommunen.
    first_action = (
        ctx.documents.filter(pl.col("doc_type").is_in(_ACTIONS))
        .sort("patient_id", "doc_date", pl.col("doc_type") != "MELDING_KE", "document_id")
        .group_by("patient_id", maintain_order=True)
        .first()
        .select(
            "patient_id",
            pl.col("doc_date").alias("action_date"),
            pl.col("doc_type").alias("action_type"),
            pl.col("document_id").alias("action_id"),
        )
    )
    with_coordinator = (
        ctx.coordinators.select("patient_id").unique().with_columns(pl.lit(True).alias("has_coordinator"))
    )
    frame = (
        ctx.cohort.select("patient_id", "index_date", "wants_ip", "wants_coordinator")
        .join(first_action, on="patient_id", how="left")
        .join(with_coordinator, on="patient_id", how="left")
    )

    # Consent evidence measured against each patient's first action.
    # A consent *document* with a scope lacking melding_kommune does not cover a notice;
    # text evidence and documents without a stated scope do.
    covers_notice = (
        (pl.col("by") == "text")
        | pl.col("consent_scope").is_null()
        | (pl.col("consent_scope").list.len() == 0)
        | pl.col("consent_scope").list.contains("melding_kommune")
    )
    measured = consent.join(frame.select("patient_id", "action_date"), on="patient_id", how="inner")
    before = pl.col("action_date").is_null() | (pl.col("doc_date") <= pl.col("action_date"))
    per_patient = (
        measured.sort("doc_date", "document_id")
        .group_by("patient_id")
        .agg(
            pl.col("document_id").filter(before).alias("prior_ids"),
            covers_notice.filter(before).any().alias("prior_covers"),
            pl.col("document_id").alias("all_ids"),
            pl.col("doc_date").min().alias("first_consent"),
        )
    )
    frame = frame.join(per_patient, on="patient_id", how="left").with_columns(
        pl.col("prior_ids").fill_null([]),
        pl.col("all_ids").fill_null([]),
        pl.col("prior_covers").fill_null(False),
        pl.col("has_coordinator").fill_null(False),
    )

    applies = (
        pl.col("wants_ip").fill_null(False)
        | pl.col("wants_coordinator").fill_null(False)
        | pl.col("has_coordinator")
        | pl.col("action_date").is_not_null()
    )
    has_action = pl.col("action_date").is_not_null()
    has_prior = pl.col("prior_ids").list.len() > 0
    scope_gap = has_prior & (pl.col("action_type") == "MELDING_KE") & ~pl.col("prior_covers")
    due_no_action = pl.col("index_date") + pl.duration(days=params["info_days"])

    action_name = (
        pl.when(pl.col("action_type") == "MELDING_KE")
        .then(pl.lit("melding til koordinerende enhet"))
        .otherwise(pl.lit("individuell plan"))
    )
    frame = frame.with_columns(action_name.alias("action_name"))
    outcome = (
        pl.when(~applies)
        .then(
            pl.struct(
                status=pl.lit(Status.NOT_APPLICABLE),
                message=pl.lit(
                    "Ikke aktuelt: pasienten ønsker verken IP eller koordinator, og ingen tiltak er satt i gang."
                ),
                evidence=pl.lit([], dtype=pl.List(pl.String)),
                due_date=pl.lit(None, dtype=pl.Date),
            )
        )
        .when(has_action & scope_gap)
        .then(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format(
                    "Melding til kommunen {}, men samtykket dekker ikke melding til kommunen "
                    "(omfanget av samtykket nevner ikke melding til kommunen).",
                    fmt_date("action_date"),
                ),
                evidence=pl.col("prior_ids"),
                due_date=pl.col("action_date"),
            )
        )
        .when(has_action & has_prior)
        .then(
            pl.struct(
                status=pl.lit(Status.PASS),
                message=pl.format("Samtykke dokumentert før {} ({}).", pl.col("action_name"), fmt_date("action_date")),
                evidence=pl.col("prior_ids"),
                due_date=pl.col("action_date"),
            )
        )
        .when(has_action & (pl.col("all_ids").list.len() > 0))
        .then(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format(
                    "Samtykke dokumentert etter melding/plan: første samtykke {}, men {} allerede {}.",
                    fmt_date("first_consent"),
                    pl.col("action_name"),
                    fmt_date("action_date"),
                ),
                evidence=pl.col("all_ids"),
                due_date=pl.col("action_date"),
            )
        )
        .when(has_action)
        .then(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format(
                    "Samtykke mangler: {} {} uten dokumentert samtykke.", pl.col("action_name"), fmt_date("action_date")
                ),
                evidence=pl.concat_list(pl.col("action_id")),
                due_date=pl.col("action_date"),
            )
        )
        .when(pl.col("all_ids").list.len() > 0)
        .then(
            pl.struct(
                status=pl.lit(Status.PASS),
                message=pl.format("Samtykke dokumentert {}.", fmt_date("first_consent")),
                evidence=pl.col("all_ids"),
                due_date=due_no_action,
            )
        )
        .when(pl.lit(ctx.as_of) <= due_no_action)
        .then(
            pl.struct(
                status=pl.lit(Status.PENDING),
                message=pl.format("Samtykke ikke dokumentert ennå; frist {}.", fmt_date(due_no_action)),
                evidence=pl.lit([], dtype=pl.List(pl.String)),
                due_date=due_no_action,
            )
        )
        .otherwise(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format("Samtykke mangler (frist {}).", fmt_date(due_no_action)),
                evidence=pl.lit([], dtype=pl.List(pl.String)),
                due_date=due_no_action,
            )
        )
    )
    return finish(frame.select("patient_id", outcome.alias("o")).unnest("o"))
