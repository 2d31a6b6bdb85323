"""The run history: new / still failing / resolved across runs, migration, refusal, trend."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from ipaudit.errors import InputError
from ipaudit.extract.model import Extract, SourceFile
from ipaudit.history import SCHEMA_VERSION, Comparison, finding_id, open_history, render_trend
from ipaudit.model import AuditResult
from ipaudit.waivers import Waiver
from tests.builders import AS_OF, CONSENT, INFO, WANTS, days, make_extract, run

SECRET = "Pasienten fortalte om HEMMELIG-JOURNALTEKST til sykepleier."

# --- two nights of the same unit --------------------------------------------------------
#
# P1: no information in night 1, an INFO_IP note by night 2    → IP01:P1 resolved (now pass)
# P2: no information either night                              → IP01:P2 still failing
#     no consent either night, waived in night 2               → IP03:P2 waived since
# P3: not assessed in night 1, assessed with nothing by night 2 → IP01:P3 new
# P4: in night 1's cohort, its assessment gone from night 2     → IP01:P4 resolved (absent)
# P5: consent missing in night 1, a consent note by night 2     → IP03:P5 resolved


def _night(patients: list[str], documents: list[dict]) -> Extract:
    return make_extract(assessments=[{**WANTS, "patient_id": p} for p in patients], documents=documents)


NIGHT_1 = {"patients": ["P1", "P2", "P4", "P5"], "documents": [{"patient_id": "P5", "doc_date": days(2), "text": INFO}]}
NIGHT_2 = {
    "patients": ["P1", "P2", "P3", "P5"],
    "documents": [
        {"patient_id": "P5", "doc_date": days(2), "text": INFO},
        {"patient_id": "P5", "doc_date": days(3), "text": CONSENT},
        {"patient_id": "P1", "doc_date": days(4), "doc_type": "INFO_IP", "text": SECRET},
    ],
}
WAIVER = Waiver("IP03", "P2", "Pasienten ønsket ikke melding", "Kvalitetsleder", dt.date(2025, 12, 31))


def _audit(night: dict, *, as_of: dt.date = AS_OF, profile: str = "national", **options) -> AuditResult:
    return run(_night(**night), as_of=as_of, profile=profile, **options)


def _fails(result: AuditResult) -> set[str]:
    rows = result.results.filter(pl.col("status") == "fail").select("rule_id", "patient_id").iter_rows()
    return {finding_id(rule, patient) for rule, patient in rows}


def _statuses(result: AuditResult) -> dict[str, str]:
    rows = result.results.select("rule_id", "patient_id", "status").iter_rows()
    return {finding_id(rule, patient): status for rule, patient, status in rows}


def _ids(frame: pl.DataFrame) -> set[str]:
    return set(frame.get_column("finding_id").to_list())


@pytest.fixture
def history_path(tmp_path: Path) -> Path:
    return tmp_path / "historikk.sqlite"


@pytest.fixture
def two_nights(history_path: Path) -> tuple[AuditResult, AuditResult, Comparison, Comparison]:
    first = _audit(NIGHT_1)
    second = _audit(NIGHT_2, as_of=AS_OF + dt.timedelta(days=1), waivers=(WAIVER,))
    with open_history(history_path) as history:
        one = history.record(first)
        two = history.record(second)
    return first, second, one, two


def test_finding_id_is_rule_and_patient() -> None:
    assert finding_id("IP04", "P-3f2a9c1d0e4b") == "IP04:P-3f2a9c1d0e4b"


def test_first_run_has_no_previous_and_every_fail_is_new(two_nights) -> None:
    first, _, one, _ = two_nights
    assert one.previous_run is None
    assert one.run_id == 1
    assert _ids(one.new) == _fails(first)
    assert one.still_failing.is_empty() and one.resolved.is_empty() and one.waived_since.is_empty()
    assert "første kjøring" in one.describe()


def test_two_runs_give_exactly_the_right_sets(two_nights) -> None:
    first, second, _, two = two_nights
    before, now, status_now = _fails(first), _fails(second), _statuses(second)

    assert two.previous_run is not None
    assert (two.previous_run.run_id, two.previous_run.as_of) == (1, AS_OF)
    # An oracle in plain sets, independent of the polars joins.
    assert _ids(two.new) == now - before
    assert _ids(two.still_failing) == now & before
    assert _ids(two.resolved) == {f for f in before - now if status_now.get(f) != "waived"}
    assert _ids(two.waived_since) == {f for f in before - now if status_now.get(f) == "waived"}
    # The cases the extracts were built for.
    assert {"IP01:P3"} <= _ids(two.new)
    assert "IP01:P2" in _ids(two.still_failing)
    assert {"IP01:P1", "IP01:P4", "IP03:P5"} <= _ids(two.resolved)
    assert _ids(two.waived_since) == {"IP03:P2"}
    assert not _ids(two.new) & _ids(two.still_failing)


def test_resolved_rows_say_what_they_were_and_are(two_nights) -> None:
    *_, two = two_nights
    rows = {row["finding_id"]: row for row in two.resolved.to_dicts()}
    assert rows["IP01:P1"]["current_status"] == "pass"
    assert rows["IP01:P4"]["current_status"] is None  # left the cohort
    assert rows["IP01:P1"]["previous_status"] == "fail"
    assert rows["IP01:P1"]["previous_message"].startswith("Ingen dokumentert informasjon")
    assert (rows["IP01:P4"]["rule_id"], rows["IP01:P4"]["patient_id"]) == ("IP01", "P4")
    waived = two.waived_since.to_dicts()[0]
    assert (waived["current_status"], waived["previous_status"]) == ("waived", "fail")


def test_annotate_marks_fail_rows_new_or_still(two_nights) -> None:
    _, second, _, two = two_nights
    annotated = two.annotate(second.results)
    assert annotated.height == second.results.height
    assert annotated.get_column("finding_id").to_list() == [
        f"{r}:{p}" for r, p in second.results.select("rule_id", "patient_id").iter_rows()
    ]
    change = {row["finding_id"]: row["change"] for row in annotated.to_dicts()}
    assert change["IP01:P3"] == "ny"
    assert change["IP01:P2"] == "fortsatt"
    assert change["IP01:P1"] is None  # pass
    assert change["IP03:P2"] is None  # waived
    fails = annotated.filter(pl.col("status") == "fail")
    assert fails.get_column("change").is_in(["ny", "fortsatt"]).all()
    assert annotated.filter(pl.col("status") != "fail").get_column("change").is_null().all()
    assert set(fails.filter(pl.col("change") == "ny").get_column("finding_id")) == _ids(two.new)


def test_describe_counts_the_sets(two_nights) -> None:
    *_, two = two_nights
    text = two.describe()
    assert "mot kjøring 1" in text and "30.06.2025" in text
    assert f"{two.new.height} nye" in text and f"{two.resolved.height} løst" in text
    assert two.counts == {"new": 5, "still_failing": 11, "resolved": 7, "waived_since": 1}


def test_the_history_does_not_need_click() -> None:
    code = "import sys, ipaudit.history, ipaudit.lock; sys.exit('click' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent).returncode == 0


def test_profiles_do_not_compare_with_each_other(history_path: Path) -> None:
    with open_history(history_path) as history:
        national = history.record(_audit(NIGHT_1))
        unn = history.record(_audit(NIGHT_2, profile="unn"))
        again = history.record(_audit(NIGHT_2))
    assert unn.previous_run is None
    assert again.previous_run is not None and again.previous_run.run_id == national.run_id
    assert "IP01:P3" in _ids(again.new)


def test_compare_records_nothing(history_path: Path) -> None:
    with open_history(history_path) as history:
        history.record(_audit(NIGHT_1))
        peek = history.compare(_audit(NIGHT_2))
        assert peek.run_id is None and peek.previous_run is not None
        assert history.runs().height == 1
        assert peek.trend.get_column("run_id").to_list()[-1] is None  # this run, not yet recorded
        recorded = history.record(_audit(NIGHT_2))
    assert _ids(recorded.new) == _ids(peek.new)
    assert _ids(recorded.resolved) == _ids(peek.resolved)


def test_what_a_run_stores(history_path: Path) -> None:
    first = _audit(NIGHT_2)
    source = SourceFile(table="documents", path=Path("/data/x/documents.csv"), sheet=None, sha256="ab" * 32)
    first = dataclasses.replace(first, extract=dataclasses.replace(first.extract, sources=(source,)))
    with open_history(history_path) as history:
        run_id = history.record(first).run_id
        runs = history.runs().to_dicts()
        inputs = history.inputs(run_id).to_dicts()
    assert runs[0]["tool_version"] == first.tool_version
    assert runs[0]["as_of"] == AS_OF and runs[0]["profile"] == "national"
    assert runs[0]["cohort_size"] == first.cohort_size
    assert runs[0]["findings"] == first.failing.height  # every non-pass result
    assert inputs == [{"table_name": "documents", "file_name": "documents.csv", "sheet": None, "sha256": "ab" * 32}]
    with sqlite3.connect(history_path) as conn:
        counts = conn.execute("SELECT pass, fail, compliance_rate FROM rule_counts WHERE rule_id = 'IP01'").fetchone()
        statuses = {s for (s,) in conn.execute("SELECT DISTINCT status FROM findings")}
    assert counts == (first.rule("IP01").counts["pass"], first.rule("IP01").counts["fail"], 0.5)
    assert "pass" not in statuses


def test_no_journal_text_in_the_file(history_path: Path) -> None:
    with open_history(history_path) as history:
        history.record(_audit(NIGHT_2))
    assert b"HEMMELIG" not in history_path.read_bytes()


def test_a_failed_record_leaves_the_history_as_it_was(history_path: Path) -> None:
    good = _audit(NIGHT_1)
    broken = dataclasses.replace(good, results=good.results.with_columns(pl.lit(None, pl.String).alias("severity")))
    with open_history(history_path) as history:
        history.record(good)
        with pytest.raises(sqlite3.IntegrityError):
            history.record(broken)
        assert history.runs().height == 1
        assert history.record(_audit(NIGHT_2)).previous_run.run_id == 1


def test_a_history_busy_in_another_run_is_one_line(history_path: Path) -> None:
    open_history(history_path).close()
    other = sqlite3.connect(history_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with open_history(history_path, timeout=0.2) as history, pytest.raises(InputError, match="låst"):
            history.record(_audit(NIGHT_1))
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_recording_rolls_back_when_the_reports_fail(history_path: Path) -> None:
    with open_history(history_path) as history:
        history.record(_audit(NIGHT_1))
        with pytest.raises(RuntimeError), history.recording(_audit(NIGHT_2)) as comparison:
            assert comparison.run_id == 2
            assert comparison.trend.get_column("run_id").unique().sort().to_list() == [1, 2]
            raise RuntimeError("disken er full")
        assert history.runs().height == 1
        assert history.record(_audit(NIGHT_2)).run_id == 2


HOLD_RECORDING = """
import sys, time
from ipaudit.history import open_history
from tests.test_history import NIGHT_1, NIGHT_2, _audit

