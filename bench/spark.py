"""Spark engine figures for docs/scale-out.md: time, memory and what travels to the driver.

    python bench/spark.py [--master local[2]] [--polars] EXTRACT_DIR_OR_SIZE...

Each argument is an extract directory or a bench size (``100k``, ``1M``: the extract of
``bench/generate.py``, Parquet and CSV). Per extract, in one process: the Spark session's
start (once), ``read_extract_spark`` (reading and validating in Spark), the audit (the
document stage runs in Spark when the engine asks for it) and the JSON report; with
``--polars`` the same on one machine. Printed: wall times, the peak resident memory of the
whole process tree (driver, JVM, Python workers; sampled every 0.2 s) and the in-memory size
of every frame the driver received. Figures, not asserts; run under ``nice`` and quote the
load average with them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import AS_OF, extract_dir, parse_size  # noqa: E402

from ipaudit.engine import AuditOptions, audit  # noqa: E402
from ipaudit.extract import read_extract  # noqa: E402
from ipaudit.profile import load_profile  # noqa: E402
from ipaudit.report import make_views, write_views  # noqa: E402


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class PeakMemory:
    """Samples the process tree's resident memory in a thread; ``peak`` in bytes since ``reset``."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_rss(os.getpid()))

    def reset(self) -> None:
        self.peak = _tree_rss(os.getpid())


def _mb(size: float) -> str:
    return f"{size / 1e6:,.1f} MB"


def _extracts(arguments: list[str]) -> list[Path]:
    found: list[Path] = []
    for argument in arguments:
        if Path(argument).is_dir():
            found.append(Path(argument))
        else:
            found.extend(extract_dir(parse_size(argument), fmt) for fmt in ("parquet", "csv"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extracts", nargs="+")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--polars", action="store_true", help="also time the one-machine engine")
    args = parser.parse_args()
    memory = PeakMemory()
    options = AuditOptions(as_of=AS_OF, profile=load_profile("national"))
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    started = time.perf_counter()
    from ipaudit.spark import read_extract_spark, spark_session

    spark = spark_session(args.master)
    print(f"Spark session on {args.master}: {time.perf_counter() - started:.1f} s")
    for extract in _extracts(args.extracts):
        print(f"\n{extract}  ({_mb(sum(f.stat().st_size for f in extract.iterdir()))} on disk)")
        engines = [("spark", lambda p: read_extract_spark(str(p), spark=spark))]
        if args.polars:
            engines.append(("polars", read_extract))
        for name, reader in engines:
            memory.reset()
            t0 = time.perf_counter()
            data = reader(extract)
            t1 = time.perf_counter()
            stage = data.document_stage
            captured: dict[str, object] = {}
            if stage is not None:
                def spy(window, as_of, patterns, _stage=stage):  # type: ignore[no-untyped-def]
                    documents, evidence = _stage(window, as_of, patterns)
                    captured.update(window=window, documents=documents, evidence=evidence)
                    return documents, evidence

                data = dataclasses.replace(data, document_stage=spy)
            result = audit(data, options)
            t2 = time.perf_counter()
            with tempfile.TemporaryDirectory() as out:
                write_views(result, Path(out), make_views(["json"]))
            t3 = time.perf_counter()
            if stage is not None and hasattr(stage, "release"):
                stage.release()
            docs = data.counts["documents"].rows_read
            print(
                f"  {name:6} read+validate {t1 - t0:6.1f} s   audit {t2 - t1:6.1f} s   json {t3 - t2:5.1f} s   "
                f"total {t3 - t0:6.1f} s   peak RSS (tree) {_mb(memory.peak)}   documents {docs:,}"
            )
            if stage is not None:
                small = sum(frame.estimated_size() for table, frame in data.tables.items() if table != "documents")
                print(f"         to the driver: patient-sized tables {_mb(small)}, "
                      f"rejected rows {data.rejected.height:,} ({_mb(data.rejected.estimated_size())}), "
                      f"windowed documents {captured['documents'].height:,} "  # type: ignore[attr-defined]
                      f"({_mb(captured['documents'].estimated_size())}), "  # type: ignore[attr-defined]
                      f"evidence rows {captured['evidence'].height:,} "  # type: ignore[attr-defined]
                      f"({_mb(captured['evidence'].estimated_size())}); "  # type: ignore[attr-defined]
                      f"sent: cohort window {captured['window'].height:,} rows "  # type: ignore[attr-defined]
                      f"({_mb(captured['window'].estimated_size())})")  # type: ignore[attr-defined]
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
