"""IP01 — information about the right to IP and koordinator given, within info_days."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, deadline_status, evidence_ids, finish, fmt_date
from ipaudit.model import PhraseKind, RuleMeta, Severity, Status, Tag

RULE = RuleMeta(
    id="IP01",
    title="Informasjon om IP og koordinator gitt",
    severity=Severity.ERROR,
    statute="Pasient- og brukerrettighetsloven § 3-2; helsepersonelloven § 10",
    guidance="UNN-retningslinjen pkt. 4.1 og 5 a; Helse Bergen-retningslinjen pkt. 4 c og 7.4 a",
    legal_deadline="ingen lovfestet frist",
    finding=(
        "Det er ikke dokumentert at pasienten har fått informasjon om retten til individuell plan og koordinator"
    ),
    tags=frozenset({Tag.CORE}),
    parameters=("info_days", "lookback_days"),
    phrases=((PhraseKind.INFO_IP, ()),),
    applies_to="Alle pasienter med vurdert behov for langvarige og koordinerte tjenester.",
    satisfied_by=(
        "Dokumentert informasjon om retten til individuell plan og koordinator "
        "(dokumenttype eller journaltekst som ikke er nektet)."
    ),
    due="Innen {info_days} etter vurderingen.",
    has_due_date=True,
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass with INFO_IP evidence in the window; else pending until the due date, then fail."""
    info = evidence_ids(ctx.evidence, PhraseKind.INFO_IP)
    frame = (
        ctx.cohort.select("patient_id", "index_date")
        .join(info, on="patient_id", how="left")
        .with_columns((pl.col("index_date") + pl.duration(days=params["info_days"])).alias("due_date"))
        .with_columns(deadline_status(pl.col("ids").is_not_null(), pl.col("due_date"), ctx.as_of).alias("status"))
    )
    message = (
        pl.when(pl.col("status") == Status.PASS)
        .then(pl.format("Informasjon om IP og koordinator dokumentert {}.", fmt_date("first_date")))
        .when(pl.col("status") == Status.PENDING)
        .then(pl.format("Informasjon ikke dokumentert ennå; frist {}.", fmt_date("due_date")))
        .otherwise(pl.format("Ingen dokumentert informasjon om IP og koordinator (frist {}).", fmt_date("due_date")))
    )
    return finish(frame.with_columns(message.alias("message"), pl.col("ids").fill_null([]).alias("evidence")))
