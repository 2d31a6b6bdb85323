"""Synthetic extracts with known defects: ``ipaudit sample OUT_DIR --patients N --seed S``.

``generate`` writes a DIPS-style extract in the messy form real exports have (Windows-1252,
``;``, Norwegian headers and dates, titles for document types, a few bad rows) together
with the ground truth: every ``fail``/``pending`` result an audit at ``as_of`` with the
national defaults must report (all profiles' rules), and every row it must reject.
"""

from __future__ import annotations

from ipaudit.sample.build import RULE_ORDER, SampleSummary, generate

__all__ = ["RULE_ORDER", "SampleSummary", "generate"]
