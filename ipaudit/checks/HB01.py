"""HB01 — every coordinator's phone number is documented (Helse Bergen guideline)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, every_coordinator_row
from ipaudit.model import OptionalTable, RuleMeta, Severity

RULE = RuleMeta(
    id="HB01",
    title="Koordinators telefonnummer dokumentert",
    severity=Severity.WARNING,
    statute="",
    guidance="Helse Bergen-retningslinjen pkt. 7.4 f 4 («dokumenter navn og telefonnummer på de involverte»)",
    legal_deadline="ingen frist",
    finding="Koordinators telefonnummer er ikke dokumentert",
    parameters=("lookback_days",),
    requires=(OptionalTable.COORDINATORS,),
    applies_to="Pasienter som har fått oppnevnt koordinator.",
    satisfied_by="Alle koordinatorer har telefonnummer med minst 8 sifre (mellomrom og +47 er lov).",
)


def valid_phone(phone: pl.Expr) -> pl.Expr:
    """At least 8 digits once a leading +47/0047 country code is set aside."""
    local = phone.str.strip_chars().str.replace(r"^(\+|00)\s*47", "")
    return (local.str.count_matches(r"\d") >= 8).fill_null(False)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when every coordinator row has a phone with 8 digits; not_applicable without a coordinator."""
    return every_coordinator_row(
        ctx,
        valid_phone(pl.col("phone")),
        not_applicable="Ikke aktuelt: ingen koordinator oppnevnt.",
        passed=pl.lit("Telefonnummer dokumentert for alle koordinatorer."),
        lacking="mangler gyldig telefonnummer",
    )
