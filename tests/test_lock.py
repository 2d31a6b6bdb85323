"""Cron safety: one run per output directory, no stale lock after a kill, reports survive SIGKILL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
from fnmatch import fnmatch
from pathlib import Path

import pytest

from ipaudit.errors import InputError
from ipaudit.lock import LOCK_NAME, run_lock
from ipaudit.report.reportset import STALE_PATTERN, recover

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,  # type: ignore[arg-type]
    )


TRY_LOCK = """
    import sys
    from ipaudit.errors import InputError
    from ipaudit.lock import run_lock
    try:
        with run_lock(sys.argv[1]):
            print("fikk låsen")
    except InputError as exc:
        print(exc)
        sys.exit(2)
"""

HOLD_LOCK = """
    import sys, time
    from ipaudit.lock import run_lock
    with run_lock(sys.argv[1]):
        print("holder", flush=True)
        time.sleep(60)
"""


def test_a_second_run_on_the_same_out_dir_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "rapporter"
    with run_lock(out) as lock_file:
        assert lock_file == out / LOCK_NAME
        child = _python(TRY_LOCK, str(out))
        stdout, _ = child.communicate(timeout=60)
    assert child.returncode == 2
    assert stdout.startswith("En annen ipaudit-kjøring")
    assert f"(pid {os.getpid()})" in stdout and str(out) in stdout
    assert len(stdout.strip().splitlines()) == 1


def test_the_lock_is_refused_in_the_same_process_too(tmp_path: Path) -> None:
    with run_lock(tmp_path), pytest.raises(InputError, match="skriver allerede"), run_lock(tmp_path):
        pass


def test_the_lock_is_free_again_after_the_block(tmp_path: Path) -> None:
    with run_lock(tmp_path):
        pass
    child = _python(TRY_LOCK, str(tmp_path))
    stdout, _ = child.communicate(timeout=60)
    assert (child.returncode, stdout.strip()) == (0, "fikk låsen")


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    holder = _python(HOLD_LOCK, str(tmp_path))
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holder"
        with pytest.raises(InputError, match=f"pid {holder.pid}"), run_lock(tmp_path):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    assert holder.returncode == -signal.SIGKILL
    with run_lock(tmp_path):  # no stale lock to clean up
        assert (tmp_path / LOCK_NAME).read_text().strip() == str(os.getpid())


def test_the_out_dir_is_created_and_the_lock_file_is_hidden(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    with run_lock(out) as lock_file:
        assert out.is_dir() and lock_file.name.startswith(".")


def test_an_out_dir_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("x")
    with pytest.raises(InputError, match="kan ikke opprettes"):
        with run_lock(tmp_path / "fil" / "rapporter"):
            pass


# --- SIGKILL while reports are being written ----------------------------------------------

REPORTS = (
    "ipaudit-report.html",
    "ipaudit-report.xlsx",
    "ipaudit-results.json",
    "ipaudit-results.csv",
    "ipaudit-tilsynsrapport.html",
)

WRITE_FOREVER = """
    import dataclasses, sys
    from pathlib import Path
    from ipaudit.report import FORMATS, write_reports
    from tests.report_fixtures import make_result

    result = make_result(int(sys.argv[2]))
    print("klar", flush=True)
    night = 0
    while True:
        night += 1
        write_reports(dataclasses.replace(result, cohort_size=night), Path(sys.argv[1]), FORMATS)
        print("skrevet", night, flush=True)
"""


def _assert_complete(out: Path) -> None:
    import openpyxl
    import polars as pl

    document = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    assert document["tool"] == "ipaudit" and isinstance(document["results"], list)
    workbook = openpyxl.load_workbook(out / "ipaudit-report.xlsx", read_only=True)
    assert "Funn" in workbook.sheetnames
    workbook.close()
    assert (out / "ipaudit-report.html").read_text("utf-8").rstrip().endswith("</html>")
    assert "rule_id" in pl.read_csv(out / "ipaudit-results.csv", infer_schema=False).columns
    pl.read_csv(out / "ipaudit-rejected.csv", infer_schema=False)
    visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    expected = {*REPORTS, "ipaudit-rejected.csv", "ipaudit-waivers.csv", "ipaudit-manifest.json"}
    assert visible == expected, "a temporary file looks like a report"
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != LOCK_NAME]
    # Hidden and removed by the next run's ``recover``: a staging folder, the commit journal, and
    # the journal's own temporary file when the kill lands while it is written.
    allowed = (".ipaudit-staging-", ".ipaudit-commit")
    assert all(name.startswith(allowed) or fnmatch(name, STALE_PATTERN) for name in leftovers), leftovers


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_a_run_killed_while_writing_leaves_the_previous_reports_readable(tmp_path: Path) -> None:
    from ipaudit.report import FORMATS, write_reports
    from tests.report_fixtures import make_result

    out = tmp_path / "rapporter"
    write_reports(make_result(50), out, FORMATS)  # last night's good reports
    _assert_complete(out)
    small = len(json.loads((out / "ipaudit-results.json").read_text("utf-8"))["results"])
    rng = random.Random(20250630)
    interrupted = 0
    for _ in range(2):
        writer = _python(WRITE_FOREVER, str(out), "800")
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "klar"
            # One complete write first, so the kill lands in the middle of replacing good reports.
            assert writer.stdout.readline().strip() == "skrevet 1", writer.stderr.read() if writer.stderr else ""
            try:
                writer.wait(timeout=rng.uniform(0.0, 0.8))
            except subprocess.TimeoutExpired:
                pass
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.communicate(timeout=60)
        assert writer.returncode == -signal.SIGKILL
        _assert_complete(out)
        assert len(json.loads((out / "ipaudit-results.json").read_text("utf-8"))["results"]) > small
        interrupted += any(p.name.startswith(".ipaudit-") for p in out.iterdir())
        recover(out)  # what the next run does first, under the lock
        hidden = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != LOCK_NAME]
        assert not hidden, f"recover left {hidden} behind"
    assert interrupted, "no kill landed in the middle of a write; the test proved nothing"
