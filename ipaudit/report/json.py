"""``ipaudit-results.json``: the machine-readable contract of spec/outputs.md, format_version 1.

The contract's keys come first and are never renamed; added keys (``generated_at``,
``cohort_size``, ``profile_detail``, ``input.sources`` …, per-rule ``parameters``, per-result
``index_date``, ``unit``, waiver fields) only extend it. Dates are ISO. The ``results`` and
``rejected`` arrays are written by polars in chunks, one object per line, so a million
results take a couple of seconds and little memory.

With ``--history`` every result also carries ``finding_id`` and ``change`` ('ny' /
'fortsatt' on a fail, else null), and the top-level ``history`` object says what changed
since the previous run and holds the compliance trend; without it ``"history": null``.

With ``--review`` the top-level ``review`` object holds what the reviewer found in the
sample (``ipaudit.review.Review.to_json``: per rule and manual requirement the verdict counts,
and per rule agree/disagree and Cohen's kappa, null where undefined); without it
``"review": null``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import polars as pl

from ipaudit.extract.model import REJECTED_SCHEMA
from ipaudit.headline import headline
from ipaudit.history import GONE_SCHEMA, Comparison
from ipaudit.model import RESULT_SCHEMA, AuditResult, RuleSummary, Status, Suspension
from ipaudit.report.base import ReportView
from ipaudit.report.common import HISTORY_RESULT_COLUMNS, waivers_by_state
from ipaudit.waivers import run_warnings

FORMAT_VERSION = 1
FILENAME = "ipaudit-results.json"
#: Rows serialised per polars call when streaming the big arrays.
CHUNK_ROWS = 200_000
#: Fields of one entry of ``history.trend``.
TREND_FIELDS = ("run_id", "as_of", "rule_id", "compliance_rate", "pass", "fail")


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _suspension(s: Suspension) -> dict[str, Any]:
    return {"name": s.name, "from": _iso(s.start), "to": _iso(s.end),
            "tags": sorted(s.tags), "basis": s.basis}


def _rule(r: RuleSummary) -> dict[str, Any]:
    return {
        "rule_id": r.meta.id,
        "title": r.meta.title,
        "severity": r.severity.value,
        "basis": r.meta.basis,
        "counts": {s.value: int(r.counts.get(s.value, 0)) for s in Status},
        "compliance_rate": r.compliance_rate,
        "statute": r.meta.statute,
        "guidance": r.meta.guidance,
        "legal_deadline": r.meta.legal_deadline,
        "audit_deadline": r.meta.due or None,
        "in_force_from": _iso(r.meta.in_force_from),
        "background": r.meta.background or None,
        "children": {
            "counts": {s.value: int(r.children.get(s.value, 0)) for s in Status},
            "compliance_rate": r.children_rate,
        },
        "waived_fail": r.waived_fail,
        "compliance_rate_without_waivers": r.rate_without_waivers,
        "tags": sorted(r.meta.tags),
        "parameters": dict(r.parameters),
        "applies_to": r.meta.applies_to,
        "satisfied_by": r.meta.satisfied_by,
        "note": r.note,
        "loosened": list(r.loosened),
    }


def _head(result: AuditResult) -> dict[str, Any]:
    """Everything before the big arrays, in contract order with additions after."""
    ex = result.extract
    profile = result.profile
    return {
        "tool": "ipaudit",
        "version": result.tool_version,
        "format_version": FORMAT_VERSION,
        "as_of": _iso(result.as_of),
        "period": {"from": _iso(result.period_from), "to": _iso(result.period_to)},
        "profile": profile.name,
        "input": {
            "tables": {
                name: {
                    "rows_read": c.rows_read,
                    "rows_accepted": c.rows_accepted,
                    "rows_rejected": c.rows_rejected,
                }
                for name, c in ex.counts.items()
            },
            "location": str(ex.location),
            "sources": [
                {"table": s.table, "file": s.path.name, "sheet": s.sheet, "sha256": s.sha256}
                for s in ex.sources
            ],
            "ignored_files": list(ex.ignored_files),
            "missing_optional": list(ex.missing_optional),
        },
        "generated_at": result.generated_at.isoformat(timespec="seconds"),
        "cohort_size": result.cohort_size,
        "summary": headline(result).as_dict(),
        "warnings": run_warnings(result),
        "pseudonymized": result.pseudonymized,
        "profile_detail": {
            "name": profile.name,
            "source": profile.source,
            "extends": list(profile.extends),
            "parameters": dict(profile.parameters),
            "suspensions": [_suspension(s) for s in profile.suspensions],
        },
    }


def _waivers(result: AuditResult) -> dict[str, list[dict[str, Any]]]:
    return {
        state: [
            {"rule_id": w.rule_id, "patient_id": w.patient_id, "reason": w.reason,
             "approved_by": w.approved_by, "expires": _iso(w.expires), "unused_reason": w.unused_reason}
            for w in waivers
        ]
        for state, waivers in waivers_by_state(result).items()
    }


def _dump(value: Any) -> str:
    """Pretty JSON, indented to sit one level inside the top-level object."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def write_array(out: IO[bytes], frame: pl.DataFrame, chunk_rows: int | None = None,
                *, indent: bytes = b"  ") -> None:
    """Write ``frame`` as a JSON array, one object per line, ``chunk_rows`` at a time.

    polars' NDJSON escapes newlines inside strings, so the only raw newlines in its output
    separate objects and can be turned into ``,\\n``. ``indent`` is the indentation of the
    line the array's key is on.
    """
    if frame.height == 0:
        out.write(b"[]")
        return
    chunk_rows = chunk_rows or CHUNK_ROWS
    separator = b",\n" + indent + b"  "
    out.write(b"[\n" + indent + b"  ")
    for offset in range(0, frame.height, chunk_rows):
        buffer = io.BytesIO()
        frame.slice(offset, chunk_rows).write_ndjson(buffer)
        # Every object ends with a newline: each becomes a separator, and the last one is left
        # out by writing a view that stops before it (no copy of a chunk of millions of rows).
        lines = buffer.getvalue().replace(b"\n", separator)
        del buffer
        if offset:
            out.write(separator)
        out.write(memoryview(lines)[: -len(separator)])
    out.write(b"\n" + indent + b"]")


