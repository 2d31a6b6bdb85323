"""The supervision report's sample and review parts: how the sample was drawn, what the reviewer
found ("i x av N gjennomgåtte journaler"), and how far the tool agrees with the reviewer.

Reads the ``SampleDraw`` and ``Review`` of the ``RunContext`` only; counts nothing the
``Review`` does not already hold, except laying its numbers out as sentences and tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from ipaudit import numbers, selection
from ipaudit.manual_requirements import MANUAL_REQUIREMENTS
from ipaudit.model import AuditResult
from ipaudit.report import common
from ipaudit.review import ItemReview, Review
from ipaudit.review_contract import IKKE_OPPFYLT, OPPFYLT
from ipaudit.selection import SampleDraw

BASIS_SAMPLE = "stikkprøve"
BASIS_TOOL = "verktøy"


def _share(part: int, whole: int) -> str:
    return numbers.fmt_pct(part / whole) if whole else "–"


def x_of_n(item: ItemReview) -> str:
    """'i 3 av 27 gjennomgåtte journaler (11,1 %)'."""
    x, n = item.not_fulfilled, item.reviewed
    return f"i {common.fmt_int(x)} av {common.fmt_int(n)} gjennomgåtte journaler ({_share(x, n)})"


def reviewed_item(review: Review | None, rule_id: str) -> ItemReview | None:
    """The reviewer's counts for a rule, when the reviewer judged it for at least one patient."""
    item = review.rules.get(rule_id) if review is not None else None
    return item if item is not None and item.reviewed else None


def claim(
    phrase: str, fails: int, assessed: int, item: ItemReview | None, *, own: bool, criteria: str = ""
) -> tuple[str, str]:
    """The finding sentence and its basis: from the sample where the reviewer judged the rule
    (BASIS_SAMPLE), from the tool's counts otherwise (BASIS_TOOL). Empty when nothing fails.
    ``criteria`` names where a rule choosing its own population states its criteria."""
    if item is not None:
        where = "i stratumet «Ikke vurdert»" if own else "i stikkprøven"
        if item.not_fulfilled:
            return f"{phrase} {x_of_n(item)} {where} (revisors vurdering).", BASIS_SAMPLE
        if fails:
            return (
                f"Revisor fant ikke dette i noen av {common.fmt_int(item.reviewed)} gjennomgåtte journaler {where}; "
                f"verktøyet teller {common.fmt_int(fails)} i hele {'utvalget' if own else 'kohorten'}.",
                BASIS_SAMPLE,
            )
        return "", BASIS_SAMPLE
    if not fails:
        return "", BASIS_TOOL
    if own:
        who = f"{common.fmt_int(fails)} {'pasient' if fails == 1 else 'pasienter'}"
        where = f" som oppfyller kriteriene i {criteria}" if criteria else ""
        return f"{phrase} for {who}{where} (verktøyets telling; ikke gjennomgått i stikkprøven).", BASIS_TOOL
    return (
        f"{phrase} i {common.fmt_int(fails)} av {common.fmt_int(assessed)} vurderte journaler "
        f"({_share(fails, assessed)}; verktøyets telling, ikke gjennomgått i stikkprøven).",
        BASIS_TOOL,
    )


def tool_count_text(fails: int, assessed: int, *, own: bool) -> str:
    """The tool's count as a supporting fact beside a finding worded by the sample."""
    if own:
        return f"{common.fmt_int(fails)} pasienter uten vurdering i hele uttrekket"
    share = _share(fails, assessed)
    return f"{common.fmt_int(fails)} av {common.fmt_int(assessed)} vurderte journaler i hele kohorten ({share})"


@dataclass(frozen=True)
class StratumRow:
    """One stratum of the frame: units of the cohort, then *Ikke vurdert*."""

    label: str
    in_frame: int
    drawn: int


def strata(result: AuditResult, draw: SampleDraw) -> list[StratumRow]:
    """Per unit of the cohort (when stratified by unit; else the cohort as one) and *Ikke vurdert*."""
    drawn = draw.patients
    cohort = selection.cohort_patients(result)
    rows: list[StratumRow] = []
    drawn_cohort = drawn.filter(pl.col("stratum") == selection.COHORT)
    if draw.stratify == "unit":
        in_frame = dict(cohort.group_by("unit").len().iter_rows())
        in_sample = dict(drawn_cohort.group_by("unit").len().iter_rows())
        rows += [StratumRow(f"Kohorten: {u}", in_frame[u], in_sample.get(u, 0)) for u in sorted(in_frame)]
    else:
        rows.append(StratumRow("Kohorten", cohort.height, drawn_cohort.height))
    flagged = selection.unassessed_patients(result).height
    rows.append(
        StratumRow(
            selection.STRATUM_LABELS[selection.UNASSESSED],
            flagged,
            drawn.filter(pl.col("stratum") == selection.UNASSESSED).height,
        )
    )
    return rows


def kappa_text(item: ItemReview) -> str:
    agreement = item.agreement
    if agreement is None:
        return "–"
    if agreement.kappa is None:
        return f"ikke definert ({agreement.kappa_note})"
    return f"{agreement.kappa:.2f}".replace(".", ",").replace("-", "−")


def review_context(result: AuditResult, review: Review | None) -> dict[str, Any]:
    """The template's ``review`` part: per rule and manual requirement the counts and wording,
    per rule the 2×2 table, agreement share, kappa and the disagreeing patients."""
    if review is None:
        return {"review": None, "review_rules": [], "review_manual": {}}
    titles = {r.meta.id: r.meta.title for r in result.rules}
    rules = []
    for rule_id, item in review.rules.items():
        agreement = item.agreement
        rules.append(
            {
                "id": rule_id,
                "title": titles.get(rule_id, rule_id),
                "item": item,
                "x_of_n": x_of_n(item) if item.reviewed else "ikke gjennomgått",
                "agreement": agreement,
                "share": numbers.fmt_pct(agreement.share) if agreement else "–",
                "kappa": kappa_text(item),
                "disagreements": [
                    {
                        "patient_id": d.patient_id,
                        "tool": common.status_label(d.tool_status),
                        "verdict": d.verdict,
                    }
                    for d in item.disagreements
                ],
            }
        )
    manual_titles = {m.id: m.title for m in MANUAL_REQUIREMENTS}
    manual = {
        m: {
            "item": item,
            "title": manual_titles.get(m, m),
            "x_of_n": x_of_n(item) if item.reviewed else "",
        }
        for m, item in review.manual.items()
    }
    return {
        "review": review,
        "review_rules": rules,
        "review_manual": manual,
        "verdict_fail": IKKE_OPPFYLT,
        "verdict_pass": OPPFYLT,
    }
