"""Numbers as Norwegian readers write them: a decimal comma, and a percentage sign after a
non-breaking space. Shared by the terminal summaries and every report (no dependencies)."""

from __future__ import annotations

NBSP = "\u00a0"


def fmt_decimal(number: float) -> str:
    """A number with one decimal and a decimal comma: 87,5."""
    return f"{number:.1f}".replace(".", ",")


def fmt_pct(rate: float | None) -> str:
    """A rate as a Norwegian percentage with one decimal (87,5 %), or – when undefined."""
    if rate is None:
        return "–"
    return fmt_decimal(rate * 100) + NBSP + "%"