def results_frame(result: AuditResult) -> pl.DataFrame:
    """The results in contract column order, evidence never null; then finding_id and change
    when the results carry them (``--history``)."""
    names = [*RESULT_SCHEMA, *(name for name in HISTORY_RESULT_COLUMNS if name in result.results.columns)]
    frame = result.results
    # Selected and filled only when needed: at ten million results either would hold a second
    # copy of columns the engine keeps once per rule (a select over its many chunks, +1.1 GB).
    if frame.columns != names:
        frame = frame.select(names)
    if frame.get_column("evidence").null_count():
        frame = frame.with_columns(pl.col("evidence").fill_null(pl.lit([], dtype=RESULT_SCHEMA["evidence"])))
    return frame


def _history_head(history: Comparison) -> dict[str, Any]:
    """The small part of the history object; the arrays are streamed after it."""
    previous = history.previous_run
    return {
        "run_id": history.run_id,
        "previous_run": None if previous is None else {
            "run_id": previous.run_id,
            "as_of": _iso(previous.as_of),
            "started_at": previous.started_at.isoformat(timespec="seconds") if previous.started_at else None,
        },
        "counts": history.counts,
    }


def _write_history(out: IO[bytes], history: Comparison | None) -> None:
    """``"history": null``, or the history object with its resolved, waived_since and trend arrays."""
    out.write(b'  "history": ')
    if history is None:
        out.write(b"null")
        return
    out.write(b"{\n")
    for key, value in _history_head(history).items():
        out.write(f"    {_dump(key)}: {_dump(value).replace(chr(10), chr(10) + '  ')},\n".encode())
    arrays = {
        "resolved": history.resolved.select(list(GONE_SCHEMA)),
        "waived_since": history.waived_since.select(list(GONE_SCHEMA)),
        "trend": history.trend.select(TREND_FIELDS),
    }
    for n, (key, frame) in enumerate(arrays.items()):
        out.write(f"    {_dump(key)}: ".encode())
        write_array(out, frame, indent=b"    ")
        out.write(b",\n" if n < len(arrays) - 1 else b"\n")
    out.write(b"  }")


class JsonView(ReportView):
    """The results as the versioned JSON contract."""

    format = "json"
    filenames = (FILENAME,)

    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        head = _head(result)
        with targets[FILENAME].open("wb") as out:
            out.write(b"{\n")
            for key, value in head.items():
                out.write(f"  {_dump(key)}: {_dump(value)},\n".encode())
            out.write(b'  "rejected": ')
            write_array(out, result.rejected.select(list(REJECTED_SCHEMA)))
            out.write(b',\n  "rules": ')
            out.write(_dump([_rule(r) for r in result.rules]).encode())
            out.write(b',\n  "results": ')
            write_array(out, results_frame(result))
            out.write(b',\n  "waivers": ')
            out.write(_dump(_waivers(result)).encode())
            out.write(b',\n  "review": ')
            review = self.context.review
            out.write(_dump(review.to_json() if review is not None else None).encode())
            out.write(b",\n")
            _write_history(out, self.context.history)
            out.write(b"\n}\n")
