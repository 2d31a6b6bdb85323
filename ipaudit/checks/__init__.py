"""The rule catalogue: one module per rule, found and checked at import.

Each module ``ipaudit/checks/<ID>.py`` carries ``RULE`` (its metadata) and ``check``. The
registry refuses a module whose ``RULE.id`` differs from its file name, a rule without a
legal basis, or a parameter that is not declared in PARAMETERS — so the catalogue, the
docs and ``ipaudit rules`` can never disagree with the code. Adding a rule means adding a
module; the engine does not change.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import polars as pl

from ipaudit.checks.base import CheckContext
from ipaudit.model import Parameter, RuleMeta

#: Every parameter a rule may read, with its national default (spec/rules.md).
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("info_days", 14, "Frist for informasjon, ønske og samtykke (dager etter vurdering)"),
        Parameter("notice_days", 14, "Frist for melding til koordinerende enhet (dager etter vurdering)"),
        Parameter("coordinator_days", 30, "Frist for å oppnevne eller avklare koordinator (dager)"),
        Parameter("plan_days", 90, "Tid før manglende individuell plan regnes som avslag (dager)"),
        Parameter("first_contact_days", 14, "Frist for første kontakt fra koordinator i kommunen (dager)"),
        Parameter("at_risk_inpatient_days", 21, "Døgndager som gjør at behovet for IP må vurderes"),
        Parameter("at_risk_units", 3, "Antall ulike enheter som gjør at behovet for IP må vurderes"),
        Parameter("lookback_days", 90, "Hvor mange dager før vurderingen dokumentasjon teller (dager)"),
    )
}

CheckFn = Callable[[CheckContext, Mapping[str, int]], pl.DataFrame]


@dataclass(frozen=True)
class RegisteredRule:
    """A rule's metadata and its check function."""

    meta: RuleMeta
    check: CheckFn


def _sort_key(rule_id: str) -> tuple[int, str]:
    return (0 if rule_id.startswith("IP") else 1, rule_id)


@cache
def registry() -> dict[str, RegisteredRule]:
    """All rules, keyed by id, in catalogue order (IP00…IP11, then regional rules)."""
    import ipaudit.checks as package

    found: dict[str, RegisteredRule] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        meta = getattr(module, "RULE", None)
        check = getattr(module, "check", None)
        if not isinstance(meta, RuleMeta) or not callable(check):
            raise RuntimeError(f"ipaudit/checks/{info.name}.py must define RULE and check()")
        if meta.id != info.name:
            raise RuntimeError(f"ipaudit/checks/{info.name}.py declares rule id {meta.id}")
        if not meta.basis.strip() or not meta.title.strip():
            raise RuntimeError(f"rule {meta.id} lacks a title or a legal basis")
        undeclared = set(meta.parameters) - set(PARAMETERS)
        if undeclared:
            raise RuntimeError(f"rule {meta.id} reads undeclared parameters {sorted(undeclared)}")
        found[meta.id] = RegisteredRule(meta, check)
    return {rule_id: found[rule_id] for rule_id in sorted(found, key=_sort_key)}


def catalogue() -> list[RuleMeta]:
    """Every rule's metadata, in catalogue order."""
    return [rule.meta for rule in registry().values()]
