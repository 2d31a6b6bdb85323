"""IP07 — guidance on the right to complain after a negative outcome (branches a, b, c)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, evidence_ids, finish, fmt_date
from ipaudit.model import OptionalTable, PhraseKind, RuleMeta, Severity, Status, Tag

RULE = RuleMeta(
    id="IP07",
    title="Klageveiledning gitt",
    severity=Severity.ERROR,
    statute="Pasient- og brukerrettighetsloven § 7-2",
    guidance=(
        "Helseforetakets side om IP («Helse- og omsorgspersonell skal gi veiledning om retten til å klage»); "
        "Helse Bergen-retningslinjen pkt. 8; Statsforvalteren i Møre og Romsdal («Avgjørelse om IP og "
        "koordinator skal opplyse om klageadgang»)"
    ),
    legal_deadline="ingen lovfestet frist",
    finding="Det er ikke dokumentert at pasienten har fått veiledning om retten til å klage",
    tags=frozenset({Tag.CORE}),
    branch_tags=(("b", frozenset({Tag.IP_RIGHT})),),
    parameters=("info_days", "plan_days", "coordinator_days", "lookback_days"),
    phrases=((PhraseKind.KLAGEVEILEDNING, ()),),
    limited_without=((OptionalTable.COORDINATORS, "Gren (c) er slått av: uttrekket mangler tabellen coordinators."),),
    applies_to=(
        "Pasienter med negativt utfall: (a) fyller ikke vilkårene, (b) ønsker IP og får bare tjenester fra "
        "spesialisthelsetjenesten (helseforetaket har ansvaret for planen), men har ingen plan etter "
        "{plan_days}, (c) ønsker koordinator, men har ingen etter {coordinator_days}."
    ),
    satisfied_by="Dokumentert klageveiledning datert fra vurderingen til revisjonsdatoen.",
    due="Bare (a): innen {info_days} etter vurderingen. (b) og (c) er ikke oppfylt straks.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """Which negative outcomes apply, and whether complaint guidance is documented since the index date."""
    guidance = evidence_ids(ctx.evidence, PhraseKind.KLAGEVEILEDNING, pl.col("doc_date") >= pl.col("index_date"))
    plans = ctx.documents.filter(pl.col("doc_type") == "IP_PLAN").select("patient_id").unique()
    coordinators = ctx.coordinators.select("patient_id").unique()
    as_of = pl.lit(ctx.as_of)
    frame = (
        ctx.cohort.select(
            "patient_id",
            "index_date",
            "criteria_met",
            "wants_ip",
            "wants_coordinator",
            "services_from",
            "branch_b_suspension",
        )
        .join(guidance, on="patient_id", how="left")
        .with_columns(
            pl.col("patient_id").is_in(plans.get_column("patient_id").implode()).alias("has_plan"),
            pl.col("patient_id").is_in(coordinators.get_column("patient_id").implode()).alias("has_coordinator"),
        )
    )
    branch_a = pl.col("criteria_met").eq(False).fill_null(False)
    # Branch (b) only where the hospital owns the plan (services from the specialist health
    # service alone); otherwise the municipality does, and the hospital extract cannot show it.
    branch_b_raw = (
        pl.col("wants_ip").fill_null(False)
        & pl.col("services_from").eq("spesialist").fill_null(False)
        & ~pl.col("has_plan")
        & (as_of > pl.col("index_date") + pl.duration(days=params["plan_days"]))
    )
    # Branch (b) carries the ip-right tag (RULE.branch_tags): off while the right to IP was suspended.
    branch_b = branch_b_raw & pl.col("branch_b_suspension").is_null()
    branch_c = (
        pl.col("wants_coordinator").fill_null(False)
        & ~pl.col("has_coordinator")
        & (as_of > pl.col("index_date") + pl.duration(days=params["coordinator_days"]))
        & pl.lit(ctx.has_coordinators)
    )
    frame = frame.with_columns(
        branch_a.alias("a"), branch_b.alias("b"), branch_c.alias("c"), branch_b_raw.alias("b_raw")
    )
    reasons = pl.concat_str(
        pl.when(pl.col("a")).then(pl.lit("fyller ikke vilkårene")),
        pl.when(pl.col("b")).then(pl.format("ingen individuell plan etter {} dager", pl.lit(params["plan_days"]))),
        pl.when(pl.col("c")).then(pl.format("ingen koordinator etter {} dager", pl.lit(params["coordinator_days"]))),
        separator="; ",
        ignore_nulls=True,
    )
    due_a = pl.col("index_date") + pl.duration(days=params["info_days"])
    only_a = pl.col("a") & ~pl.col("b") & ~pl.col("c")
    applies = pl.col("a") | pl.col("b") | pl.col("c")
    empty = pl.lit([], dtype=pl.List(pl.String))
    outcome = (
        pl.when(~applies & pl.col("b_raw"))
        .then(
            pl.struct(
                status=pl.lit(Status.NOT_APPLICABLE),
                message=pl.col("branch_b_suspension"),
                evidence=empty,
                due_date=pl.lit(None, dtype=pl.Date),
            )
        )
        .when(~applies)
        .then(
            pl.struct(
                status=pl.lit(Status.NOT_APPLICABLE),
                message=pl.lit("Ikke aktuelt: ikke noe negativt utfall dokumentert."),
                evidence=empty,
                due_date=pl.lit(None, dtype=pl.Date),
            )
        )
        .when(pl.col("ids").is_not_null())
        .then(
            pl.struct(
                status=pl.lit(Status.PASS),
                message=pl.format("Klageveiledning dokumentert {} (utfall: {}).", fmt_date("first_date"), reasons),
                evidence=pl.col("ids"),
                due_date=pl.when(only_a).then(due_a).otherwise(None),
            )
        )
        .when(only_a & (as_of <= due_a))
        .then(
            pl.struct(
                status=pl.lit(Status.PENDING),
                message=pl.format(
                    "Klageveiledning ikke dokumentert ennå (utfall: {}); frist {}.",
                    reasons,
                    fmt_date(due_a),
                ),
                evidence=empty,
                due_date=due_a,
            )
        )
        .otherwise(
            pl.struct(
                status=pl.lit(Status.FAIL),
                message=pl.format("Klageveiledning mangler (utfall: {}).", reasons),
                evidence=empty,
                due_date=pl.when(only_a).then(due_a).otherwise(None),
            )
        )
    )
    return finish(frame.select("patient_id", outcome.alias("o")).unnest("o"))
