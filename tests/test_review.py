"""The review loop as a supervisor runs it: ``ipaudit select`` → a reviewer fills the workbook
(openpyxl) → ``ipaudit audit … --format supervision,json --review FILLED.xlsx``.

Every "x av N", 2×2 table and kappa is checked against counts computed here from what the test
wrote into the workbook and the tool's statuses in the run's own JSON; every refusal exits 2
with one line naming sheet and cell, and writes no report.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from ipaudit.cli import main
from ipaudit.review import cohen_kappa
from ipaudit.sample import generate

AS_OF = "2025-06-30"
VERDICTS = ("Oppfylt", "Ikke oppfylt", "Ikke aktuelt", "Kan ikke vurderes")
KEYS = {"Oppfylt": "oppfylt", "Ikke oppfylt": "ikke_oppfylt", "Ikke aktuelt": "ikke_aktuelt",
        "Kan ikke vurderes": "kan_ikke_vurderes"}
MANUAL = [f"M{i}" for i in range(1, 14)]
INFO = """virksomhet = "Universitetssykehuset Nord-Norge HF"
tilsynsmyndighet = "Statsforvalteren i Troms og Finnmark"
saksnummer = "2025/4711"
varsel = 2025-08-15
tilsynsbesok = "22.09.2025"
tilsynsbesok_slutt = 2025-09-23
forelopig_rapport = 2025-10-20
endelig_rapport = 2025-11-24
frist_plan_for_retting = 2026-01-15
"""


def cli(args: list[str], code: int) -> Result:
    result = CliRunner().invoke(main, args, env={"IPAUDIT_DEBUG": "1"}, catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tilsyn")
    generate(root / "s", patients=80, seed=3, as_of=dt.date(2025, 6, 30))
    return root / "s" / "extract"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nokkel") / "tilsyn.key"
    path.write_bytes(b"tilsynssak-2025-troms-og-finnmark-nokkel\n")
    path.chmod(0o600)
    return path


def select(extract: Path, out: Path, *extra: str) -> Path:
    cli(["select", str(extract), "--n", "20", "--seed", "7", "--stratify", "unit", "--unassessed", "3",
         "--as-of", AS_OF, "--out", str(out), *extra], 0)
    return out / "ipaudit-stikkprove.xlsx"


def fill(made: Path, filled: Path, seed: int = 5) -> dict[str, Any]:
    """Fill the workbook as a reviewer would: some verdicts agreeing with the tool, some not, some
    blank, some Ikke aktuelt / Kan ikke vurderes, manual requirements for some patients, two
    patients not reviewed at all, comments. Returns what was written."""
    rng = random.Random(seed)
    book = openpyxl.load_workbook(made)
    ws = book["Stikkprøve"]
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2))
    written: dict[tuple[str, str], str] = {}
    skipped = {rows[1][0].value, rows[-2][0].value}
    for row in rows:
        patient = row[0].value
        if patient in skipped:
            continue
        for i, name in enumerate(header):
            if not str(name).endswith(" revisor"):
                continue
            item = name.removesuffix(" revisor")
            cell = row[i]
            if item.startswith("M"):
                choice = rng.choice([None, None, "Oppfylt", "Ikke oppfylt", "Ikke aktuelt", "Kan ikke vurderes"])
            else:
                tool = row[i - 1].value
                if tool == "Gjelder ikke":
                    continue
                agree = {"Oppfylt": "Oppfylt", "Ikke oppfylt": "Ikke oppfylt"}.get(tool)
                flip = {"Oppfylt": "Ikke oppfylt", "Ikke oppfylt": "Oppfylt"}.get(tool, "Oppfylt")
                choice = rng.choice([agree, agree, agree, flip, None, "Kan ikke vurderes", "Ikke aktuelt"])
            if choice is not None:
                cell.value = choice
                written[(patient, item)] = choice
        row[header.index("Merknad")].value = "Sett journal 12.03 – uklart"
    book.save(filled)
    return {"verdicts": written, "patients": [r[0].value for r in rows], "skipped": skipped,
            "applies": _applies(rows, header)}


def _applies(rows: list[Any], header: list[Any]) -> dict[str, list[str]]:
    """Rule → the patients whose tool cell is not 'Gjelder ikke' (the rule applies to their stratum)."""
    out: dict[str, list[str]] = {}
    for i, name in enumerate(header):
        if str(name).endswith(" verktøy"):
            out[name.removesuffix(" verktøy")] = [r[0].value for r in rows if r[i].value != "Gjelder ikke"]
    return out


def expected_review(written: dict[str, Any], statuses: dict[tuple[str, str], str], sha: str) -> dict[str, Any]:
    """The JSON ``review`` object computed here, independently of ipaudit.review."""
    verdicts = written["verdicts"]

    def counts(pairs: list[str]) -> dict[str, int]:
        c = dict.fromkeys(KEYS.values(), 0)
        for v in pairs:
            c[KEYS[v]] += 1
        return {"reviewed": c["oppfylt"] + c["ikke_oppfylt"], "ikke_oppfylt": c["ikke_oppfylt"],
                "oppfylt": c["oppfylt"], "ikke_aktuelt": c["ikke_aktuelt"],
                "kan_ikke_vurderes": c["kan_ikke_vurderes"]}

    rules = {}
    for rule, patients in written["applies"].items():
        given = [(p, verdicts[(p, rule)]) for p in patients if (p, rule) in verdicts]
        table = {(tool, verdict): 0 for tool in ("fail", "pass") for verdict in ("Ikke oppfylt", "Oppfylt")}
        for p, v in given:
            if (statuses[(rule, p)], v) in table:
                table[(statuses[(rule, p)], v)] += 1
        a, b = table[("fail", "Ikke oppfylt")], table[("fail", "Oppfylt")]
        c, d = table[("pass", "Ikke oppfylt")], table[("pass", "Oppfylt")]
        n = a + b + c + d
        kappa = None
        if n:
            po = (a + d) / n
            pe = ((a + b) / n) * ((a + c) / n) + ((c + d) / n) * ((b + d) / n)
            kappa = None if abs(1 - pe) < 1e-12 else (po - pe) / (1 - pe)
        rules[rule] = {**counts([v for _, v in given]), "agree": a + d, "disagree": b + c, "kappa": kappa}
    manual = {m: counts([verdicts[(p, m)] for p in written["patients"] if (p, m) in verdicts]) for m in MANUAL}
    reviewed = {p for p, _ in verdicts}
    return {"workbook_sha256": sha, "reviewed_patients": len(reviewed), "rules": rules, "manual": manual}


def audit(extract: Path, out: Path, filled: Path, *extra: str, code: int = 0) -> Result:
    return cli(["audit", str(extract), "--as-of", AS_OF, "--format", "supervision,json", "--out", str(out),
                "--review", str(filled), "--fail-on", "never", *extra], code)


def _statuses(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(r["rule_id"], r["patient_id"]): r["status"] for r in doc["results"]}


def _check_round_trip(extract: Path, tmp_path: Path, *key: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    import hashlib

    made = select(extract, tmp_path / "made", *key)
    filled = tmp_path / "utfylt.xlsx"
    written = fill(made, filled)
    out = tmp_path / "out"
    audit(extract, out, filled, *key)
    doc = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    expected = expected_review(written, _statuses(doc), hashlib.sha256(filled.read_bytes()).hexdigest())
    review = doc["review"]
    for rule, row in expected["rules"].items():
        got = review["rules"][rule]
        assert {k: v for k, v in got.items() if k != "kappa"} == {k: v for k, v in row.items() if k != "kappa"}, rule
        assert (got["kappa"] is None) == (row["kappa"] is None), rule
        if row["kappa"] is not None:
            assert got["kappa"] == pytest.approx(row["kappa"], abs=1e-6), rule  # rounded to 6 places
    assert review["manual"] == expected["manual"]
    assert review["workbook_sha256"] == expected["workbook_sha256"]
    assert review["reviewed_patients"] == expected["reviewed_patients"] == len(written["patients"]) - 2
    assert list(review) == ["workbook_sha256", "reviewed_patients", "rules", "manual"]
    assert all(list(r) == ["reviewed", "ikke_oppfylt", "oppfylt", "ikke_aktuelt", "kan_ikke_vurderes", "agree",
                           "disagree", "kappa"] for r in review["rules"].values())
    page = (out / "ipaudit-tilsynsrapport.html").read_text("utf-8")
    return expected, page, written


def test_a_filled_workbook_flows_into_json_and_the_report(extract: Path, tmp_path: Path) -> None:
    expected, page, written = _check_round_trip(extract, tmp_path)
    # the sample covers the never-assessed: IP00 judged only for them
    assert expected["rules"]["IP00"]["reviewed"] + expected["rules"]["IP00"]["ikke_aktuelt"] + \
        expected["rules"]["IP00"]["kan_ikke_vurderes"] <= 3
    assert len(written["applies"]["IP00"]) == 3
    text = " ".join(page.replace("\u00a0", " ").split())
    for rule, row in expected["rules"].items():
        if row["reviewed"]:
            share = f"{row['ikke_oppfylt'] / row['reviewed'] * 100:.1f}".replace(".", ",")
            assert f"i {row['ikke_oppfylt']} av {row['reviewed']} gjennomgåtte journaler ({share} %)" in text, rule
    for m, row in expected["manual"].items():
        if row["reviewed"]:
            assert f"Ikke oppfylt i {row['ikke_oppfylt']} av {row['reviewed']} gjennomgåtte journaler" in text, m
    for patient in written["skipped"]:
        assert patient in text.split("Ikke gjennomgått:")[1].split("</p>")[0]
    assert "9.4 Samsvar mellom verktøyet og revisor" in text
    assert "Sett journal" not in page  # comments are free text and never reach the report
    assert any(row["disagree"] for row in expected["rules"].values())


def test_a_pseudonymised_round_trip(extract: Path, tmp_path: Path, key_file: Path) -> None:
    expected, page, written = _check_round_trip(extract, tmp_path, "--pseudonymize", str(key_file))
    assert all(p.startswith("P-") for p in written["patients"])
    assert expected["reviewed_patients"] == len(written["patients"]) - 2


def test_kappa_is_undefined_without_pairs_or_variation_and_one_for_perfect_agreement() -> None:
    assert cohen_kappa(0, 0, 0, 0)[0] is None and "ingen pasienter" in (cohen_kappa(0, 0, 0, 0)[1] or "")
    assert cohen_kappa(0, 0, 0, 12) == (None, cohen_kappa(5, 0, 0, 0)[1])  # all pass & Oppfylt: p_e = 1
    assert "ingen variasjon" in (cohen_kappa(0, 0, 0, 12)[1] or "")
    assert cohen_kappa(4, 0, 0, 8) == (1.0, None)
    assert cohen_kappa(0, 0, 3, 9) == (0.0, None)  # the tool never fails, the reviewer does: no better than chance
    kappa, _ = cohen_kappa(20, 5, 10, 15)
    assert kappa == pytest.approx((35 / 50 - (25 * 30 + 25 * 20) / 2500) / (1 - (25 * 30 + 25 * 20) / 2500))


# --- refusals -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def filled(extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("utfylt")
    path = root / "utfylt.xlsx"
    fill(select(extract, root / "made"), path)
    return path


def _edited(filled: Path, tmp_path: Path, edit: Any) -> Path:
    path = tmp_path / "endret.xlsx"
    shutil.copy(filled, path)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def _refused(extract: Path, tmp_path: Path, workbook: Path, *extra: str) -> str:
    out = tmp_path / "out"
    result = audit(extract, out, workbook, *extra, code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert not (out / "ipaudit-tilsynsrapport.html").exists() and not (out / "ipaudit-results.json").exists()
    return lines[0]


def _reviewer_cell(book: openpyxl.Workbook, rule: str, row: int) -> str:
    header = [c.value for c in book["Stikkprøve"][1]]
    return f"{openpyxl.utils.get_column_letter(header.index(f'{rule} revisor') + 1)}{row}"


def test_a_value_outside_the_choices(extract: Path, tmp_path: Path, filled: Path) -> None:
    where = {}

    def edit(book: openpyxl.Workbook) -> None:
        where["cell"] = _reviewer_cell(book, "IP01", 7)
        book["Stikkprøve"][where["cell"]] = "kanskje"

    line = _refused(extract, tmp_path, _edited(filled, tmp_path, edit))
    assert line.startswith(f"ipaudit: feil: Stikkprøve!{where['cell']}: «kanskje» er ikke et gyldig svar")


def test_a_patient_not_in_the_sample(extract: Path, tmp_path: Path, filled: Path) -> None:
    line = _refused(extract, tmp_path, _edited(filled, tmp_path, lambda b: b["Stikkprøve"].cell(5, 1, "99999")))
    assert line == "ipaudit: feil: Stikkprøve!A5: pasienten «99999» er ikke i utvalget"


def test_a_national_id_typed_as_patient_is_not_echoed(extract: Path, tmp_path: Path, filled: Path) -> None:
    line = _refused(extract, tmp_path, _edited(filled, tmp_path, lambda b: b["Stikkprøve"].cell(5, 1, "01028012345")))
    assert "01028012345" not in line and line.startswith("ipaudit: feil: Stikkprøve!A5: pasienten")


def test_a_duplicated_row(extract: Path, tmp_path: Path, filled: Path) -> None:
    rows = {}

    def edit(book: openpyxl.Workbook) -> None:
        ws = book["Stikkprøve"]
        rows["last"] = ws.max_row + 1
        for column in range(1, ws.max_column + 1):
            ws.cell(rows["last"], column, ws.cell(3, column).value)

    line = _refused(extract, tmp_path, _edited(filled, tmp_path, edit))
    assert line == f"ipaudit: feil: Stikkprøve!A{rows['last']}: pasienten står også i rad 3"


def test_a_deleted_row(extract: Path, tmp_path: Path, filled: Path) -> None:
    line = _refused(extract, tmp_path, _edited(filled, tmp_path, lambda b: b["Stikkprøve"].delete_rows(4)))
    assert line.startswith("ipaudit: feil: Stikkprøve!A2:A24: 1 av de 23 trukne pasientene mangler i arket")


def test_a_verdict_where_the_rule_does_not_apply(extract: Path, tmp_path: Path, filled: Path) -> None:
    where = {}

    def edit(book: openpyxl.Workbook) -> None:
        where["cell"] = _reviewer_cell(book, "IP00", 2)  # row 2 is a cohort patient
        book["Stikkprøve"][where["cell"]] = "Ikke oppfylt"

    line = _refused(extract, tmp_path, _edited(filled, tmp_path, edit))
    assert line == (f"ipaudit: feil: Stikkprøve!{where['cell']}: IP00 gjelder ikke pasienter i utvalget «Kohort»; "
                    "la cellen stå tom")


def test_a_workbook_for_another_extract(extract: Path, tmp_path: Path, filled: Path) -> None:
    generate(tmp_path / "annet", patients=80, seed=4, as_of=dt.date(2025, 6, 30))
    line = _refused(tmp_path / "annet" / "extract", tmp_path, filled)
    assert line.startswith("ipaudit: feil: Identitet!B11: arbeidsboken er laget for et annet uttrekk")


def test_a_workbook_for_another_as_of(extract: Path, tmp_path: Path, filled: Path) -> None:
    out = tmp_path / "out"
    result = cli(["audit", str(extract), "--as-of", "2025-05-31", "--format", "supervision", "--out", str(out),
                  "--review", str(filled)], 2)
    assert result.stderr.strip() == (
        "ipaudit: feil: Identitet!B3: arbeidsboken er laget for revisjonsdato 30.06.2025, denne kjøringen har "
        "31.05.2025 (bruk --as-of 2025-06-30)"
    )


def test_a_workbook_for_another_profile(extract: Path, tmp_path: Path, filled: Path) -> None:
    line = _refused(extract, tmp_path, filled, "--profile", "unn")
    assert line == (
        "ipaudit: feil: Identitet!B6: arbeidsboken er laget for profilen «national», denne kjøringen har «unn»"
    )


def test_a_workbook_for_another_seed(extract: Path, tmp_path: Path, filled: Path) -> None:
    line = _refused(extract, tmp_path, _edited(filled, tmp_path, lambda b: b["Identitet"].cell(8, 2, 8)))
    assert line.startswith("ipaudit: feil: Identitet!B8: trekningen med frø 8 gir ikke pasientene arbeidsboken lister")


def test_a_pseudonymised_workbook_needs_the_key(extract: Path, tmp_path: Path, key_file: Path) -> None:
    made = select(extract, tmp_path / "made", "--pseudonymize", str(key_file))
    line = _refused(extract, tmp_path, made)
    assert line == ("ipaudit: feil: Identitet!B12: arbeidsboken er pseudonymisert; kjør med --pseudonymize og "
                    "samme nøkkelfil")
    other = tmp_path / "annen.key"
    other.write_bytes(b"en-helt-annen-nokkel-for-tilsyn")
    other.chmod(0o600)
    line = _refused(extract, tmp_path, made, "--pseudonymize", str(other))
    assert line.startswith("ipaudit: feil: Identitet!B8: trekningen med frø 7 gir ikke pasientene")


def test_not_a_review_workbook(extract: Path, tmp_path: Path) -> None:
    text = tmp_path / "notat.xlsx"
    text.write_text("ikke en arbeidsbok")
    assert _refused(extract, tmp_path, text) == (
        "ipaudit: feil: notat.xlsx kan ikke leses som en Excel-arbeidsbok (.xlsx)")
    book = openpyxl.Workbook()
    book.active.title = "Ark1"
    book.save(tmp_path / "annen.xlsx")
    assert _refused(extract, tmp_path, tmp_path / "annen.xlsx").startswith(
        "ipaudit: feil: annen.xlsx mangler arket «Identitet»")


def test_review_needs_a_format_that_shows_it(extract: Path, tmp_path: Path, filled: Path) -> None:
    result = cli(["audit", str(extract), "--format", "html", "--review", str(filled), "--out", str(tmp_path)], 2)
    assert result.stderr.strip() == "ipaudit: feil: --review trenger supervision eller json blant formatene (--format)"


# --- supervision info -----------------------------------------------------------------------


def test_key_facts_open_the_report(extract: Path, tmp_path: Path, filled: Path) -> None:
    info = tmp_path / "tilsyn.toml"
    info.write_text(INFO, encoding="utf-8")
    out = tmp_path / "out"
    audit(extract, out, filled, "--supervision-info", str(info))
    page = (out / "ipaudit-tilsynsrapport.html").read_text("utf-8")
    facts = page[page.index('id="nokkelopplysninger"'):page.index("</section>", page.index('id="nokkelopplysninger"'))]
    for text in ("Universitetssykehuset Nord-Norge HF", "Statsforvalteren i Troms og Finnmark", "2025/4711",
                 "15.08.2025", "22.09.2025–23.09.2025", "20.10.2025", "24.11.2025", "15.01.2026",
                 "Revisors gjennomgang av 21 av 23 journaler"):
        assert text in facts, text
    assert page.index('id="nokkelopplysninger"') < page.index('id="innledning"')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('virksomhet = "X"\ntilsynsmyndigheten = "Y"\n', "ukjent nøkkel «tilsynsmyndigheten»"),
        ("varsel = \"31.02.2025\"\n", "«varsel»: «31.02.2025» er ingen dato"),
        ("varsel = 2025-09-01\nendelig_rapport = 2025-08-01\n", "«endelig_rapport»: 01.08.2025 er før «varsel»"),
        ('virksomhet = 12\n', "«virksomhet»: må være en tekst"),
    ],
)
def test_bad_supervision_info_is_refused(extract: Path, tmp_path: Path, text: str, message: str) -> None:
    info = tmp_path / "tilsyn.toml"
    info.write_text(text, encoding="utf-8")
    result = cli(["audit", str(extract), "--format", "supervision", "--supervision-info", str(info),
                  "--out", str(tmp_path / "out")], 2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ipaudit: feil: Tilsynsfilen {info}") and message in lines[0]
    assert not (tmp_path / "out" / "ipaudit-tilsynsrapport.html").exists()
