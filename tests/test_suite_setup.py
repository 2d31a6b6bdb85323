"""The test suite runs on every core and CI runs all of it (issue 13: make test under a minute)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_make_test_runs_every_test_on_every_core() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert any(dep.startswith("pytest-xdist") for dep in project["project"]["optional-dependencies"]["test"])
    makefile = (ROOT / "Makefile").read_text("utf-8")
    test_recipe = re.search(r"^test: .*\n\t(.*)$", makefile, re.M)
    assert test_recipe and "-n auto" in test_recipe.group(1) and "not slow" not in test_recipe.group(1)
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_slow_is_a_registered_marker_that_only_quick_runs_skip() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert any(m.startswith("slow:") for m in project["tool"]["pytest"]["ini_options"]["markers"])
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert re.search(r'^test-quick: .*\n\t.*-m "not slow"', makefile, re.M)
