"""What a reviewer's filled-in review workbook says: "i x av N", and how far the tool agrees.

``summarise`` turns the verdicts read back from the workbook (``ipaudit.review_reader``) into
one ``Review``: per automated rule and per manual requirement the count of each verdict, with
N = *Oppfylt* + *Ikke oppfylt* (reviewed and applicable) and x = *Ikke oppfylt*; per automated
rule the 2×2 agreement table between the tool (fail/pass) and the reviewer (*Ikke oppfylt* /
*Oppfylt*), the share that agree, Cohen's kappa and the patients where they disagree.

Cohen's kappa, for n patients with a tool status of pass or fail and a verdict of *Oppfylt*
or *Ikke oppfylt* (a = fail/ikke oppfylt, b = fail/oppfylt, c = pass/ikke oppfylt,
d = pass/oppfylt): p_o = (a + d) / n, p_e = ((a + b)(a + c) + (c + d)(b + d)) / n²,
kappa = (p_o − p_e) / (1 − p_e). It is undefined — reported as None with the reason — when
n = 0 (no pair to compare) or p_e = 1, which happens exactly when the tool and the reviewer
each gave one and the same answer for every patient (no variation: all agree, but nothing
shows that they would agree beyond chance). With no disagreement and variation on both sides
kappa is 1; when one side varies and the other does not, p_e < 1 and kappa is 0 or below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ipaudit.review_contract import IKKE_OPPFYLT, OPPFYLT, VERDICT_KEYS, VERDICTS

KAPPA_NO_PAIRS = "ingen pasienter med både verktøyets og revisors oppfylt/ikke oppfylt"
KAPPA_NO_VARIATION = (
    "ingen variasjon: verktøyet og revisor ga samme svar for alle pasientene, så samsvar utover "
    "tilfeldighet kan ikke måles"
)


@dataclass(frozen=True)
class Agreement:
    """The 2×2 table of tool status (fail/pass) against the reviewer's verdict."""

    fail_ikke_oppfylt: int = 0
    """a: the tool says fail, the reviewer *Ikke oppfylt* (agree)."""
    fail_oppfylt: int = 0
    """b: the tool says fail, the reviewer *Oppfylt* (disagree)."""
    pass_ikke_oppfylt: int = 0
    """c: the tool says pass, the reviewer *Ikke oppfylt* (disagree)."""
    pass_oppfylt: int = 0
    """d: the tool says pass, the reviewer *Oppfylt* (agree)."""

    @property
    def n(self) -> int:
        return self.fail_ikke_oppfylt + self.fail_oppfylt + self.pass_ikke_oppfylt + self.pass_oppfylt

    @property
    def agree(self) -> int:
        return self.fail_ikke_oppfylt + self.pass_oppfylt

    @property
    def disagree(self) -> int:
        return self.fail_oppfylt + self.pass_ikke_oppfylt

    @property
    def share(self) -> float | None:
        """agree / n; None when n = 0."""
        return self.agree / self.n if self.n else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa; None when undefined (see ``kappa_note``)."""
        return cohen_kappa(self.fail_ikke_oppfylt, self.fail_oppfylt, self.pass_ikke_oppfylt, self.pass_oppfylt)[0]

    @property
    def kappa_note(self) -> str | None:
        """Why kappa is undefined, in bokmål; None when it is defined."""
        return cohen_kappa(self.fail_ikke_oppfylt, self.fail_oppfylt, self.pass_ikke_oppfylt, self.pass_oppfylt)[1]


def cohen_kappa(a: int, b: int, c: int, d: int) -> tuple[float | None, str | None]:
    """Cohen's kappa of the 2×2 table [[a, b], [c, d]] (rows: tool fail, pass; columns: reviewer
    ikke oppfylt, oppfylt), or (None, why) when it is undefined."""
    n = a + b + c + d
    if n == 0:
        return None, KAPPA_NO_PAIRS
    p_o = (a + d) / n
    # Integer arithmetic first, so p_e = 1 is found exactly, not up to rounding.
    chance = (a + b) * (a + c) + (c + d) * (b + d)
    if chance == n * n:
        return None, KAPPA_NO_VARIATION
    p_e = chance / (n * n)
    return (p_o - p_e) / (1 - p_e), None


@dataclass(frozen=True)
class Disagreement:
    """A patient where the tool and the reviewer disagree on a rule."""

    patient_id: str
    tool_status: str
    """'pass' or 'fail'."""
    verdict: str
    """*Oppfylt* or *Ikke oppfylt*."""


@dataclass(frozen=True)
class ItemReview:
    """What the reviewer found for one automated rule or manual requirement."""

    id: str
    counts: dict[str, int]
    """Patients per verdict, keyed by ``VERDICT_KEYS`` values (every key present)."""
    agreement: Agreement | None = None
    """Automated rules only."""
    disagreements: tuple[Disagreement, ...] = ()
    """Automated rules only: the patients where tool and reviewer disagree, by patient id."""

    @property
    def reviewed(self) -> int:
        """N of "i x av N": verdicts *Oppfylt* or *Ikke oppfylt*."""
        return self.counts["oppfylt"] + self.counts["ikke_oppfylt"]

    @property
    def not_fulfilled(self) -> int:
        """x of "i x av N": verdicts *Ikke oppfylt*."""
        return self.counts["ikke_oppfylt"]


@dataclass(frozen=True)
class Review:
    """The filled-in review workbook, read back and counted."""

    workbook_name: str
    workbook_sha256: str
    patients: tuple[str, ...]
    """Every drawn patient, in the workbook's order."""
    reviewed_patients: tuple[str, ...]
    """Patients with at least one verdict."""
    rules: dict[str, ItemReview]
    """Per automated rule in the run's order."""
    manual: dict[str, ItemReview]
    """Per manual requirement M1–M13."""
    comments: int = 0
    """Rows with a comment (the comments themselves are free text and are not carried on)."""
    verdicts: dict[tuple[str, str], str] = field(default_factory=dict)
    """(patient_id, rule or requirement id) → verdict, for the report's per-patient view."""

    @property
    def not_reviewed(self) -> tuple[str, ...]:
        """Drawn patients without any verdict."""
        seen = set(self.reviewed_patients)
        return tuple(p for p in self.patients if p not in seen)

    def to_json(self) -> dict[str, Any]:
        """The JSON ``review`` object of spec/outputs.md (issue 9)."""

        def counts(item: ItemReview) -> dict[str, int]:
            return {"reviewed": item.reviewed, **{k: item.counts[k] for k in ORDERED_KEYS}}

        rules = {}
        for rule_id, item in self.rules.items():
            agreement = item.agreement or Agreement()
            rules[rule_id] = {
                **counts(item),
                "agree": agreement.agree,
                "disagree": agreement.disagree,
                "kappa": None if agreement.kappa is None else round(agreement.kappa, 6),
            }
        return {
            "workbook_sha256": self.workbook_sha256,
            "reviewed_patients": len(self.reviewed_patients),
            "rules": rules,
            "manual": {m: counts(item) for m, item in self.manual.items()},
        }


