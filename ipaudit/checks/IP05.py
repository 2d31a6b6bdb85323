"""IP05 — every coordinator of the patient has a real name (not blank, not a placeholder)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, every_coordinator_row, has_real_name
from ipaudit.model import OptionalTable, RuleMeta, Severity, Tag

RULE = RuleMeta(
    id="IP05",
    title="Koordinators navn dokumentert",
    severity=Severity.ERROR,
    statute="Helsepersonelloven § 40; pasientjournalforskriften § 8",
    guidance="UNN-retningslinjen pkt. 5 e; Helse Bergen-retningslinjen pkt. 7.4 f 4",
    legal_deadline="ingen frist",
    finding="Koordinators navn er ikke dokumentert",
    tags=frozenset({Tag.CORE}),
    parameters=("lookback_days",),
    requires=(OptionalTable.COORDINATORS,),
    applies_to="Pasienter som har fått oppnevnt koordinator.",
    satisfied_by="Alle pasientens koordinatorer har et reelt navn (ikke tomt og ikke «NN», «ukjent» o.l.).",
)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when every coordinator row has a real name; not_applicable without a coordinator."""
    return every_coordinator_row(
        ctx,
        has_real_name(pl.col("name")),
        not_applicable="Ikke aktuelt: ingen koordinator oppnevnt (se IP04).",
        passed=pl.format("Navn dokumentert for alle koordinatorer ({}).", pl.col("rows")),
        lacking="mangler et reelt navn",
    )
