"""The wording shared by every view (report.common) and the run command shared by select and supervision."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from report_fixtures import make_result

from ipaudit import numbers
from ipaudit.extract.columns import TABLE_NAMES
from ipaudit.model import WaiverOutcome
from ipaudit.report import common
from ipaudit.report.trend_chart import Panel
from ipaudit.selection import command_line


def _waiver(state: str) -> WaiverOutcome:
    return WaiverOutcome("IP01", f"P-{state}", "grunn", "leder", dt.date(2025, 12, 31), state)


def test_waivers_are_grouped_in_label_order_with_every_state_present() -> None:
    result = dataclasses.replace(
        make_result(5, with_waivers=False),
        waivers=(_waiver("unused"), _waiver("applied"), _waiver("replaced"), _waiver("unused")),
    )
    groups = common.waivers_by_state(result)
    assert list(groups) == [*common.WAIVER_STATE_LABELS, "replaced"]
    assert [[w.patient_id for w in ws] for ws in groups.values()] == [
        ["P-applied"], [], ["P-unused", "P-unused"], ["P-replaced"]
    ]
    assert common.waiver_state_label("unused") == "Ikke brukt"
    assert common.waiver_state_label("replaced") == "replaced"


def test_every_table_is_labelled_with_its_first_norwegian_name() -> None:
    assert common.TABLE_LABELS == {t: names[0] for t, names in TABLE_NAMES.items()}
    assert common.table_label("episodes") == "episodes (kontakter)"
    assert common.table_label("unknown") == "unknown"


@pytest.mark.parametrize(
    ("previous", "current", "change"),
    [(0.5, 0.512, "+1,2"), (0.5, 0.496, "\u22120,4"), (0.5, 0.5, "±0,0"), (None, 0.5, "–")],
)
def test_the_trend_legend_writes_percentage_points_with_a_decimal_comma(
    previous: float | None, current: float | None, change: str
) -> None:
    panel = Panel(rule_id="IP01", title="", severity="", path="", points=[], y_ticks=[], grid=[], radius=1.0,
                  previous=previous, current=current, n_previous=2, n_current=2)
    assert panel.change == change
    assert numbers.fmt_pct(0.875) == "87,5\u00a0%"


def test_select_and_audit_commands_share_every_run_argument() -> None:
    result = make_result(5)
    result = dataclasses.replace(result, period_to=result.as_of - dt.timedelta(days=1))
    loc = result.extract.location
    run = f"--as-of {result.as_of} --profile national --from {result.period_from} --to {result.period_to}"
    select = command_line("select", result, before=("--n", "3"), pseudonymized=True)
    audit = command_line("audit", result, after=("--format", "supervision"))
    assert select == f"ipaudit select {loc} --n 3 {run} --waivers UNNTAKSFIL --pseudonymize NØKKELFIL"
    assert audit == f"ipaudit audit {loc} {run} --format supervision --waivers UNNTAKSFIL"


IMPORT_FIRST = ("ipaudit.selection", "ipaudit.report", "ipaudit.report.supervision", "ipaudit.pipeline")
#: In one fresh interpreter: for each module, forget every ipaudit module, import that one first,
#: then the rest. Circular imports are among ipaudit's own modules, so keeping polars and the
#: other libraries imported between rounds tests the same thing at a quarter of the cost.
IMPORT_ORDERS = """
import importlib, sys
for first in sys.argv[1:]:
    for name in [n for n in sys.modules if n == "ipaudit" or n.startswith("ipaudit.")]:
        del sys.modules[name]
    importlib.import_module(first)
    for name in ("ipaudit.selection", "ipaudit.report", "ipaudit.pipeline"):
        importlib.import_module(name)
    print("ok", first)
"""


def test_selection_and_the_reports_import_in_any_order() -> None:
    done = subprocess.run([sys.executable, "-c", IMPORT_ORDERS, *IMPORT_FIRST], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], check=False)
    assert done.stdout.split("\n")[:-1] == [f"ok {first}" for first in IMPORT_FIRST], done.stderr
