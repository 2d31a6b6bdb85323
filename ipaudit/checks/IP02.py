"""IP02 — whether the patient meets the criteria and wants an IP is documented (a "no" counts)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, deadline_status, finish, fmt_date
from ipaudit.model import EvidenceKind, RuleMeta, Severity, Status, Tag

RULE = RuleMeta(
    id="IP02",
    title="Ønske og vilkår dokumentert",
    severity=Severity.ERROR,
    statute="Helsepersonelloven §§ 39–40; pasientjournalforskriften § 8",
    guidance=(
        "UNN-retningslinjen pkt. 4.1 («Dersom pasient/bruker fyller vilkåret, men takker nei, skal "
        "dette dokumenteres») og 5 b; Helse Bergen-retningslinjen pkt. 7.4 f 1–2"
    ),
    legal_deadline="ingen lovfestet frist",
    finding="Det er ikke dokumentert om pasienten fyller vilkårene for og ønsker individuell plan",
    tags=frozenset({Tag.IP_RIGHT}),
    parameters=("info_days",),
    evidence_kind=EvidenceKind.ASSESSMENT,
    applies_to="Alle pasienter med vurdert behov for langvarige og koordinerte tjenester.",
    satisfied_by="Både «fyller kriterier» og «ønsker IP» er dokumentert (også et nei).",
    due="Innen {info_days} etter vurderingen.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when documented criteria_met and wants_ip are both set; else pending, then fail."""
    frame = ctx.cohort.select("patient_id", "index_date", "criteria_met", "wants_ip", "index_assessment_id")
    frame = frame.with_columns(
        (pl.col("index_date") + pl.duration(days=params["info_days"])).alias("due_date"),
        (pl.col("criteria_met").is_not_null() & pl.col("wants_ip").is_not_null()).alias("ok"),
    ).with_columns(deadline_status(pl.col("ok"), pl.col("due_date"), ctx.as_of).alias("status"))
    missing = pl.concat_str(
        pl.when(pl.col("criteria_met").is_null()).then(pl.lit("om vilkårene er oppfylt")),
        pl.when(pl.col("wants_ip").is_null()).then(pl.lit("om pasienten ønsker IP")),
        separator=" og ",
        ignore_nulls=True,
    )
    message = (
        pl.when(pl.col("ok"))
        .then(pl.lit("Vilkår og ønske om IP er dokumentert."))
        .when(pl.col("status") == Status.PENDING)
        .then(pl.format("Ikke dokumentert ennå {}; frist {}.", missing, fmt_date("due_date")))
        .otherwise(pl.format("Ikke dokumentert {} (frist {}).", missing, fmt_date("due_date")))
    )
    return finish(
        frame.with_columns(message.alias("message"), pl.concat_list(pl.col("index_assessment_id")).alias("evidence"))
    )