with open_history(sys.argv[1]) as history:
    history.record(_audit(NIGHT_1))
    with history.recording(_audit(NIGHT_2)):
        print("skriver rapporter", flush=True)
        time.sleep(60)
"""


@pytest.mark.slow
def test_a_run_killed_while_recording_leaves_the_history_as_it_was(history_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_RECORDING, str(history_path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "skriver rapporter", child.stderr.read() if child.stderr else ""
        # A second run sharing the history waits for the first, then gives up in one line.
        with open_history(history_path, timeout=0.2) as history, pytest.raises(InputError, match="låst"):
            history.record(_audit(NIGHT_2))
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    with open_history(history_path) as history:
        assert history.runs().get_column("run_id").to_list() == [1]
        again = history.record(_audit(NIGHT_2))
    assert again.previous_run is not None and again.previous_run.run_id == 1


# --- the file itself ---------------------------------------------------------------------

#: The version 1 layout exactly as the first release wrote it (frozen here on purpose: the
#: migration must keep working even if someone edits ipaudit/history/schema.py).
V1_DDL = """
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, as_of TEXT NOT NULL,
    period_from TEXT, period_to TEXT NOT NULL, profile TEXT NOT NULL, cohort_size INTEGER NOT NULL);
CREATE INDEX runs_by_profile ON runs (profile, run_id);
CREATE TABLE rule_counts (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE, rule_id TEXT NOT NULL,
    pass INTEGER NOT NULL, fail INTEGER NOT NULL, pending INTEGER NOT NULL, not_applicable INTEGER NOT NULL,
    waived INTEGER NOT NULL, compliance_rate REAL, UNIQUE (run_id, rule_id));
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE, finding_id TEXT NOT NULL,
    rule_id TEXT NOT NULL, patient_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
    due_date TEXT, message TEXT);
