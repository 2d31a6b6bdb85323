"""One orchestration: ``ipaudit.pipeline`` orders the steps, the CLI and the views do not.

Checks the boundaries the issue names (the CLI orders no audit step, no view draws or
pseudonymises, ``ipaudit.model`` does not import ``ipaudit.history``), that the pipeline's
order protects patients (drawn on real ids, then pseudonymised, then recorded), and that a
fixed clock makes every report byte for byte the same.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import write_extract

from ipaudit.engine import AuditOptions
from ipaudit.pipeline import RunRequest, run
from ipaudit.profile import load_profile
from ipaudit.pseudonymize import Key, pseudonym
from ipaudit.report import REVIEW_WORKBOOK
from ipaudit.report.common import fmt_datetime
from ipaudit.selection import SampleSpec, select_sample

PACKAGE = Path(__file__).parents[1] / "ipaudit"
CLOCK = dt.datetime(2025, 7, 1, 6, 15, 0)
KEY = Key(b"tilsynssak-2025-nokkel-pipeline")


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names), at any depth of the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _calls(path: Path) -> set[str]:
    """The names of every function called in ``path`` (``f(...)`` and ``x.f(...)``)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            out.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return out


def test_the_model_does_not_import_the_history() -> None:
    assert not {n for n in _imports(PACKAGE / "model.py") if n.startswith("ipaudit.history")}
    code = "import sys, ipaudit.model; sys.exit('ipaudit.history' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_no_view_draws_samples_or_pseudonymises() -> None:
    for path in sorted((PACKAGE / "report").glob("*.py")):
        imports, calls = _imports(path), _calls(path)
        assert not {n for n in imports if n.startswith("ipaudit.pseudonymize")}, path.name
        assert not calls & {"select_sample", "draw_sample", "pseudonymized", "pseudonymize_result"}, path.name
        assert not {n for n in imports if n.startswith("ipaudit.history.store")}, path.name
        assert "open_history" not in calls, path.name


def test_the_cli_orders_no_audit_step() -> None:
    """The auditing commands parse options and call ``pipeline.run``; no step of their own."""
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    steps = {"run_lock", "audit", "draw_sample", "select_sample", "pseudonymize_result", "pseudonymized",
             "open_history", "recording", "write_reports", "write_views", "read_extract", "run_audit"}
    commands = {"audit", "select_command"}
    seen = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in commands:
            seen.add(node.name)
            calls = {
                c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "")
                for c in ast.walk(node)
                if isinstance(c, ast.Call)
            }
            assert "run" in calls and not calls & steps, (node.name, calls & steps)
    assert seen == commands
    imported = _imports(PACKAGE / "cli.py")
    forbidden = {"ipaudit.engine.audit", "ipaudit.lock.run_lock", "ipaudit.pseudonymize.pseudonymize_result",
                 "ipaudit.pseudonymize.pseudonymize_frame", "ipaudit.report.write_reports"}
    assert not imported & forbidden


def _request(extract: Path, out: Path, **kwargs: object) -> RunRequest:
    options = AuditOptions(as_of=dt.date(2025, 6, 30), profile=load_profile("national"))
    return RunRequest(
        extract=extract,
        options=options,
        out_dir=out,
        formats=("html", "xlsx", "json", "csv", "supervision"),
        clock=lambda: CLOCK,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_extract(tmp_path_factory.mktemp("pipeline") / "uttrekk")


def test_a_fixed_clock_gives_the_same_bytes(extract: Path, tmp_path: Path) -> None:
    first = run(_request(extract, tmp_path / "a"))
    second = run(_request(extract, tmp_path / "b"))
    assert first.result.generated_at == CLOCK
    names = [p.name for p in first.written]
    assert names == [p.name for p in second.written]
    for name in names:
        if name.endswith(".xlsx"):  # zip members carry their own time stamps; compared by cells elsewhere
            continue
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert fmt_datetime(CLOCK) in (tmp_path / "a" / "ipaudit-report.html").read_text("utf-8")


def test_the_sample_is_drawn_on_real_ids_then_pseudonymised(extract: Path, tmp_path: Path) -> None:
    plain = run(_request(extract, tmp_path / "plain"))
    keyed = run(_request(extract, tmp_path / "keyed", key=KEY))
    assert plain.sample is not None and keyed.sample is not None
    real = plain.sample.patients.get_column("patient_id").to_list()
    assert keyed.sample.patients.get_column("patient_id").to_list() == [pseudonym(KEY, p) for p in real]
    assert keyed.result.pseudonymized and not plain.result.pseudonymized
    assert set(keyed.result.results.get_column("patient_id")) <= {pseudonym(KEY, p) for p in ("0001", "0002")}


def test_select_draws_exactly_as_asked(extract: Path, tmp_path: Path) -> None:
    request = dataclasses.replace(
        _request(extract, tmp_path), formats=(REVIEW_WORKBOOK,), sample=SampleSpec(5, 3, "unit")
    )
    outcome = run(request)
    assert outcome.sample is not None and outcome.sample.n == 5
    assert [p.name for p in outcome.written] == ["ipaudit-stikkprove.xlsx"]
    expected = select_sample(outcome.result, 5, 3, "unit")
    assert outcome.sample.patients.equals(expected)


def test_history_is_recorded_after_pseudonymising(extract: Path, tmp_path: Path) -> None:
    history = tmp_path / "h.sqlite"
    outcome = run(_request(extract, tmp_path / "o", key=KEY, history_path=history))
    assert outcome.history is not None and outcome.history.run_id is not None
    assert "finding_id" in outcome.result.results.columns
    import sqlite3

    with sqlite3.connect(history) as conn:
        ids = {row[0] for row in conn.execute("SELECT patient_id FROM findings")}
    assert ids and all(i.startswith("P-") for i in ids)
