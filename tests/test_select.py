"""The review sample (stikkprøve): reproducible, stratified by unit, and a workbook a reviewer can fill in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from builders import INDEX, INFO, WANTS, make_extract, run

from ipaudit.errors import InputError
from ipaudit.model import AuditResult
from ipaudit.pseudonymize import Key, pseudonymize_frame, pseudonymize_result
from ipaudit.report.common import fmt_datetime
from ipaudit.report.review_workbook import (
    ABOUT_SHEET,
    FINDINGS_SHEET,
    REVIEW_CHOICES,
    SAMPLE_SHEET,
    write_review_workbook,
)
from ipaudit.selection import allocate, cohort_patients, reproduce_command, select_sample

#: Unit -> cohort size: one large, two middling, one tiny unit, and one whose name looks like a formula.
UNITS = {"Medisinsk avdeling": 40, "DPS Nord": 25, "=Barneklinikken": 12, "Habilitering": 2}


def _result() -> AuditResult:
    assessments, documents = [], []
    number = 0
    for unit, size in UNITS.items():
        for _ in range(size):
            number += 1
            patient_id = f"{number:05d}" if number % 10 else f"+{number:05d}"
            assessments.append({**WANTS, "patient_id": patient_id, "unit": unit})
            if number % 3 == 0:
                documents.append({"patient_id": patient_id, "doc_date": INDEX, "text": INFO})
    episodes = [  # an at-risk patient without an assessment: IP00, outside the cohort
        {"patient_id": "99999", "unit": "X", "care_type": "døgn", "start_date": dt.date(2025, 1, 2),
         "end_date": dt.date(2025, 2, 20)},
    ]
    return run(make_extract(patients=["99999"], assessments=assessments, documents=documents, episodes=episodes))


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return _result()


def _ids(sample: pl.DataFrame) -> list[str]:
    return sample.get_column("patient_id").to_list()


def _shuffled(result: AuditResult, seed: int) -> AuditResult:
    return dataclasses.replace(result, results=result.results.sample(fraction=1.0, shuffle=True, seed=seed))


# --- the draw ----------------------------------------------------------------------------------


def test_the_cohort_is_every_assessed_patient_and_ip00_is_outside(result: AuditResult) -> None:
    assert "99999" in result.results.filter(pl.col("rule_id") == "IP00").get_column("patient_id").to_list()
    cohort = cohort_patients(result)
    assert cohort.height == result.cohort_size == sum(UNITS.values())
    assert "99999" not in _ids(cohort)
    for n in (5, 30, 79):
        assert "99999" not in _ids(select_sample(result, n, seed=1))


@pytest.mark.parametrize("stratify", [None, "unit"])
def test_the_same_seed_gives_the_same_patients(result: AuditResult, stratify: str | None) -> None:
    first = select_sample(result, 10, seed=42, stratify=stratify)
    assert first.height == 10
    assert first.equals(select_sample(result, 10, seed=42, stratify=stratify))
    assert first.equals(select_sample(_result(), 10, seed=42, stratify=stratify))


@pytest.mark.parametrize("stratify", [None, "unit"])
def test_the_order_of_the_result_rows_does_not_matter(result: AuditResult, stratify: str | None) -> None:
    first = select_sample(result, 12, seed=7, stratify=stratify)
    for shuffle_seed in (1, 2, 3):
        assert first.equals(select_sample(_shuffled(result, shuffle_seed), 12, seed=7, stratify=stratify))


@pytest.mark.parametrize("stratify", [None, "unit"])
def test_another_seed_gives_other_patients(result: AuditResult, stratify: str | None) -> None:
    samples = {tuple(_ids(select_sample(result, 10, seed=seed, stratify=stratify))) for seed in range(6)}
    assert len(samples) == 6


def test_a_pinned_draw_does_not_change_between_releases(result: AuditResult) -> None:
    """A supervisor must be able to redraw last year's sample: the algorithm is part of the contract.

    Unstratified: ``random.Random(seed).sample`` over the candidates sorted by patient id.
    """
    import random

    candidates = sorted(_ids(cohort_patients(result)))
    assert sorted(_ids(select_sample(result, 4, seed=2025))) == sorted(random.Random(2025).sample(candidates, 4))
    assert _ids(select_sample(result, 4, seed=2025)) == ["00072", "00061", "00004", "00017"]
    stratified = ["00074", "00041", "00061", "00079", "00008", "00033"]
    assert _ids(select_sample(result, 6, seed=2025, stratify="unit")) == stratified


def test_n_larger_than_the_cohort_takes_everyone(result: AuditResult) -> None:
    for stratify in (None, "unit"):
        sample = select_sample(result, 1000, seed=1, stratify=stratify)
        assert sorted(_ids(sample)) == sorted(_ids(cohort_patients(result)))


def test_a_sample_has_one_row_per_patient_with_unit_and_index_date(result: AuditResult) -> None:
    sample = select_sample(result, 20, seed=3, stratify="unit")
    assert sample.columns == ["patient_id", "unit", "index_date", "stratum"]
    assert (sample.get_column("stratum") == "kohort").all()
    assert sample.get_column("patient_id").n_unique() == 20
    assert (sample.get_column("index_date") == INDEX).all()
    assert sample.equals(sample.sort("unit", "patient_id"))


@pytest.mark.parametrize("n", [4, 5, 10, 20, 33, 60, 78])
def test_stratified_samples_are_proportional_with_at_least_one_per_unit(result: AuditResult, n: int) -> None:
    sample = select_sample(result, n, seed=11, stratify="unit")
    counts = dict(sample.group_by("unit").len().iter_rows())
    assert sum(counts.values()) == n
    assert set(counts) == set(UNITS)
    total = sum(UNITS.values())
    for unit, size in UNITS.items():
        assert 1 <= counts[unit] <= size
        if n * size / total >= 1:  # no floor of one involved: within one of the exact quota
            assert abs(counts[unit] - n * size / total) < 2, (unit, counts)


def test_a_sample_smaller_than_the_number_of_units_goes_to_the_largest_units(result: AuditResult) -> None:
    counts = dict(select_sample(result, 2, seed=1, stratify="unit").group_by("unit").len().iter_rows())
    assert counts == {"Medisinsk avdeling": 1, "DPS Nord": 1}


@pytest.mark.parametrize(
    ("sizes", "n", "expected"),
    [
        ({"a": 50, "b": 30, "c": 20}, 10, {"a": 5, "b": 3, "c": 2}),
        ({"a": 50, "b": 30, "c": 20}, 7, {"a": 4, "b": 2, "c": 1}),  # 3.5 / 2.1 / 1.4: a takes the spare place
        ({"a": 97, "b": 2, "c": 1}, 5, {"a": 3, "b": 1, "c": 1}),  # b and c below one: lifted to one each
        ({"a": 1, "b": 1, "c": 1}, 3, {"a": 1, "b": 1, "c": 1}),
        ({"a": 3, "b": 3}, 10, {"a": 3, "b": 3}),
        ({"a": 10, "b": 10, "c": 10}, 2, {"a": 1, "b": 1, "c": 0}),  # ties: by name
    ],
)
def test_largest_remainder_allocation(sizes: dict[str, int], n: int, expected: dict[str, int]) -> None:
    assert allocate(sizes, n) == expected


def test_allocation_always_fills_n_within_unit_sizes() -> None:
    import random

    rng = random.Random(5)
    for _ in range(300):
        sizes = {f"u{i}": rng.randint(1, 60) for i in range(rng.randint(1, 9))}
        n = rng.randint(1, sum(sizes.values()) + 5)
        places = allocate(sizes, n)
        assert sum(places.values()) == min(n, sum(sizes.values()))
        assert all(0 <= places[u] <= sizes[u] for u in sizes)
        if n >= len(sizes):
            assert all(places[u] >= 1 for u in sizes)
        else:
            assert sorted(places.values()) == [0] * (len(sizes) - n) + [1] * n


def test_bad_arguments_are_input_errors(result: AuditResult) -> None:
    with pytest.raises(InputError):
        select_sample(result, 0, seed=1)
    with pytest.raises(InputError, match="stratifisering"):
        select_sample(result, 5, seed=1, stratify="kommune")


# --- the workbook ------------------------------------------------------------------------------


def _workbook(tmp_path: Path, result: AuditResult, sample: pl.DataFrame, **kwargs: object) -> openpyxl.Workbook:
    args = {"n": sample.height, "seed": 9, "stratify": "unit", **kwargs}
    path = write_review_workbook(sample, result, tmp_path / "stikkprove.xlsx", **args)  # type: ignore[arg-type]
    assert path == tmp_path / "stikkprove.xlsx"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    return openpyxl.load_workbook(path)


def test_the_workbook_has_one_row_per_patient_and_empty_reviewer_columns(tmp_path: Path, result: AuditResult) -> None:
    sample = select_sample(result, 9, seed=9, stratify="unit")
    ws = _workbook(tmp_path, result, sample)[SAMPLE_SHEET]
    header = [c.value for c in ws[1]]
    rules = [r.meta.id for r in result.rules]
    assert rules[0] == "IP00"
    manual = [f"M{i} revisor" for i in range(1, 14)]
    assert header[:4] == ["Pasient", "Utvalg", "Enhet", "Indeksdato"]
    assert header[4 : 4 + 2 * len(rules)] == [f"{r} {col}" for r in rules for col in ("verktøy", "revisor")]
    assert header[4 + 2 * len(rules) : -1] == manual
    assert header[-1] == "Merknad"
    assert all(c.font.bold for c in ws[1])
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == _ids(sample)
    labels = {"Oppfylt", "Ikke oppfylt", "Frist ikke passert", "Ikke aktuelt", "Unntatt"}
    end = 4 + 2 * len(rules)
    for row in rows:
        assert row[1] == "Kohort"
        tool, reviewer = row[4:end:2], row[5:end:2]
        assert tool[0] == "Gjelder ikke"  # IP00 does not apply to the cohort
        assert set(tool[1:]) <= labels and len(tool) == len(rules)
        assert all(value in (None, "") for value in (*reviewer, *row[end:]))
    ip01 = result.results.filter(pl.col("rule_id") == "IP01")
    status = dict(ip01.select("patient_id", "status").iter_rows())
    label = {"pass": "Oppfylt", "fail": "Ikke oppfylt", "pending": "Frist ikke passert"}
    assert [row[6] for row in rows] == [label[status[p]] for p in _ids(sample)]


def test_reviewer_columns_offer_the_four_judgements(tmp_path: Path, result: AuditResult) -> None:
    sample = select_sample(result, 6, seed=9, stratify="unit")
    ws = _workbook(tmp_path, result, sample)[SAMPLE_SHEET]
    validation, only_na = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(REVIEW_CHOICES) + '"'
    assert REVIEW_CHOICES == ("Oppfylt", "Ikke oppfylt", "Ikke aktuelt", "Kan ikke vurderes")
    assert only_na.formula1 == '"Ikke aktuelt"'
    covered = openpyxl.worksheet.cell_range.MultiCellRange(str(validation.sqref))
    grey = openpyxl.worksheet.cell_range.MultiCellRange(str(only_na.sqref))
    header = [c.value for c in ws[1]]
    for i, name in enumerate(header, start=1):
        if str(name).endswith(" revisor"):
            letter = openpyxl.utils.get_column_letter(i)
            for row in range(2, 8):
                where = f"{letter}{row}"
                if name == "IP00 revisor":  # IP00 does not apply to cohort patients
                    assert where in grey and where not in covered
                else:
                    assert where in covered and where not in grey


def test_the_sheet_is_frozen_filtered_and_dates_are_dates(tmp_path: Path, result: AuditResult) -> None:
    sample = select_sample(result, 6, seed=9, stratify="unit")
    ws = _workbook(tmp_path, result, sample)[SAMPLE_SHEET]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    for (cell,) in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        assert isinstance(cell.value, dt.datetime) and cell.value.date() == INDEX
        assert cell.number_format.lower() == "dd.mm.yyyy"


def test_formula_like_text_stays_text(tmp_path: Path, result: AuditResult) -> None:
    sample = select_sample(result, 1000, seed=9, stratify="unit")
    assert any(p.startswith("+") for p in _ids(sample))
    wb = _workbook(tmp_path, result, sample)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    ws = wb[SAMPLE_SHEET]
    units = {c.value for (c,) in ws.iter_rows(min_row=2, min_col=3, max_col=3)}
    assert "=Barneklinikken" in units
    assert {c.value for (c,) in ws.iter_rows(min_row=2, max_col=1)} == set(_ids(sample))


def test_the_about_sheet_says_how_the_sample_was_drawn(tmp_path: Path, result: AuditResult) -> None:
    sample = select_sample(result, 9, seed=9, stratify="unit")
    ws = _workbook(tmp_path, result, sample, n=9, seed=9, stratify="unit")[ABOUT_SHEET]
    facts = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert facts["Frø (seed)"] == 9
    assert facts["Ønsket antall fra kohorten"] == 9
    assert facts["Ønsket antall fra «Ikke vurdert»"] == 0
    assert facts["Trukket antall pasienter"] == 9
    assert "Etter enhet" in facts["Stratifisering"]
    assert facts["Revisjonsdato"].date() == result.as_of
    assert facts["Pasienter i kohorten"] == sum(UNITS.values())
    assert facts["Pseudonymisert"] == "nei"
    assert "national" in facts["Profil"]
    command = facts["Slik gjentas utvalget"]
    assert command == reproduce_command(result, 9, 9, "unit")
    assert "--n 9 --seed 9 --stratify unit --unassessed 0 --as-of 2025-06-30 --profile national" in command
    per_unit = {row[0]: (row[1], row[2]) for row in ws.iter_rows(values_only=True) if row[0] in UNITS}
    in_sample = dict(sample.group_by("unit").len().iter_rows())
    assert per_unit == {unit: (size, in_sample[unit]) for unit, size in UNITS.items()}


def test_the_findings_sheet_lists_the_tools_reasons(tmp_path: Path, result: AuditResult) -> None:
    sample = select_sample(result, 3, seed=9)
    ws = _workbook(tmp_path, result, sample, stratify=None)[FINDINGS_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    rules = [r.meta.id for r in result.rules if r.meta.id != "IP00"]
    assert len(rows) == 3 * len(rules)
    assert {row[0] for row in rows} == set(_ids(sample))
    assert all(row[3] for row in rows)


def test_an_empty_sample_still_writes_a_workbook(tmp_path: Path) -> None:
    result = run(make_extract(patients=["P1"]))
    sample = select_sample(result, 5, seed=1, stratify="unit")
    assert sample.height == 0
    wb = _workbook(tmp_path, result, sample)
    assert [c.value for c in wb[SAMPLE_SHEET][1]][:4] == ["Pasient", "Utvalg", "Enhet", "Indeksdato"]


def test_a_pseudonymised_sample_is_the_same_draw_under_pseudonyms(tmp_path: Path, result: AuditResult) -> None:
    """Draw on the real result, then pseudonymise: the key holder and the supervisor see the same patients."""
    key = Key(b"tilsynssak-2025-nokkel")
    sample = select_sample(result, 8, seed=4, stratify="unit")
    pseudo_result = pseudonymize_result(result, key)
    pseudo_sample = pseudonymize_frame(sample, key)
    wb = _workbook(tmp_path, pseudo_result, pseudo_sample)
    ws = wb[SAMPLE_SHEET]
    ids = [c.value for (c,) in ws.iter_rows(min_row=2, max_col=1)]
    assert sorted(ids) == sorted(_ids(pseudo_sample))
    assert all(i.startswith("P-") for i in ids)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert all(row[6] for row in rows)  # the tool's status found under the pseudonym
    facts = {row[0]: row[1] for row in wb[ABOUT_SHEET].iter_rows(values_only=True) if row and row[0]}
    assert facts["Pseudonymisert"] == "ja"
    assert facts["Slik gjentas utvalget"].endswith("--pseudonymize NØKKELFIL")
    everything = "\n".join(
        str(c.value) for sheet in wb for row in sheet.iter_rows() for c in row if c.value is not None
    )
    assert not [p for p in _ids(sample) if p in everything]


def test_control_characters_in_unit_and_message_are_dropped_not_a_crash(tmp_path: Path, result: AuditResult) -> None:
    dirty = result.results.with_columns(
        unit=pl.col("unit") + pl.lit("\x0bavd.\x00"),
        message=pl.col("message") + pl.lit("\x1f slutt"),
    )
    dirty_result = dataclasses.replace(result, results=dirty)
    sample = select_sample(dirty_result, 6, seed=9, stratify="unit")
    wb = _workbook(tmp_path, dirty_result, sample)
    units = {c.value for (c,) in wb[SAMPLE_SHEET].iter_rows(min_row=2, min_col=3, max_col=3)}
    assert units and all(u.endswith("avd.") and "\x0b" not in u for u in units)
    messages = [row[3] for row in wb[FINDINGS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert messages and all(m.endswith(" slutt") and "\x1f" not in m for m in messages)


def test_the_made_line_is_written_as_in_the_reports(tmp_path: Path, result: AuditResult) -> None:
    sample = select_sample(result, 3, seed=9)
    wb = _workbook(tmp_path, result, sample, stratify=None)
    facts = {row[0]: row[1] for row in wb[ABOUT_SHEET].iter_rows(values_only=True) if row and row[0]}
    assert facts["Laget"] == f"{fmt_datetime(result.generated_at)} av ipaudit {result.tool_version}"


def test_the_workbook_is_flushed_to_disk_before_it_replaces_the_old_one(
    tmp_path: Path, result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stikkprove.xlsx"
    path.write_bytes(b"last week's workbook")
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        assert synced, "renamed before the new workbook was flushed to disk"
        real_replace(src, dst)

    real_replace = os.replace
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    sample = select_sample(result, 3, seed=9)
    write_review_workbook(sample, result, path, n=3, seed=9, stratify=None)
    assert openpyxl.load_workbook(path).sheetnames == [SAMPLE_SHEET, FINDINGS_SHEET, ABOUT_SHEET, "Identitet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ipaudit-manifest.json", "stikkprove.xlsx"]


def test_a_failed_save_leaves_the_old_workbook_and_no_temporary_file(
    tmp_path: Path, result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stikkprove.xlsx"
    path.write_bytes(b"last week's workbook")

    def broken(self: openpyxl.Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(InputError, match=r"\(disken er full\); de forrige rapportene er urørt"):
        write_review_workbook(select_sample(result, 3, seed=9), result, path, n=3, seed=9, stratify=None)
    assert path.read_bytes() == b"last week's workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["stikkprove.xlsx"]
