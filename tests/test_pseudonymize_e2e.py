"""End to end: a generated extract, every output of a pseudonymised run, and nothing in them that identifies anyone.

The sensitive values are read from the generated CSV files themselves (every patient id,
national id, coordinator name, author, phone number, document/episode/assessment id, title
and distinctive text fragment), and every output file is scanned for every one of them:
JSON and CSV and HTML as text, xlsx by unzipping and reading every XML part, anything else
(a history database) as bytes decoded leniently.

``test_the_scanner_finds_ids_in_an_ordinary_run`` is the control: without --pseudonymize
the same scan must find the patient ids, or the scan proves nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ipaudit.cli import main
from ipaudit.engine import AuditOptions, audit
from ipaudit.extract import read_extract
from ipaudit.profile import load_profile
from ipaudit.pseudonymize import Key, load_key, pseudonymize_frame, pseudonymize_result
from ipaudit.report import write_reports
from ipaudit.report.review_workbook import REVIEW_FILENAME, write_review_workbook
from ipaudit.selection import select_sample

AS_OF = "2025-06-30"
PATIENTS = 300
SEED = 5
FRAGMENT_MIN = 12
PSEUDONYM = re.compile(r"^P-[0-9a-f]{12}$")
ROOT = Path(__file__).resolve().parent.parent

#: Header (lower case) → what kind of sensitive value the column holds.
ID_COLUMNS = {
    "pasientnr",
    "patient_id",
    "pasient_id",
    "pasientnummer",
    "dokumentid",
    "document_id",
    "dok_id",
    "kontaktid",
    "episode_id",
    "kontakt_id",
    "oppholdsid",
    "vurderingsid",
    "assessment_id",
    "fødselsnummer",
    "fodselsnummer",
    "fnr",
    "national_id",
    "telefon",
    "tlf",
    "phone",
}
NAME_COLUMNS = {"navn", "name", "koordinator", "forfatter", "author"}
TEXT_COLUMNS = {"tekst", "notat", "text", "tittel", "title"}


@dataclass
class Sensitive:
    """What must never appear in a pseudonymised output."""

    patient_ids: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    """Patient, national, document, episode, assessment ids and phone numbers (matched whole)."""
    names: set[str] = field(default_factory=set)
    fragments: set[str] = field(default_factory=set)
    """Distinctive pieces of journal text and titles (matched case-insensitively)."""


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    header = text.split("\n", 1)[0]
    delimiter = max(";,\t|", key=header.count)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def _tool_vocabulary() -> str:
    """Everything the tool itself may write: its source (not the generator's) and templates, casefolded."""
    parts = [p.read_text("utf-8") for p in (ROOT / "ipaudit").rglob("*.py") if "sample" not in p.parts]
    parts += [p.read_text("utf-8") for p in (ROOT / "report_templates").glob("*") if p.is_file()]
    return "\n".join(parts).casefold()


def sensitive_values(extract_dir: Path) -> Sensitive:
    """Every identifying value in the extract's CSV files."""
    found = Sensitive()
    vocabulary = _tool_vocabulary()
    for path in sorted(extract_dir.glob("*.csv")):
        for row in _read_csv(path):
            for header, value in row.items():
                column = (header or "").strip().lower()
                value = (value or "").strip()
                if not value:
                    continue
                if column in ID_COLUMNS:
                    found.ids.add(value)
                    if column in {"pasientnr", "patient_id", "pasient_id", "pasientnummer"}:
                        found.patient_ids.add(value)
                elif column in NAME_COLUMNS:
                    words = value.split()
                    if len(words) >= 2 and value.casefold() not in vocabulary:
                        found.names.add(value)
                        found.names.add(" ".join(words[-2:]))  # "Lege Kari Hansen" → "Kari Hansen"
                elif column in TEXT_COLUMNS:
                    for piece in re.split(r"[.;:!?\"\n]", value):
                        piece = piece.strip()
                        if len(piece) >= FRAGMENT_MIN and piece.casefold() not in vocabulary:
                            found.fragments.add(piece)
    return found


def output_texts(out_dir: Path) -> dict[str, str]:
    """Every output file (and every part of every workbook) as text to scan."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for part in book.namelist():
                    texts[f"{path.name}:{part}"] = html.unescape(book.read(part).decode("utf-8", "replace"))
        elif path.suffix == ".json":
            raw = path.read_text("utf-8")
            texts[path.name] = raw + "\n" + "\n".join(_json_strings(json.loads(raw)))
        elif path.suffix in {".html", ".htm"}:
            texts[path.name] = html.unescape(path.read_text("utf-8"))
        else:
            texts[path.name] = path.read_bytes().decode("utf-8", "replace")
    return texts


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_json_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return [str(value)]


_ALNUM = re.compile(r"[0-9A-Za-z]+")
_WORD = re.compile(r"\w+")


def _index(values: set[str], tokens: re.Pattern[str], fold: bool) -> dict[tuple[str, ...], str]:
    """token tuple → the value it came from: '48 11 65 91' → ('48', '11', '65', '91')."""
    out = {}
    for value in values:
        key = tuple(tokens.findall(value.casefold() if fold else value))
        if key:
            out[key] = value
    return out


def _found(text: str, index: dict[tuple[str, ...], str], tokens: re.Pattern[str]) -> set[str]:
    """The values whose tokens occur consecutively in the text (whole tokens only, so an id never
    matches inside a longer number or a hex pseudonym)."""
    words = tokens.findall(text)
    hits = set()
    for size in {len(k) for k in index}:
        for gram in zip(*(words[i:] for i in range(size)), strict=False):
            if gram in index:
                hits.add(index[gram])
    return hits


def leaks(texts: dict[str, str], sensitive: Sensitive) -> dict[str, set[str]]:
    """file → the sensitive values found in it."""
    ids = _index(sensitive.ids, _ALNUM, fold=False)
    names = _index(sensitive.names, _WORD, fold=True)
    fragments = {f.casefold(): f for f in sensitive.fragments}
    found: dict[str, set[str]] = {}
    for name, text in texts.items():
        folded = text.casefold()
        hits = _found(text, ids, _ALNUM) | _found(folded, names, _WORD)
        hits |= {original for fragment, original in fragments.items() if fragment in folded}
        if hits:
            found[name] = hits
    return found


def invoke(args: list[str], code: int = 0) -> Result:
    result = CliRunner().invoke(main, args, env={"IPAUDIT_DEBUG": "1"}, catch_exceptions=False)
    assert result.exit_code == code, result.output + (result.stderr or "")
    return result


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ipaudit.sample import generate

    root = tmp_path_factory.mktemp("generated")
    summary = generate(root, patients=PATIENTS, seed=SEED, as_of=dt.date.fromisoformat(AS_OF))
    return Path(summary.extract_dir)


@pytest.fixture(scope="module")
def sensitive(generated: Path) -> Sensitive:
    found = sensitive_values(generated)
    # The scan must have something to find, or it proves nothing.
    assert len(found.patient_ids) >= PATIENTS
    assert len(found.ids) > 4 * PATIENTS
    assert len(found.names) >= 50
    assert len(found.fragments) >= 20
    return found


def _key_file(directory: Path, secret: bytes) -> Path:
    path = directory / "tilsyn.key"
    path.write_bytes(secret + b"\n")
    path.chmod(0o600)
    return path


def test_the_scanner_finds_ids_in_an_ordinary_run(generated: Path, sensitive: Sensitive, tmp_path: Path) -> None:
    result = audit(
        read_extract(generated), AuditOptions(as_of=dt.date.fromisoformat(AS_OF), profile=load_profile("national"))
    )
    write_reports(result, tmp_path, ["csv", "xlsx"])
    found = leaks(output_texts(tmp_path), sensitive)
    assert sensitive.patient_ids & set().union(*found.values())


def test_the_pseudonymised_views_leak_nothing(generated: Path, sensitive: Sensitive, tmp_path: Path) -> None:
    """In process (reader, engine, transform, views, review workbook): needs no CLI wiring."""
    key = Key(b"tilsynssak-2025-helse-vest-nokkel")
    options = AuditOptions(as_of=dt.date.fromisoformat(AS_OF), profile=load_profile("national"))
    result = audit(read_extract(generated), options)
    assert result.rejected.height > 0  # the generator's bad rows are in the scan too
    pseudo = pseudonymize_result(result, key)
    write_reports(pseudo, tmp_path, ["html", "xlsx", "json", "csv"])
    sample = pseudonymize_frame(select_sample(result, 25, seed=3, stratify="unit"), key)
    write_review_workbook(sample, pseudo, tmp_path / REVIEW_FILENAME, n=25, seed=3, stratify="unit")
    texts = output_texts(tmp_path)
    assert not leaks(texts, sensitive)
    assert key.secret.decode() not in "\n".join(texts.values())
    data = json.loads((tmp_path / "ipaudit-results.json").read_text("utf-8"))
    assert data["results"] and all(PSEUDONYM.match(r["patient_id"]) for r in data["results"])


def _pseudonymised_cli_run(generated: Path, directory: Path) -> Path:
    """``ipaudit audit … --pseudonymize KEYFILE`` into directory/ut (with --history if the CLI has it)."""
    key_file = _key_file(directory, b"tilsynssak-2025-helse-vest-nokkel")
    out = directory / "ut"
    args = [
        "audit",
        str(generated),
        "--as-of",
        AS_OF,
        "--out",
        str(out),
        "--pseudonymize",
        str(key_file),
        "--fail-on",
        "never",
    ]
    if "--history" in invoke(["audit", "--help"]).output:
        args += ["--history", str(out / "historikk.sqlite")]
    invoke(args)
    return out


def test_the_cli_with_pseudonymize_leaks_nothing_from_any_output(
    generated: Path, sensitive: Sensitive, tmp_path: Path
) -> None:
    out = _pseudonymised_cli_run(generated, tmp_path)
    written = sorted(p.name for p in out.iterdir())
    for name in (
        "ipaudit-report.html",
        "ipaudit-report.xlsx",
        "ipaudit-results.json",
        "ipaudit-results.csv",
        "ipaudit-rejected.csv",
    ):
        assert name in written
    texts = output_texts(out)
    assert not leaks(texts, sensitive)
    assert "tilsynssak-2025-helse-vest-nokkel" not in "\n".join(texts.values())
    assert not [p for p in out.rglob("*") if p.name == "tilsyn.key"]
    data = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
    assert data["results"] and all(PSEUDONYM.match(r["patient_id"]) for r in data["results"])


def test_the_reports_say_they_are_pseudonymised(generated: Path, tmp_path: Path) -> None:
    """Needs AuditResult.pseudonymized and the views showing it (JSON: top-level "pseudonymized": true)."""
    out = _pseudonymised_cli_run(generated, tmp_path)
    texts = output_texts(out)
    assert "Pseudonymisert" in texts["ipaudit-report.html"]
    workbook = "\n".join(text for name, text in texts.items() if name.startswith("ipaudit-report.xlsx:"))
    assert "Pseudonymisert" in workbook
    assert json.loads((out / "ipaudit-results.json").read_text("utf-8")).get("pseudonymized") is True


def test_the_cli_gives_the_same_pseudonyms_for_one_key_and_others_for_another(generated: Path, tmp_path: Path) -> None:
    def ids(secret: bytes, name: str) -> list[str]:
        directory = tmp_path / name
        directory.mkdir()
        key_file = _key_file(directory, secret)
        invoke(
            [
                "audit",
                str(generated),
                "--as-of",
                AS_OF,
                "--out",
                str(directory / "ut"),
                "--format",
                "json",
                "--pseudonymize",
                str(key_file),
                "--fail-on",
                "never",
            ]
        )
        data = json.loads((directory / "ut" / "ipaudit-results.json").read_text("utf-8"))
        return [r["patient_id"] for r in data["results"]]

    first, again, other = (
        ids(b"nokkel-en-0123456789", "a"),
        ids(b"nokkel-en-0123456789", "b"),
        ids(b"nokkel-to-0123456789", "c"),
    )
    assert first == again
    assert len(first) == len(other) and not set(first) & set(other)


def test_the_cli_select_writes_a_pseudonymised_review_workbook(
    generated: Path, sensitive: Sensitive, tmp_path: Path
) -> None:
    key_file = _key_file(tmp_path, b"tilsynssak-2025-helse-vest-nokkel")
    out = tmp_path / "utvalg"
    args = [
        "select",
        str(generated),
        "--n",
        "20",
        "--seed",
        "7",
        "--stratify",
        "unit",
        "--as-of",
        AS_OF,
        "--out",
        str(out),
        "--pseudonymize",
        str(key_file),
    ]
    invoke(args)
    assert (out / REVIEW_FILENAME).is_file()
    assert not leaks(output_texts(out), sensitive)


def test_the_cli_reidentify_maps_pseudonyms_back(generated: Path, sensitive: Sensitive, tmp_path: Path) -> None:
    key_file = _key_file(tmp_path, b"tilsynssak-2025-helse-vest-nokkel")
    key, _ = load_key(key_file)
    result = audit(
        read_extract(generated), AuditOptions(as_of=dt.date.fromisoformat(AS_OF), profile=load_profile("national"))
    )
    pseudo = pseudonymize_result(result, key)
    pairs = dict(
        zip(
            pseudo.results.get_column("patient_id").head(5).to_list(),
            result.results.get_column("patient_id").head(5).to_list(),
            strict=True,
        )
    )
    output = invoke(["reidentify", str(generated), str(key_file), *pairs]).output
    for pseudonym, patient_id in pairs.items():
        line = next(line for line in output.splitlines() if pseudonym in line)
        assert patient_id in line


def test_pseudonymised_supervision_report_lists_the_patients_select_draws(tmp_path: Path) -> None:
    import openpyxl

    extract = Path(__file__).parents[1] / "sample_data" / "extract"
    key = tmp_path / "key"
    key.write_text("a-long-enough-secret-for-the-test\n", encoding="utf-8")
    key.chmod(0o600)
    common = ["--as-of", "2025-06-30", "--pseudonymize", str(key)]
    runner = CliRunner()
    audited = runner.invoke(
        main,
        ["audit", str(extract), "--out", str(tmp_path / "a"), "--format", "supervision", "--fail-on", "never", *common],
    )
    assert audited.exit_code == 0, audited.output
    report = (tmp_path / "a" / "ipaudit-tilsynsrapport.html").read_text("utf-8")
    listed = set(re.findall(r'<td class="id">(P-[0-9a-f]{12})</td>', report))
    selected = runner.invoke(
        main,
        [
            "select",
            str(extract),
            "--n",
            "30",
            "--seed",
            "1",
            "--stratify",
            "unit",
            "--out",
            str(tmp_path / "s"),
            *common,
        ],
    )
    assert selected.exit_code == 0, selected.output
    sheet = openpyxl.load_workbook(tmp_path / "s" / REVIEW_FILENAME, read_only=True)["Stikkprøve"]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    drawn = {row[0] for row in rows}
    assert listed == drawn
    assert sum(row[1] == "Kohort" for row in rows) == 30  # and up to 5 from «Ikke vurdert» (IP00)
