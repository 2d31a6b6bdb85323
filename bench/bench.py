"""Benchmark: `ipaudit audit` against its floor (polars reading every table), per size and format.

For every size (``BENCH_SIZES``, default ``100k,1M`` patients; ten documents per patient)
and format (Windows-1252 ``;`` CSV and Parquet) the extract is generated once into
``bench/.data`` (``bench/generate.py``), then two child processes run one after the other:

- the floor: polars reads every table of the extract, every column, as text
  (CSV through polars' own Windows-1252 path);
- ``ipaudit audit EXTRACT --format json`` as a user runs it.

Each prints wall time and peak RSS (from ``wait4``, per child); the table ends with the
ratios audit/floor and issue 11's targets (wall ≤ 1.5 × floor, peak RSS ≤ 3 GB at 1 M
patients) and its DuckDB peer figures. ``--huge`` instead audits 100 M documents (10 M
patients) from Parquet once and reports time and peak RSS. ``--phases`` times read, audit
and each report format in-process. Figures, not asserts: nothing here fails a build.
Run it under ``nice`` on a shared machine and say so when quoting the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import AS_OF, extract_dir, parse_size, size_label  # noqa: E402

#: Issue 11's DuckDB peer (the five core rules as SQL): seconds and MB, per (size, format).
PEER = {
    ("100k", "csv"): (7.0, 402),
    ("100k", "parquet"): (3.3, 289),
    ("1M", "csv"): (41.4, 2400),
    ("1M", "parquet"): (18.6, 2000),
}
#: Issue 11's figures for ipaudit before the work, per (size, format).
BEFORE = {
    ("100k", "csv"): (9.4, 770),
    ("100k", "parquet"): (6.0, 695),
    ("1M", "csv"): (102, 6200),
    ("1M", "parquet"): (35.5, 4600),
}

_FLOOR = """
import sys, polars as pl
from pathlib import Path
for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.suffix == ".csv":
        pl.read_csv(path, separator=";", encoding="windows-1252", infer_schema=False)
    elif path.suffix == ".parquet":
        pl.read_parquet(path)
"""


@dataclass(frozen=True)
class Run:
    """One child process: wall seconds, peak RSS in MB, exit code."""

    wall: float
    peak_mb: float
    code: int


def run_child(command: list[str], rss_cap_mb: float | None = None) -> Run:
    """Run a command and measure its own wall time and peak RSS (not its siblings').

    With ``rss_cap_mb`` the child is killed once its RSS passes the cap (the machine is
    shared: a run that would exhaust it is stopped and reported, exit code -9)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG if rss_cap_mb else 0)
        if pid:
            break
        if rss_cap_mb and _rss_mb(proc.pid) > rss_cap_mb:
            print(f"  killed: RSS above {_mb(rss_cap_mb)} after {time.perf_counter() - started:.0f} s", flush=True)
            proc.kill()
        time.sleep(0.5)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_maxrss / 1024, proc.returncode)


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def floor(extract: Path) -> Run:
    """polars reading every table of the extract."""
    return run_child([sys.executable, "-c", _FLOOR, str(extract)])


def audit(extract: Path, out: Path, rss_cap_mb: float | None = None) -> Run:
    """``ipaudit audit --format json`` as a user runs it."""
    command = [sys.executable, "-m", "ipaudit", "audit", str(extract), "--as-of", AS_OF.isoformat()]
    command += ["--out", str(out), "--format", "json", "--fail-on", "never", "--quiet"]
    return run_child(command, rss_cap_mb)


def _mb(value: float) -> str:
    return f"{value / 1000:.1f} GB" if value >= 1000 else f"{value:.0f} MB"


def _size_of(extract: Path) -> str:
    return _mb(sum(f.stat().st_size for f in extract.iterdir() if f.is_file()) / 1e6)


