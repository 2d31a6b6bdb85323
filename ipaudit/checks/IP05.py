"""IP05 — every coordinator of the patient has a real name (not blank, not a placeholder)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.checks.base import CheckContext, every_coordinator_row
from ipaudit.model import RuleMeta, Severity

RULE = RuleMeta(
    id="IP05",
    title="Koordinators navn dokumentert",
    severity=Severity.ERROR,
    basis="UNN-retningslinjen pkt. 5 e; Helse Bergen-retningslinjen pkt. 7.4 f 4",
    tags=frozenset({"core"}),
    parameters=("lookback_days",),
    requires=("coordinators",),
    applies_to="Pasienter som har fått oppnevnt koordinator.",
    satisfied_by="Alle pasientens koordinatorer har et reelt navn (ikke tomt og ikke «NN», «ukjent» o.l.).",
)

#: Values that stand in for a name without being one (compared trimmed, any case).
PLACEHOLDERS = ("ukjent", "nn", "n.n.", "-", "?", "x", "xx", "ikke oppnevnt", "mangler", "tbd")


def has_real_name(name: pl.Expr) -> pl.Expr:
    """Not null, at least two letters, and not a placeholder."""
    cleaned = name.str.strip_chars().str.to_lowercase()
    letters = name.str.count_matches(r"\p{L}")
    return (name.is_not_null() & (letters >= 2) & ~cleaned.is_in(PLACEHOLDERS)).fill_null(False)


def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    """pass when every coordinator row has a real name; not_applicable without a coordinator."""
    return every_coordinator_row(
        ctx,
        has_real_name(pl.col("name")),
        not_applicable="Ikke aktuelt: ingen koordinator oppnevnt (se IP04).",
        passed=pl.format("Navn dokumentert for alle koordinatorer ({}).", pl.col("rows")),
        lacking="mangler et reelt navn",
    )
