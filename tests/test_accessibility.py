"""Universal design: axe-core finds nothing on the main, history and supervision reports.

Norwegian public web solutions must meet WCAG 2.1 AA (likestillings- og
diskrimineringsloven § 18, forskrift om universell utforming av IKT). The three HTML
reports are opened in headless Chromium — one browser for the whole session — and
checked with axe-core's default rule set (WCAG A/AA and best practice: landmarks, table
headers, names of images and links, colour contrast of text). What axe cannot judge in an
SVG chart is measured here: each bar names its rule, and warning bars stand apart from
error bars and from the page by at least 3:1 (WCAG 1.4.11), with a legend.

The browser is Debian's ``chromium`` (``.ci/run`` installs it), driven by Playwright, which
is pointed at it and never downloads a browser of its own; axe-core's script comes from the
PyPI package ``axe-playwright-python``. Without a browser these tests are skipped, and say
why — except under ``.ci/run``, which installs the browser and sets IPAUDIT_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import importlib.resources
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from report_fixtures import make_recorded, make_result

from ipaudit.pseudonymize import pseudonymize_result
from ipaudit.report import write_reports

pytestmark = pytest.mark.slow

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: As root (CI) Chromium runs only without its sandbox; the rest keeps a closed network quiet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
KEY = b"universell-utforming-0123456789ab"
#: Findings listed per rule in the test reports: few, so that every list is capped with a notice.
LIMIT = 3
TH_WITHOUT_SCOPE = re.compile(r"<th(?![^>]*\bscope=\"(col|row|colgroup|rowgroup)\")[\s>]")


def _chromium() -> str | None:
    """The browser: $IPAUDIT_CHROMIUM, else the first of CHROMIUM_NAMES on PATH."""
    wanted = os.environ.get("IPAUDIT_CHROMIUM")
    if wanted:
        return shutil.which(wanted)
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def _axe_script() -> str:
    return importlib.resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def _skip(reason: str) -> NoReturn:
    """Skip, or fail where a browser is required (``.ci/run`` sets IPAUDIT_REQUIRE_BROWSER=1)."""
    if os.environ.get("IPAUDIT_REQUIRE_BROWSER"):
        pytest.fail(f"accessibility tests need a browser: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for every test of this session (skipped, with the reason, without one)."""
    executable = _chromium()
    if executable is None:
        _skip(f"no Chromium on PATH ({', '.join(CHROMIUM_NAMES)}); install Debian's chromium "
              "(apt-get install chromium) or set IPAUDIT_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip("playwright is not installed (make install installs the test tools)")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, chromium_sandbox=False)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three HTML reports, written as ``ipaudit audit`` writes them.

    Small (axe takes about a second per thousand elements), yet with every part a page can
    have: all statuses, waivers, rejected rows, units, capped lists, a trend of four runs.
    """
    out = tmp_path_factory.mktemp("uu")
    main = make_result(16)
    write_reports(main, out / "main", ["html"], html_limit=LIMIT)
    history = make_recorded(16, out / "h.sqlite", earlier_runs=3)
    write_reports(history.result, out / "history", ["html"], html_limit=LIMIT, context=history.context)
    write_reports(pseudonymize_result(main, KEY), out / "supervision", ["supervision"])
    return {
        "main": out / "main" / "ipaudit-report.html",
        "history": out / "history" / "ipaudit-report.html",
        "supervision": out / "supervision" / "ipaudit-tilsynsrapport.html",
    }


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page()
    yield opened
    opened.close()


def _violations(results: dict[str, Any]) -> str:
    lines = []
    for v in results["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']} — {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("report", ["main", "history", "supervision"])
def test_axe_core_finds_no_violation(report: str, reports: dict[str, Path], page: Any) -> None:
    page.goto(reports[report].as_uri())
    page.evaluate(_axe_script())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert results["violations"] == [], _violations(results)


@pytest.mark.parametrize("report", ["main", "history", "supervision"])
def test_every_table_header_has_a_scope(report: str, reports: dict[str, Path]) -> None:
    text = reports[report].read_text(encoding="utf-8")
    assert "<th" in text and not TH_WITHOUT_SCOPE.search(text)


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return r / 255, g / 255, b / 255


def _luminance(css: str) -> float:
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(css)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS colours ``rgb(r, g, b)``."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_as_wcag_says() -> None:
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


def test_bars_name_their_rule_and_severities_stand_apart(reports: dict[str, Path], page: Any) -> None:
    page.goto(reports["main"].as_uri())
    labels = page.eval_on_selector_all("svg.bar", "els => els.map(e => e.getAttribute('aria-label'))")
    rows = page.eval_on_selector_all(".bar-label a", "els => els.map(e => e.textContent)")
    assert labels and len(labels) == len(rows)
    for rule_id, label in zip(rows, labels, strict=True):
        assert re.match(rf"{rule_id}: (\d+,\d %|ingen etterlevelsesgrad), ", label.replace("\u00a0", " ")), label
    fill = "el => getComputedStyle(el).fill"
    error = page.eval_on_selector(".bar-legend .bar-fg.error", fill)
    warning = page.eval_on_selector(".bar-legend .bar-fg.warning", fill)
    background = page.eval_on_selector("svg.bar .bar-bg", fill)
    assert contrast(error, warning) >= 3, (error, warning)
    assert contrast(error, background) >= 3 and contrast(warning, background) >= 3
    legend = page.inner_text(".bar-legend")
    assert "Feil" in legend and "Advarsel" in legend