CREATE INDEX findings_by_run ON findings (run_id, status);
INSERT INTO schema_version VALUES (1, '2025-05-01T02:00:00');
INSERT INTO runs VALUES (1, '2025-06-29T02:00:00', '2025-06-29', NULL, '2025-06-29', 'national', 4);
INSERT INTO rule_counts VALUES (1, 'IP01', 1, 3, 0, 0, 0, 0.25);
INSERT INTO findings VALUES (1, 'IP01:P2', 'IP01', 'P2', 'fail', 'error', '2025-03-17', 'Ingen informasjon.');
INSERT INTO findings VALUES (1, 'IP01:P9', 'IP01', 'P9', 'fail', 'error', '2025-03-17', 'Ingen informasjon.');
"""


def _v1_file(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_DDL)
    conn.close()
    return path


def test_a_version_1_file_is_migrated_and_keeps_its_runs(history_path: Path) -> None:
    _v1_file(history_path)
    with open_history(history_path) as history:
        runs = history.runs()
        comparison = history.record(_audit(NIGHT_1))
        trend = history.trend()
    assert SCHEMA_VERSION >= 2
    assert runs.height == 1 and runs.row(0, named=True)["tool_version"] is None
    assert comparison.previous_run is not None and comparison.previous_run.run_id == 1
    assert "IP01:P2" in _ids(comparison.still_failing)
    assert _ids(comparison.resolved) == {"IP01:P9"}
    assert trend.filter(pl.col("run_id") == 1).get_column("compliance_rate").to_list() == [0.25]
    with sqlite3.connect(history_path) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version")]
        columns = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    assert "tool_version" in columns


def test_migration_happens_once(history_path: Path) -> None:
    _v1_file(history_path)
    open_history(history_path).close()
    open_history(history_path).close()
    with sqlite3.connect(history_path) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_file_is_refused(history_path: Path) -> None:
    open_history(history_path).close()
    with sqlite3.connect(history_path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, '2031-01-01T00:00:00')")
    with pytest.raises(InputError, match="skjemaversjon 99") as caught:
        open_history(history_path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"run_id;as_of\n1;2025-06-30\n", "ikke en SQLite-fil"),
        (None, "ikke en ipaudit-historikk"),
    ],
)
def test_a_file_that_is_no_history_is_refused(history_path: Path, content: bytes | None, message: str) -> None:
    if content is None:
        with sqlite3.connect(history_path) as conn:
            conn.execute("CREATE TABLE something_else (x)")
        conn.close()
    else:
        history_path.write_bytes(content)
    before = history_path.read_bytes()
    with pytest.raises(InputError, match=message):
        open_history(history_path)
    assert history_path.read_bytes() == before


def test_a_missing_file_is_created_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="finnes ikke"):
        open_history(tmp_path / "none.sqlite", create=False)
    with pytest.raises(InputError, match="Mappen"):
        open_history(tmp_path / "no" / "dir.sqlite")
    open_history(tmp_path / "new.sqlite").close()
    assert (tmp_path / "new.sqlite").read_bytes().startswith(b"SQLite format 3")


# --- trend -------------------------------------------------------------------------------


def test_trend_has_one_rate_per_rule_and_run(two_nights, history_path: Path) -> None:
    first, second, *_ = two_nights
    with open_history(history_path, create=False) as history:
        trend = history.trend()
    assert trend.columns == ["run_id", "as_of", "started_at", "profile", "rule_id", "compliance_rate", "pass", "fail"]
    assert trend.height == len(first.rules) + len(second.rules)
    ip01 = trend.filter(pl.col("rule_id") == "IP01").sort("run_id")
    assert ip01.get_column("compliance_rate").to_list() == [
        first.rule("IP01").compliance_rate,
        second.rule("IP01").compliance_rate,
    ]
    assert ip01.get_column("as_of").to_list() == [AS_OF, AS_OF + dt.timedelta(days=1)]
    assert trend.get_column("rule_id").to_list()[: len(first.rules)] == [r.meta.id for r in first.rules]


def test_trend_table_shows_dates_and_percentages(two_nights, history_path: Path) -> None:
    first, second, *_ = two_nights
    with open_history(history_path) as history:
        text = render_trend(history.trend())
    lines = text.splitlines()
    assert "profil national" in lines[0]
    assert "Revisjonsdato" in lines[1] and "IP01" in lines[1]
    run_lines = [line for line in lines if "06.2025" in line or "07.2025" in line]
    assert [line.split()[:2] for line in run_lines] == [["1", "30.06.2025"], ["2", "01.07.2025"]]
    rate = first.rule("IP01").compliance_rate
    assert f"{rate * 100:.1f}".replace(".", ",") in run_lines[0]
    assert run_lines[0].split()[-1] == str(sum(r.counts["fail"] for r in first.rules))


@pytest.mark.slow
def test_trend_is_readable_at_thirty_runs(history_path: Path) -> None:
    # Two audits, recorded as thirty nights (the trend is about the runs, not the audit).
    nights = (_audit(NIGHT_2), _audit(NIGHT_1))
    with open_history(history_path) as history:
        for night in range(30):
            history.record(dataclasses.replace(nights[night % 2], as_of=AS_OF + dt.timedelta(days=night)))
        text = render_trend(history.trend(last=30))
        assert history.trend(profile="national", last=5).get_column("run_id").unique().sort().to_list() == [
            26,
            27,
            28,
            29,
            30,
        ]
    assert len(text.splitlines()) == 3 + 30 + 2
    assert max(len(line) for line in text.splitlines()) <= 120


def test_empty_trend(history_path: Path) -> None:
    with open_history(history_path) as history:
        assert "ingen kjøringer" in render_trend(history.trend())


def test_prune_keeps_the_latest_findings_and_the_whole_trend(history_path: Path) -> None:
    with open_history(history_path) as history:
        for night in range(3):
            history.record(_audit(NIGHT_1, as_of=AS_OF + dt.timedelta(days=night)))
        deleted = history.prune(keep_runs=1)
        runs = history.runs()
        assert deleted > 0
        assert runs.get_column("findings").to_list()[:2] == [0, 0] and runs.get_column("findings")[2] > 0
        assert history.trend().get_column("run_id").n_unique() == 3
        assert history.record(_audit(NIGHT_1)).still_failing.height > 0


def test_a_pseudonymised_run_is_never_compared_with_a_real_one(tmp_path: Path) -> None:
    result = run(make_extract(assessments=[WANTS]))
    with open_history(tmp_path / "h.sqlite") as history:
        history.record(result)
        with pytest.raises(InputError, match="uten pseudonymisering, denne er med"):
            history.record(dataclasses.replace(result, pseudonymized=True))
        assert history.runs().height == 1