ORDERED_KEYS: tuple[str, ...] = ("ikke_oppfylt", "oppfylt", "ikke_aktuelt", "kan_ikke_vurderes")


def _counts(verdicts: Iterable[str]) -> dict[str, int]:
    out = dict.fromkeys(VERDICT_KEYS.values(), 0)
    for verdict in verdicts:
        out[VERDICT_KEYS[verdict]] += 1
    return out


def summarise(
    *,
    workbook_name: str,
    workbook_sha256: str,
    patients: Iterable[str],
    verdicts: Mapping[tuple[str, str], str],
    rules: Mapping[str, Iterable[str]],
    manual: Iterable[str],
    tool_status: Mapping[tuple[str, str], str],
    comments: int = 0,
) -> Review:
    """Count ``verdicts`` ((patient, item) → one of ``VERDICTS``).

    ``rules`` maps each automated rule to the drawn patients it applies to (by stratum);
    verdicts of other patients on that rule are not counted. ``manual`` requirements apply to
    every drawn patient. ``tool_status`` is (patient, rule) → the tool's status.
    """
    drawn = tuple(patients)
    assert all(v in VERDICTS for v in verdicts.values())
    rule_items: dict[str, ItemReview] = {}
    for rule_id, applicable in rules.items():
        given = [(p, verdicts[(p, rule_id)]) for p in applicable if (p, rule_id) in verdicts]
        cells = {"fail": {IKKE_OPPFYLT: 0, OPPFYLT: 0}, "pass": {IKKE_OPPFYLT: 0, OPPFYLT: 0}}
        disagreements = []
        for patient_id, verdict in given:
            status = tool_status.get((patient_id, rule_id))
            if status in cells and verdict in (IKKE_OPPFYLT, OPPFYLT):
                cells[status][verdict] += 1
                if (status == "fail") != (verdict == IKKE_OPPFYLT):
                    disagreements.append(Disagreement(patient_id, status, verdict))
        rule_items[rule_id] = ItemReview(
            id=rule_id,
            counts=_counts(v for _, v in given),
            agreement=Agreement(
                fail_ikke_oppfylt=cells["fail"][IKKE_OPPFYLT],
                fail_oppfylt=cells["fail"][OPPFYLT],
                pass_ikke_oppfylt=cells["pass"][IKKE_OPPFYLT],
                pass_oppfylt=cells["pass"][OPPFYLT],
            ),
            disagreements=tuple(sorted(disagreements, key=lambda d: d.patient_id)),
        )
    manual_items = {
        m: ItemReview(id=m, counts=_counts(verdicts[(p, m)] for p in drawn if (p, m) in verdicts)) for m in manual
    }
    with_verdict = {p for p, _ in verdicts}
    return Review(
        workbook_name=workbook_name,
        workbook_sha256=workbook_sha256,
        patients=drawn,
        reviewed_patients=tuple(p for p in drawn if p in with_verdict),
        rules=rule_items,
        manual=manual_items,
        comments=comments,
        verdicts=dict(verdicts),
    )
