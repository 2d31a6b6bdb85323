"""Tiny in-memory extracts for rule tests: only the values a case cares about are spelled out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from ipaudit.engine import AuditOptions, audit
from ipaudit.extract.model import REJECTED_SCHEMA, TABLE_SCHEMAS, Extract, TableCounts
from ipaudit.model import AuditResult
from ipaudit.profile import load_profile

AS_OF = dt.date(2025, 6, 30)
INDEX = dt.date(2025, 3, 3)
INFO = "Pasienten er informert om individuell plan og koordinator."
CONSENT = "Pasienten samtykker til melding til kommunen."
WANTS = {"assessed_date": INDEX, "criteria_met": True, "wants_ip": True, "wants_coordinator": True}


def d(text: str) -> dt.date:
    """'2025-03-17' → date."""
    return dt.date.fromisoformat(text)


def days(n: int) -> dt.date:
    """The index date plus n days."""
    return INDEX + dt.timedelta(days=n)


def _frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = TABLE_SCHEMAS[table]
    filled = [
        {col: row.get(col, (i + 2 if col == "source_row" else None)) for col in schema} for i, row in enumerate(rows)
    ]
    return pl.DataFrame(filled, schema=schema, orient="row") if filled else pl.DataFrame(schema=schema)


def make_extract(
    *,
    patients: list[str] | None = None,
    birth_dates: dict[str, dt.date] | None = None,
    assessments: list[dict[str, Any]] = (),  # type: ignore[assignment]
    documents: list[dict[str, Any]] = (),  # type: ignore[assignment]
    coordinators: list[dict[str, Any]] | None = (),  # type: ignore[assignment]
    episodes: list[dict[str, Any]] | None = None,
) -> Extract:
    """An Extract from row dicts; ids are generated where a case does not care."""
    assessments = [
        {"assessment_id": f"A{i}", "patient_id": "P1", "need": "ja", **row} for i, row in enumerate(assessments)
    ]
    documents = [
        {"document_id": f"D{i}", "patient_id": "P1", "doc_type": "JOURNALNOTAT", **row}
        for i, row in enumerate(documents)
    ]
    ids = set(patients or []) | {r["patient_id"] for r in assessments} | {r["patient_id"] for r in documents}
    tables = {
        "patients": _frame(
            "patients", [{"patient_id": p, "birth_date": (birth_dates or {}).get(p)} for p in sorted(ids)]
        ),
        "assessments": _frame("assessments", assessments),
        "documents": _frame("documents", documents),
    }
    if coordinators is not None:
        tables["coordinators"] = _frame(
            "coordinators", [{"patient_id": "P1", "level": "kommune", **row} for row in coordinators]
        )
    if episodes is not None:
        tables["episodes"] = _frame(
            "episodes",
            [
                {"episode_id": f"E{i}", "patient_id": "P1", "level": "spesialist", **row}
                for i, row in enumerate(episodes)
            ],
        )
    counts = {name: TableCounts(f.height, f.height, 0) for name, f in tables.items()}
    return Extract(
        location=Path("memory"),
        tables=tables,
        counts=counts,
        rejected=pl.DataFrame(schema=REJECTED_SCHEMA),
    )


def run(extract: Extract, *, as_of: dt.date = AS_OF, profile: str = "national", **options: Any) -> AuditResult:
    """Audit an in-memory extract."""
    return audit(extract, AuditOptions(as_of=as_of, profile=load_profile(profile), **options))


def outcome(result: AuditResult, rule_id: str, patient_id: str = "P1") -> dict[str, Any]:
    """The one result row of a rule for a patient."""
    rows = result.results.filter((pl.col("rule_id") == rule_id) & (pl.col("patient_id") == patient_id)).to_dicts()
    assert len(rows) == 1, f"expected one {rule_id} result for {patient_id}, got {len(rows)}"
    return rows[0]


class _Unset:
    """A case that does not state its due date or evidence (only the old, shared tests)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
#: ``Case.expected`` for a rule that chooses its own population (IP00): no result row at all.
NO_ROW = "no_row"


@dataclasses.dataclass
class Case:
    """One named edge of one rule: its inputs, and the status, due date and evidence it must give.

    ``due_date`` None means "no due date"; ``evidence`` [] means "no evidence". The case files in
    tests/rules state both for every case (tests/rules/test_registry.py checks)."""

    name: str
    rule: str
    expected: str
    documents: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    assessments: list[dict[str, Any]] = dataclasses.field(default_factory=lambda: [dict(WANTS)])
    coordinators: list[dict[str, Any]] | None = dataclasses.field(default_factory=list)
    as_of: dt.date = AS_OF
    message: str | None = None
    due_date: Any = UNSET
    evidence: Any = UNSET
    episodes: list[dict[str, Any]] | None = None
    profile: str = "national"
    birth_date: dt.date | None = None
    """The patient's birth date (None: unknown)."""


def check_case(case: Case) -> None:
    """Run a case and assert its expectations."""
    extract = make_extract(
        patients=["P1"],
        birth_dates={"P1": case.birth_date} if case.birth_date else None,
        assessments=case.assessments,
        documents=case.documents,
        coordinators=case.coordinators,
        episodes=case.episodes,
    )
    result = run(extract, as_of=case.as_of, profile=case.profile)
    if case.expected == NO_ROW:
        rows = result.results.filter(pl.col("rule_id") == case.rule)
        assert rows.height == 0, rows.to_dicts()
        return
    row = outcome(result, case.rule)
    assert row["status"] == case.expected, row["message"]
    if case.message:
        assert case.message in row["message"]
    if case.due_date is not UNSET:
        assert row["due_date"] == case.due_date
    if case.evidence is not UNSET:
        assert row["evidence"] == case.evidence
