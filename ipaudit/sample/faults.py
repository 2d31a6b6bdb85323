"""Deliberately bad rows, placed so that rejecting them changes no rule outcome.

Every kind of structural fault the extract format names is injected: an unparseable date,
a two-digit year, a bad ja/nei, a value outside its set, a duplicate id (the later copy),
an orphan patient_id, an episode ending before it starts and a missing required value.
Each one hangs on a plain compliant patient (``Host``) and is harmless even if it were read:
an ordinary note, an extra episode of a patient who has an assessment (so IP00 never looks
at them), a repeat of the index assessment, a copy of a coordinator without a date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ipaudit.sample import vocabulary as voc
from ipaudit.sample.render import Host, Row
from ipaudit.sample.spec import person


@dataclass(frozen=True)
class BadRow:
    """One injected fault: the row, where it goes and what is wrong with it."""

    table: str
    row: Row
    before: int
    """Inserted before the good row with this index (len = at the end)."""
    column: str
    fault: str


def _d(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def bad_rows(
    rng: random.Random, rows: dict[str, list[Row]], hosts: list[Host], orphan_id: str, copies: int
) -> list[BadRow]:
    """``copies`` bad rows of every kind (fewer when there is no suitable host)."""
    if not hosts:
        return []
    out: list[BadRow] = []
    docs = rows["documents"]
    next_id = [9000000]

    def new_id(prefix: str = "") -> str:
        next_id[0] += 1
        return f"{prefix}{next_id[0]}"

    def anywhere(table: str) -> int:
        return rng.randint(0, len(rows[table]))

    def note(host: Host, date: str, doc_type: str = "Journalnotat", pid: str | None = None) -> Row:
        return [
            new_id(),
            pid or host.patient_id,
            None,
            date,
            doc_type,
            "Samtale",
            "Godkjent",
            host.unit,
            f"Lege {person(rng)}",
            rng.choice(voc.FILLER),
            None,
        ]

    def episode(
        host: Host, start: str, end: str | None, unit: str = "", care: str = "dag", pid: str | None = None
    ) -> Row:
        return [new_id("K"), pid or host.patient_id, unit or host.unit, "spesialist", care, start, end]

    for _ in range(copies):
        host = rng.choice(hosts)
        day = host.index + dt.timedelta(days=rng.randint(1, 30))
        year = day.year
        # documents
        bad_date = rng.choice((f"31.02.{year}", f"32.01.{year}", "ukjent", f"{year}-13-01", "15.13.2023"))
        out.append(BadRow("documents", note(host, bad_date), anywhere("documents"), "doc_date", "unparseable date"))
        out.append(
            BadRow(
                "documents",
                note(host, _d(day), doc_type=""),
                anywhere("documents"),
                "doc_type",
                "missing required value",
            )
        )
        if host.filler_doc_row is not None:
            original = docs[host.filler_doc_row]
            copy = note(host, _d(day))
            copy[0] = original[0]
            at = rng.randint(host.filler_doc_row + 1, len(docs))
            out.append(BadRow("documents", copy, at, "document_id", "duplicate id"))
        out.append(
            BadRow(
                "documents",
                note(host, _d(day), pid=orphan_id),
                anywhere("documents"),
                "patient_id",
                "orphan patient_id",
            )
        )
        # episodes (the host has an assessment, so IP00 never counts them)
        out.append(
            BadRow(
                "episodes",
                episode(host, f"{day.day:02d}.{day.month:02d}.{year % 100:02d}", None),
                anywhere("episodes"),
                "start_date",
                "two-digit year",
            )
        )
        out.append(
            BadRow(
                "episodes",
                episode(host, _d(day), _d(day), care=rng.choice(("hjemmebesøk", "telefon"))),
                anywhere("episodes"),
                "care_type",
                "value outside set",
            )
        )
        end = day - dt.timedelta(days=rng.randint(1, 10))
        out.append(
            BadRow(
                "episodes",
                episode(host, _d(day), _d(end), care="døgn"),
                anywhere("episodes"),
                "end_date",
                "end before start",
            )
        )
        row = episode(host, _d(day), _d(day))
        row[2] = None
        out.append(BadRow("episodes", row, anywhere("episodes"), "unit", "missing required value"))
        out.append(
            BadRow(
                "episodes",
                episode(host, _d(day), _d(day), pid=orphan_id),
                anywhere("episodes"),
                "patient_id",
                "orphan patient_id",
            )
        )
        # assessments: a repeat of the index assessment after the index date, one field broken
        repeat = list(rows["assessments"][host.assessment_row])
        repeat[0], repeat[2] = new_id("V"), day
        broken = list(repeat)
        broken[5] = rng.choice(("kanskje", "vet ikke", "x", "ja?"))
        out.append(BadRow("assessments", broken, anywhere("assessments"), "wants_ip", "bad boolean"))
        repeat = list(repeat)
        repeat[0], repeat[3] = new_id("V"), rng.choice(("kanskje", "muligens", "ja/nei"))
        out.append(BadRow("assessments", repeat, anywhere("assessments"), "need", "value outside set"))
        # coordinators: a copy of the host's coordinator without an appointment date
        if host.coordinator_row is not None:
            copy = list(rows["coordinators"][host.coordinator_row])
            copy[4] = None
            out.append(
                BadRow("coordinators", copy, anywhere("coordinators"), "appointed_date", "missing required value")
            )
        # patients: the same patient again
        at = rng.randint(host.patient_row + 1, len(rows["patients"]))
        out.append(BadRow("patients", list(rows["patients"][host.patient_row]), at, "patient_id", "duplicate id"))
    return out


def merge(rows: list[Row], bad: list[BadRow]) -> tuple[list[Row], list[tuple[int, BadRow]]]:
    """The table with its bad rows in place, and each bad row's row number (header = 1)."""
    ordered = sorted(enumerate(bad), key=lambda item: (item[1].before, item[0]))
    merged: list[Row] = []
    numbered: list[tuple[int, BadRow]] = []
    position = 0
    for _, fault in ordered:
        merged.extend(rows[position : fault.before])
        position = max(position, fault.before)
        numbered.append((len(merged) + 2, fault))
        merged.append(fault.row)
    merged.extend(rows[position:])
    return merged, numbered
