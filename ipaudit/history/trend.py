"""The trend as a terminal table: one row per run, one column per rule, compliance in per cent."""

from __future__ import annotations

import polars as pl

from ipaudit.numbers import fmt_decimal

EMPTY = "Historikken har ingen kjøringer ennå."
NOTE = "Etterlevelse i % = oppfylt / (oppfylt + ikke oppfylt) per regel; – = ingen avgjorte resultater."


def _pct(rate: float | None) -> str:
    return "–" if rate is None else fmt_decimal(rate * 100)


def render_trend(frame: pl.DataFrame) -> str:
    """A bokmål table per profile (rows from History.trend): run, audit date, rate per rule, total fails."""
    if frame.is_empty():
        return EMPTY
    sections = [_profile_table(frame.filter(pl.col("profile") == name), name) for name in _in_order(frame, "profile")]
    return "\n\n".join([*sections, NOTE])


def _in_order(frame: pl.DataFrame, column: str) -> list[str]:
    return list(dict.fromkeys(frame.get_column(column).to_list()))


def _profile_table(frame: pl.DataFrame, profile: str) -> str:
    rules = _in_order(frame, "rule_id")
    width = max(5, *(len(r) for r in rules))  # "100,0" is the widest cell
    rates = {(run, rule): rate for run, rule, rate in frame.select("run_id", "rule_id", "compliance_rate").iter_rows()}
    runs = frame.group_by("run_id", "as_of", maintain_order=True).agg(pl.col("fail").sum().alias("fail")).iter_rows()
    header = f"{'Kjøring':>7}  {'Revisjonsdato':<13}  " + " ".join(f"{r:>{width}}" for r in rules) + "  Ikke oppfylt"
    lines = [f"Etterlevelse over tid – profil {profile}", header, "-" * len(header)]
    for run_id, as_of, fails in runs:
        cells = " ".join(f"{_pct(rates.get((run_id, r))):>{width}}" for r in rules)
        label = "denne" if run_id is None else str(run_id)
        lines.append(f"{label:>7}  {as_of:%d.%m.%Y}{'':<3}  {cells}  {fails:>12}")
    return "\n".join(lines)
