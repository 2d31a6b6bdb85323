"""The output contract every check meets (ipaudit/checks/contract.py): each way to break it
stops the run naming the rule, and the CLI exits 3 with one line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from ipaudit.checks import RegisteredRule, registry
from ipaudit.checks.base import CheckContext
from ipaudit.cli import main
from ipaudit.errors import CheckContractError
from ipaudit.model import CHECK_RESULT_SCHEMA
from tests.builders import AS_OF, WANTS, days, make_extract, run

Row = dict[str, object]


def _rows(**changes: object) -> Callable[[CheckContext, Mapping[str, int]], pl.DataFrame]:
    """A check giving every cohort patient a plain pass, with ``changes`` applied to each row."""

    def check(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
        rows = [
            {"patient_id": p, "status": "pass", "message": "ok", "evidence": [], "due_date": days(14), **changes}
            for p in ctx.cohort.get_column("patient_id")
        ]
        return pl.DataFrame(rows, schema=CHECK_RESULT_SCHEMA, orient="row")

    return check


def _extract():
    return make_extract(
        patients=["P1", "P2"],
        assessments=[WANTS, {**WANTS, "patient_id": "P2"}],
        documents=[{"doc_type": "INFO_IP", "doc_date": days(1)}, {"patient_id": "P2", "doc_date": days(1)}],
    )


def _with_check(monkeypatch: pytest.MonkeyPatch, rule_id: str, check) -> None:
    rules = registry()
    monkeypatch.setitem(rules, rule_id, RegisteredRule(rules[rule_id].meta, check))


def _duplicated(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    frame = _rows()(ctx, params)
    return pl.concat([frame, frame.head(1)])


def _missing_one(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    return _rows()(ctx, params).head(1)


def _extra_column(ctx: CheckContext, params: Mapping[str, int]) -> pl.DataFrame:
    return _rows()(ctx, params).with_columns(pl.lit(1).alias("debug"))


@pytest.mark.parametrize(
    ("rule_id", "check", "broken"),
    [
        ("IP01", _rows(status="ok"), "status utenfor Status"),
        ("IP01", _rows(status="waived"), "status utenfor Status"),
        ("IP01", _rows(message="  "), "tom melding"),
        ("IP01", _rows(message=None), "en verdi mangler"),
        ("IP01", _rows(evidence=["D99"]), "dokumentasjon som ikke finnes i uttrekket for pasienten"),
        ("IP01", _rows(evidence=["D0", "D1"]), "dokumentasjon som ikke finnes i uttrekket for pasienten"),
        ("IP05", _rows(), "revisjonsfrist på en regel uten frist"),
        ("IP01", _rows(status="not_applicable"), "revisjonsfrist på et «ikke aktuelt»-resultat"),
        ("IP01", _rows(status="pending", due_date=None), "«frist ikke passert» uten revisjonsfrist"),
        ("IP01", _rows(status="pending", due_date=dt.date(2025, 6, 29)), "«frist ikke passert» uten revisjonsfrist"),
        ("IP01", _duplicated, "samme pasient har flere rader"),
        ("IP01", _missing_one, "ikke én rad per pasient i kohorten"),
        ("IP01", _rows(patient_id="P9"), "en pasient utenfor regelens populasjon"),
        ("IP01", _extra_column, "feil kolonner"),
    ],
    ids=[
        "status outside the enum", "waived from a check", "blank message", "null message", "unknown document",
        "another patient's document", "due date on a rule without one", "due date on not_applicable",
        "pending without due date", "pending past its due date", "two rows for a patient", "a cohort patient missing",
        "a patient outside the cohort", "an extra column",
    ],
)
def test_a_broken_check_stops_the_run_naming_the_rule(
    monkeypatch: pytest.MonkeyPatch, rule_id: str, check, broken: str
) -> None:
    _with_check(monkeypatch, rule_id, check)
    with pytest.raises(CheckContractError) as info:
        run(_extract())
    assert info.value.rule_id == rule_id
    assert str(info.value).startswith(f"regel {rule_id} brøt resultatkontrakten: ")
    assert broken in str(info.value)
    assert "P1" not in str(info.value) and "D99" not in str(info.value)  # never a value from the data


@pytest.mark.parametrize(
    "check",
    [_rows(status="ok"), _rows(message=None), _rows(evidence=["D99"]), _duplicated, _missing_one, _extra_column,
     _rows(status="pending", due_date=None)],
    ids=["status", "null", "evidence", "duplicate", "missing", "column", "pending"],
)
def test_the_one_query_check_never_passes_what_the_schema_refuses(check) -> None:
    """``_holds`` (one polars query) decides alone when a result meets the contract; it must say
    no wherever the pandera schema would (then pandera runs and says what broke)."""
    from ipaudit.checks import contract
    from ipaudit.engine import AuditOptions, prepare
    from ipaudit.profile import load_profile

    ctx = prepare(_extract(), AuditOptions(as_of=AS_OF, profile=load_profile("national")))
    meta = registry()["IP01"].meta
    frame = check(ctx, {})
    assert not contract._holds(frame, contract.frame_checks(meta, ctx))
    with pytest.raises(CheckContractError):
        contract.validate(meta, frame, ctx)


def test_a_result_that_meets_the_contract_does_not_run_pandera(monkeypatch: pytest.MonkeyPatch) -> None:
    from ipaudit.checks import contract

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pandera schema ran for a result that meets the contract")

    monkeypatch.setattr(contract, "schema", refuse)
    result = run(_extract())
    assert result.results.height > 0


def test_the_real_checks_meet_the_contract_on_the_sample() -> None:
    """Every registered rule, on the shipped sample extract (the rule cases run it on their own tables)."""
    from ipaudit.extract import read_extract

    extract = read_extract(Path(__file__).parents[2] / "sample_data" / "extract")
    for profile in ("unn", "helse-bergen"):
        result = run(extract, profile=profile)
        assert result.results.height > 0


def test_the_cli_exits_3_naming_the_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _with_check(monkeypatch, "IP06", _rows(status="kanskje"))
    from tests.test_cli import write_extract

    extract = write_extract(tmp_path / "x")
    result = CliRunner().invoke(main, ["audit", str(extract), "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "ipaudit: intern feil: regel IP06 brøt resultatkontrakten: status utenfor Status (2 rader)"
    ]
    assert not (tmp_path / "o" / "ipaudit-report.html").exists()
