"""Benchmark: time and peak memory of `ipaudit audit` on a large synthetic extract.

Generates (once, cached under bench/.data/) an `ipaudit sample` extract of 100 000 patients
and audits it in a child process, as a user would run it, printing wall time and peak RSS.
Then times the phases in-process (read, audit, each report format). Figures, not asserts:
performance targets are read off this output, never enforced in a unit test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from ipaudit.sample import generate

    data = HERE / ".data" / f"sample-{args.patients}-{args.seed}"
    if not (data / "extract").exists():
        started = time.perf_counter()
        generate(data, patients=args.patients, seed=args.seed)
        print(f"generated {args.patients} patients in {time.perf_counter() - started:.1f} s → {data}")
    extract = data / "extract"
    files = sorted(extract.glob("*.csv"))
    size = sum(f.stat().st_size for f in files)
    rows = {f.stem: sum(1 for _ in f.open("rb")) - 1 for f in files}
    print(f"extract: {size / 1e6:.0f} MB, physical lines per file: {rows}")

    out = Path(tempfile.mkdtemp(prefix="ipaudit-bench-"))
    try:
        started = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "ipaudit",
                "audit",
                str(extract),
                "--as-of",
                "2025-06-30",
                "--out",
                str(out),
                "--fail-on",
                "never",
                "--quiet",
            ],
            check=False,
        )
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"ipaudit audit (all formats, child process): {wall:.1f} s wall, "
            f"peak RSS {peak:.0f} MiB, exit {proc.returncode}"
        )
        _phases(extract, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _phases(extract: Path, out: Path) -> None:
    from ipaudit.engine import AuditOptions, audit
    from ipaudit.extract import read_extract
    from ipaudit.profile import load_profile
    from ipaudit.report import write_reports

    t = time.perf_counter()
    data = read_extract(extract)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    result = audit(data, AuditOptions(as_of=dt.date(2025, 6, 30), profile=load_profile("national")))
    t_audit = time.perf_counter() - t
    print(
        f"  read+validate {t_read:.1f} s ({sum(c.rows_read for c in data.counts.values())} rows), "
        f"audit {t_audit:.1f} s ({result.results.height} results, cohort {result.cohort_size})"
    )
    for fmt in ("json", "csv", "html", "xlsx"):
        t = time.perf_counter()
        write_reports(result, out / fmt, [fmt])
        print(f"  {fmt:<5} {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