def bench(sizes: list[int], formats: list[str], phases: bool) -> None:
    """Floor and audit per size and format, then one table of the figures."""
    rows = []
    for patients in sizes:
        for fmt in formats:
            label = size_label(patients)
            started = time.perf_counter()
            extract = extract_dir(patients, fmt)
            generated = time.perf_counter() - started
            print(f"{label} {fmt}: {extract} ({_size_of(extract)}; ready in {generated:.1f} s)", flush=True)
            base = floor(extract)
            out = Path(tempfile.mkdtemp(prefix="ipaudit-bench-"))
            try:
                result = audit(extract, out)
                if phases:  # in a child of its own, so its memory never counts in another's peak
                    run_child([sys.executable, __file__, "--phases-of", str(extract), "--out", str(out)])
            finally:
                shutil.rmtree(out, ignore_errors=True)
            rows.append((label, fmt, base, result))
            print(
                f"  floor {base.wall:.1f} s {_mb(base.peak_mb)}; audit {result.wall:.1f} s {_mb(result.peak_mb)}",
                flush=True,
            )
    print()
    print(
        "| extract | floor (polars reads every table) | ipaudit audit --format json | wall / floor "
        "| peak RSS | issue: before | issue: DuckDB peer |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, fmt, base, result in rows:
        ratio = result.wall / base.wall if base.wall else float("nan")
        failed = "" if result.code == 0 else f" (exit {result.code})"
        before = BEFORE.get((label, fmt))
        peer = PEER.get((label, fmt))
        print(
            f"| {label} patients, {fmt} | {base.wall:.1f} s, {_mb(base.peak_mb)} | {result.wall:.1f} s, "
            f"{_mb(result.peak_mb)}{failed} | {ratio:.2f} × | {result.peak_mb / base.peak_mb:.2f} × floor | "
            f"{_pair(before)} | {_pair(peer)} |"
        )
    print("\ntargets (issue 11): wall ≤ 1.5 × floor and peak RSS ≤ 3 GB at 1M patients / 10M documents")


def _pair(figures: tuple[float, float] | None) -> str:
    return "–" if figures is None else f"{figures[0]} s, {_mb(figures[1])}"


def huge(patients: int, rss_cap_mb: float) -> None:
    """Generate (once) and audit a Parquet extract of ``patients`` × 10 documents."""
    started = time.perf_counter()
    extract = extract_dir(patients, "parquet")
    print(
        f"{size_label(patients)} parquet: {extract} ({_size_of(extract)}; "
        f"ready in {time.perf_counter() - started:.0f} s)"
    )
    out = Path(tempfile.mkdtemp(prefix="ipaudit-bench-"))
    try:
        result = audit(extract, out, rss_cap_mb)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"ipaudit audit --format json: {result.wall:.0f} s wall, peak RSS {_mb(result.peak_mb)}, exit {result.code}")


def _phases(extract: Path, out: Path) -> None:
    """In-process times of reading, auditing and writing each report format."""
    from ipaudit.engine import AuditOptions
    from ipaudit.engine import audit as run_audit
    from ipaudit.extract import read_extract
    from ipaudit.profile import load_profile
    from ipaudit.report import write_reports

    t = time.perf_counter()
    data = read_extract(extract)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    result = run_audit(data, AuditOptions(as_of=AS_OF, profile=load_profile("national")))
    t_audit = time.perf_counter() - t
    rows = sum(c.rows_read for c in data.counts.values())
    print(
        f"  in-process: read+validate {t_read:.1f} s ({rows} rows), audit {t_audit:.1f} s (cohort {result.cohort_size})"
    )
    for fmt in ("json", "csv", "html", "xlsx"):
        t = time.perf_counter()
        write_reports(result, out / fmt, [fmt])
        print(f"  {fmt:<5} {time.perf_counter() - t:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "100k,1M"), help="patients, e.g. 100k,1M")
    parser.add_argument("--formats", default=os.environ.get("BENCH_FORMATS", "csv,parquet"))
    parser.add_argument("--phases", action="store_true", help="also time read, audit and each format in-process")
    parser.add_argument("--rss-cap-gb", type=float, default=22, help="--huge: stop the audit above this RSS")
    parser.add_argument("--phases-of", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--huge", nargs="?", const="10M", help="audit PATIENTS×10 documents from Parquet (10M)")
    args = parser.parse_args()
    if args.phases_of:
        _phases(args.phases_of, args.out)
        return
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if args.huge:
        huge(parse_size(args.huge), args.rss_cap_gb * 1000)
        return
    bench([parse_size(s) for s in args.sizes.split(",")], args.formats.split(","), args.phases)


if __name__ == "__main__":
    main()
