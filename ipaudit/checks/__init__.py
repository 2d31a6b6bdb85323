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
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import polars as pl

from ipaudit.checks.base import CheckContext
from ipaudit.model import (
    EvidenceKind,
    OptionalTable,
    Parameter,
    PhraseKind,
    Population,
    RuleMeta,
    Severity,
    Tag,
)

#: Every parameter a rule may read, with its national default (spec/rules.md), its label and
#: unit. The day counts are audit thresholds chosen by the profile, not law: every label says
#: *revisjonsfrist*, never *frist* alone.
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("info_days", 14, "Revisjonsfrist for informasjon, ønske/vilkår og samtykke"),
        Parameter("notice_days", 14, "Revisjonsfrist for melding til koordinerende enhet"),
        Parameter("coordinator_days", 30, "Revisjonsfrist for å oppnevne eller avklare koordinator"),
        Parameter("plan_days", 90, "Revisjonsfrist for individuell plan"),
        Parameter("first_contact_days", 14, "Revisjonsfrist for koordinators første kontakt"),
        Parameter("at_risk_inpatient_days", 21, "Døgndager som gjør at behovet for IP må vurderes",
                  ("døgndag", "døgndager")),
        Parameter("at_risk_units", 3, "Ulike enheter som gjør at behovet for IP må vurderes", ("enhet", "enheter")),
        Parameter("lookback_days", 90, "Dokumentasjon godtas fra så mange dager før vurderingen"),
    )
}

#: Modules of this package that are not rules.
_NOT_RULES = frozenset({"base", "contract"})

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
        if info.name in _NOT_RULES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        meta = getattr(module, "RULE", None)
        check = getattr(module, "check", None)
        if not isinstance(meta, RuleMeta) or not callable(check):
            raise RuntimeError(f"ipaudit/checks/{info.name}.py must define RULE and check()")
        if meta.id != info.name:
            raise RuntimeError(f"ipaudit/checks/{info.name}.py declares rule id {meta.id}")
        _validate(meta)
        found[meta.id] = RegisteredRule(meta, check)
    return {rule_id: found[rule_id] for rule_id in sorted(found, key=_sort_key)}


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _validate(meta: RuleMeta) -> None:
    """Refuse metadata a view could not show truthfully (a programming error, at import)."""

    def refuse(problem: str) -> RuntimeError:
        return RuntimeError(f"rule {meta.id}: {problem}")

    for name in ("title", "legal_deadline", "finding", "applies_to", "satisfied_by"):
        if not getattr(meta, name).strip():
            raise refuse(f"{name} is empty")
    if not (meta.statute.strip() or meta.guidance.strip()):
        raise refuse("has neither a statute nor a guidance")
    if not isinstance(meta.severity, Severity) or not isinstance(meta.population, Population):
        raise refuse("severity and population must be Severity and Population")
    if not isinstance(meta.evidence_kind, EvidenceKind):
        raise refuse("evidence_kind must be an EvidenceKind")
    tags = set(meta.tags).union(*(t for _, t in meta.branch_tags))
    if not all(isinstance(t, Tag) for t in tags):
        raise refuse(f"tags must be Tag values ({', '.join(Tag)})")
    tables = list(meta.requires) + [t for t, _ in meta.limited_without]
    if not all(isinstance(t, OptionalTable) for t in tables):
        raise refuse(f"requires and limited_without must name OptionalTable values ({', '.join(OptionalTable)})")
    if not all(isinstance(kind, PhraseKind) for kind, _ in meta.phrases):
        raise refuse("phrases must name PhraseKind values")
    undeclared = set(meta.parameters) - set(PARAMETERS)
    if undeclared:
        raise refuse(f"reads undeclared parameters {sorted(undeclared)}")
    for name in ("title", "applies_to", "satisfied_by", "due", "finding"):
        unknown = _placeholders(getattr(meta, name)) - set(meta.parameters)
        if unknown:
            raise refuse(f"{name} names {sorted(unknown)}, which are not among its parameters")
    if bool(meta.due.strip()) != meta.has_due_date:
        raise refuse("has a due text exactly when has_due_date is set")


@cache
def text_scopes() -> dict[str, tuple[str, ...]]:
    """Phrase kind → the document types whose text is evidence of it, as the rules declare in
    ``RuleMeta.phrases`` (IP09: EPIKRISE_MENTION only in an EPIKRISE). A kind no rule narrows
    (or one rule reads everywhere) is read in every document and is absent here."""
    scopes: dict[str, set[str]] = {}
    everywhere: set[str] = set()
    for rule in registry().values():
        for kind, doc_types in rule.meta.phrases:
            if doc_types:
                scopes.setdefault(kind.value, set()).update(doc_types)
            else:
                everywhere.add(kind.value)
    return {kind: tuple(sorted(types)) for kind, types in scopes.items() if kind not in everywhere}


def catalogue() -> list[RuleMeta]:
    """Every rule's metadata, in catalogue order."""
    return [rule.meta for rule in registry().values()]
