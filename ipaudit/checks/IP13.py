"""IP13 — children under 18 (and their families) informed about barnekoordinator, from 1 August 2022."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, deadline_status, evidence_ids, finish, fmt_date
from ipaudit.model import PhraseKind, RuleMeta, Severity, Status

RULE = RuleMeta(
    id="IP13",
    title="Informasjon om barnekoordinator",
    severity=Severity.WARNING,
    statute="",
    guidance=(
        "Helsedirektoratets nasjonale veileder «Samarbeid om tjenester til barn, unge og deres familier» (2022)"
    ),
    legal_deadline="ingen lovfestet frist",
    finding="Det er ikke dokumentert at barnet og familien har fått informasjon om barnekoordinator",
    background=(
        "Familiens rett til barnekoordinator (pasient- og brukerrettighetsloven § 2-5 c) oppfylles av kommunen "
        "(helse- og omsorgstjenesteloven § 7-2 a); begge gjelder fra 1. august 2022. De pålegger ikke "
        "helseforetaket denne plikten og er nevnt som bakgrunn, ikke som grunnlag for brudd."
    ),
    in_force_from=dt.date(2022, 8, 1),
    parameters=("info_days", "lookback_days"),
    phrases=((PhraseKind.INFO_BARNEKOORDINATOR, ()),),
    applies_to="Pasienter under 18 år på vurderingsdatoen (fødselsdato kjent), vurdert 01.08.2022 eller senere.",
    satisfied_by="Journaltekst som dokumenterer informasjon om barnekoordinator (ikke nektet).",
    due="Innen {info_days} etter vurderingen.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """Children under 18 on the index date: pass with INFO_BARNEKOORDINATOR text evidence, else
    pending until the due date, then fail. Before 01.08.2022 the engine makes it not_applicable."""
    info = evidence_ids(ctx.evidence, PhraseKind.INFO_BARNEKOORDINATOR)
    frame = (
        ctx.cohort.select("patient_id", "index_date", "birth_date", "under_18")
        .join(info, on="patient_id", how="left")
        .with_columns((pl.col("index_date") + pl.duration(days=params["info_days"])).alias("due"))
    )
    child = pl.col("under_18").fill_null(False)
    status = (
        pl.when(child)
        .then(deadline_status(pl.col("ids").is_not_null(), pl.col("due"), ctx.as_of))
        .otherwise(pl.lit(Status.NOT_APPLICABLE))
    )
    frame = frame.with_columns(status.alias("status"))
    message = (
        pl.when(pl.col("birth_date").is_null())
        .then(pl.lit("Fødselsdato mangler."))
        .when(~child)
        .then(pl.lit("Pasienten er over 18 år."))
        .when(pl.col("status") == Status.PASS)
        .then(pl.format("Informasjon om barnekoordinator dokumentert {}.", fmt_date("first_date")))
        .when(pl.col("status") == Status.PENDING)
        .then(pl.format("Informasjon om barnekoordinator ikke dokumentert ennå; frist {}.", fmt_date("due")))
        .otherwise(pl.format("Ingen dokumentert informasjon om barnekoordinator (frist {}).", fmt_date("due")))
    )
    return finish(
        frame.with_columns(
            message.alias("message"),
            pl.when(child).then(pl.col("ids")).otherwise(None).fill_null([]).alias("evidence"),
            pl.when(child).then(pl.col("due")).alias("due_date"),
        )
    )
