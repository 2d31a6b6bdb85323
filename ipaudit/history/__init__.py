"""Run history in one SQLite file: what is new, still failing and resolved since the last run.

``open_history(path)`` creates or migrates the file (``schema``); ``History.record(result)``
compares a run with the previous run of the same profile and records it (``store``);
``Comparison.annotate`` adds ``finding_id`` and ``change`` to the results so every view can
show them (``compare``); ``render_trend`` draws compliance per rule over time (``trend``).
"""

from __future__ import annotations

from ipaudit.history.compare import (
    CHANGE_NEW,
    CHANGE_STILL,
    FAILING_SCHEMA,
    GONE_SCHEMA,
    Comparison,
    PreviousRun,
    finding_id,
    finding_id_expr,
)
from ipaudit.history.schema import SCHEMA_VERSION
from ipaudit.history.store import TREND_SCHEMA, History, open_history
from ipaudit.history.trend import render_trend

__all__ = [
    "CHANGE_NEW",
    "CHANGE_STILL",
    "FAILING_SCHEMA",
    "GONE_SCHEMA",
    "SCHEMA_VERSION",
    "TREND_SCHEMA",
    "Comparison",
    "History",
    "PreviousRun",
    "finding_id",
    "finding_id_expr",
    "open_history",
    "render_trend",
]
