"""The wheel carries every package, the templates and the profiles, and works from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("ipaudit-*.whl"))


def test_wheel_holds_every_package_template_and_profile(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in (ROOT / "ipaudit").rglob("__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names, (
            f"{init.parent.name} is not in the wheel (pyproject packages)"
        )
    for profile in (ROOT / "ipaudit" / "profiles").glob("*.toml"):
        assert f"ipaudit/profiles/{profile.name}" in names
    templates = [p for p in (ROOT / "report_templates").iterdir() if p.suffix in {".j2", ".html", ".css"}]
    assert templates
    for template in templates:
        assert f"ipaudit/report_templates/{template.name}" in names


def test_installed_wheel_audits_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ipaudit.cli; ipaudit.cli.main()",
            "audit",
            str(ROOT / "sample_data" / "extract"),
            "--as-of",
            "2025-06-30",
            "--out",
            "rapport",
            "--profile",
            "unn",
            "--fail-on",
            "never",
            "--quiet",
        ],
        cwd=work,
        env={**env, "PYTHONNOUSERSITE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (work / "rapport" / "ipaudit-report.html").stat().st_size > 10_000
    import ipaudit

    assert not str(ipaudit.__file__).startswith(str(target))


def test_license_is_an_spdx_expression(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        metadata = next(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: MIT" in metadata.splitlines()


def test_gitignore_ignores_no_committed_file_and_every_default_output() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked_but_ignored = subprocess.run(
        ["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked_but_ignored == []
    for generated in ("ipaudit-out/ipaudit-report.html", "out/ipaudit-report.html", ".venv/x", "build/x"):
        ignored = subprocess.run(["git", "check-ignore", "-q", generated], cwd=ROOT)
        assert ignored.returncode == 0, generated
