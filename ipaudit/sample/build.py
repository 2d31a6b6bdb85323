"""Builds a synthetic extract with known defects and the ground truth an audit must find.

The patients are drawn from the scenario catalogue (``scenarios.py``): every scenario once
(when there are enough patients, so small samples still cover every edge), then by weight.
About half the patients are plainly compliant; the rest carry exactly one gap, one passing
edge case, or lie outside the cohort. Equal (patients, seed, as_of) give equal bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ipaudit.sample import gaps, outside, passing  # noqa: F401  (they fill REGISTRY)
from ipaudit.sample import vocabulary as voc
from ipaudit.sample.catalogue import REGISTRY, Ctx
from ipaudit.sample.faults import bad_rows, merge
from ipaudit.sample.render import Renderer
from ipaudit.sample.spec import make_adult
from ipaudit.sample.write import write_csv, write_plain_csv, write_xlsx

RULE_ORDER = (
    "IP00", "IP01", "IP02", "IP03", "IP04", "IP05", "IP06", "IP07", "IP08", "IP09", "IP10", "IP11", "IP12", "IP13",
    "HB01",
)
#: Scenarios around the 2020 suspension need an as_of this late (else they are replaced).
LATEST_2020_INDEX = dt.date(2020, 5, 27)


@dataclass(frozen=True)
class SampleSummary:
    """What ``generate`` wrote."""

    out_dir: Path
    """The directory given."""
    extract_dir: Path
    """``out_dir/extract``: the CSV extract (plus a README.txt to be ignored)."""
    ground_truth: Path
    """``rule_id,patient_id,status`` of every fail/pending result at as_of."""
    ground_truth_rejected: Path
    """``table,row,column,fault`` of every injected bad row."""
    patients_file: Path
    """``patient_id,scenario,index_date``: which scenario built each patient (for debugging)."""
    xlsx: Path | None
    """The same extract as one workbook, when asked for."""
    as_of: dt.date
    """The audit date the ground truth holds for."""
    rows: dict[str, int]
    """Records written per table, bad rows included."""
    rejected: dict[str, int]
    """Bad rows injected per table."""
    gaps: dict[str, int]
    """Ground-truth results (fail + pending) per rule."""
    scenarios: dict[str, int]
    """Patients per scenario."""


def _kinds(rng: random.Random, patients: int, as_of: dt.date) -> list[str]:
    late_enough = (as_of - LATEST_2020_INDEX).days > 180
    names = sorted(
        n
        for n, s in REGISTRY.items()
        if (late_enough or not s.needs_2020) and (s.needs_as_of is None or as_of >= s.needs_as_of)
    )
    weights = [REGISTRY[n].weight for n in names]
    if patients <= len(names):  # too few to show every scenario: a few of them
        return rng.sample(names, patients)
    kinds = names + rng.choices(names, weights, k=patients - len(names))
    rng.shuffle(kinds)
    return kinds


def generate(
    out_dir: Path,
    patients: int = 300,
    seed: int = 1,
    as_of: dt.date = dt.date(2025, 6, 30),
    xlsx: Path | None = None,
) -> SampleSummary:
    """Write a synthetic extract to ``out_dir/extract`` and its ground truth to ``out_dir``."""
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    extract_dir = out_dir / "extract"
    extract_dir.mkdir(parents=True, exist_ok=True)

    width = max(7, len(str(20 * patients)))
    numbers = sorted(rng.sample(range(1, max(20 * patients, 5000)), patients))
    ids = [f"{n:0{width}d}" for n in numbers]
    orphan_id = f"{max(20 * patients, 5000) + 7:0{width}d}"
    kinds = _kinds(rng, patients, as_of)

    ctx = Ctx(rng, as_of)
    renderer = Renderer(rng, as_of)
    index_dates: list[tuple[str, str, str]] = []
    for patient_id, kind in zip(ids, kinds, strict=True):
        spec = REGISTRY[kind].build(ctx)
        spec.kind = kind
        if "IP01" in spec.expect and spec.barnekoordinator:
            make_adult(rng, spec)  # a child's barnekoordinator note is INFO_IP evidence too
        renderer.patient(patient_id, spec)
        in_cohort = any(a.need == "ja" and a.day <= spec.span for a in spec.assessments)
        index_dates.append((patient_id, kind, spec.index.isoformat() if in_cohort else ""))

    copies = 1 + patients // 2000
    faults = bad_rows(rng, renderer.rows, renderer.hosts, orphan_id, copies)
    rejected_rows: list[tuple[str, int, str, str]] = []
    counts: dict[str, int] = {}
    for table, (file_name, _, headers) in voc.TABLES.items():
        merged, numbered = merge(renderer.rows[table], [f for f in faults if f.table == table])
        renderer.rows[table] = merged
        counts[table] = len(merged)
        rejected_rows += [(table, number, f.column, f.fault) for number, f in numbered]
        write_csv(extract_dir / file_name, headers, merged)
    (extract_dir / "README.txt").write_text(voc.README, encoding="cp1252", newline="\r\n")

    truth = sorted(renderer.truth, key=lambda t: (RULE_ORDER.index(t[0]), t[1]))
    ground_truth = out_dir / "ground_truth.csv"
    write_plain_csv(ground_truth, ("rule_id", "patient_id", "status"), truth)
    ground_truth_rejected = out_dir / "ground_truth_rejected.csv"
    write_plain_csv(ground_truth_rejected, ("table", "row", "column", "fault"), rejected_rows)
    patients_file = out_dir / "ground_truth_patients.csv"
    write_plain_csv(patients_file, ("patient_id", "scenario", "index_date"), index_dates)
    if xlsx is not None:
        Path(xlsx).parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(Path(xlsx), renderer.rows)

    per_rule = Counter(rule for rule, _, _ in truth)
    return SampleSummary(
        out_dir=out_dir,
        extract_dir=extract_dir,
        ground_truth=ground_truth,
        ground_truth_rejected=ground_truth_rejected,
        patients_file=patients_file,
        xlsx=None if xlsx is None else Path(xlsx),
        as_of=as_of,
        rows=counts,
        rejected=dict(Counter(table for table, *_ in rejected_rows)),
        gaps={rule: per_rule[rule] for rule in RULE_ORDER if per_rule[rule]},
        scenarios=dict(sorted(Counter(kinds).items())),
    )
