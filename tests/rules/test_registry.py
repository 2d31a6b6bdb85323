"""Meta-test over the registry: every registered rule has a case file with the cases it needs.

A rule ``IPxx`` must have ``tests/rules/test_IPxx.py`` with a ``CASES`` list of ``Case`` for
that rule: a ``pass`` and a ``fail`` case (a rule that chooses its own population, IP00: a
``fail`` and a ``NO_ROW`` case), and a ``pending`` case when the rule has a due date. Every case
states the due date and the evidence it must give.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from ipaudit.checks import registry
from ipaudit.model import Population, Status
from tests.builders import NO_ROW, UNSET, Case

HERE = Path(__file__).parent


@pytest.mark.parametrize("rule_id", list(registry()))
def test_every_rule_has_a_case_file_with_pass_fail_and_pending(rule_id: str) -> None:
    assert (HERE / f"test_{rule_id}.py").is_file(), f"no case file tests/rules/test_{rule_id}.py"
    module = importlib.import_module(f"tests.rules.test_{rule_id}")
    cases: list[Case] = getattr(module, "CASES", [])
    assert cases and all(isinstance(c, Case) for c in cases), f"test_{rule_id}.py has no CASES"
    assert {c.rule for c in cases} == {rule_id}, "a case file holds the cases of its own rule only"
    meta = registry()[rule_id].meta
    statuses = {c.expected for c in cases}
    needed = {Status.FAIL.value, NO_ROW} if meta.population == Population.OWN else {"pass", "fail"}
    if meta.has_due_date:
        needed.add(Status.PENDING.value)
    assert needed <= statuses, f"{rule_id} lacks cases for {sorted(needed - statuses)}"
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"
    for case in cases:
        if case.expected == NO_ROW:
            continue
        assert case.due_date is not UNSET and case.evidence is not UNSET, f"{case.name}: state due_date and evidence"
        if not meta.has_due_date:
            assert case.due_date is None, f"{case.name}: {rule_id} has no due date"


def test_no_case_file_without_a_rule() -> None:
    files = {p.stem.removeprefix("test_") for p in HERE.glob("test_*.py")} - {"registry", "contract"}
    assert files <= set(registry()), f"case files for unknown rules: {sorted(files - set(registry()))}"
