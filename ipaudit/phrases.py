"""Phrase patterns of a profile, joined as one regular expression.

The v1 reader that lived here (a match counts unless a negation word stands earlier in its
clause) was replaced by ``ipaudit.evidence``, which reads free text as a reviewer reads it
(spec/rules.md v2); ``bench/evidence_speed.py`` keeps a copy of v1 to measure against.
"""

from __future__ import annotations

from collections.abc import Sequence


def combined(patterns: Sequence[str]) -> str:
    """One case-insensitive regex matching where any of ``patterns`` matches."""
    return "(?i)" + "|".join(f"(?:{p})" for p in patterns)
