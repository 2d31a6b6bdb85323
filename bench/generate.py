"""Bench extracts of any size, generated fast: a small `ipaudit sample` tiled, plus plain notes.

The base is an ordinary ``ipaudit sample`` of BASE_PATIENTS patients (every scenario and
every kind of bad row the sample injects). It is read as text and copied as often as the
size asks, each copy's ids (patients, episodes, assessments, documents) prefixed with the
copy number so they stay unique and every bad row stays bad (a duplicate stays a duplicate
of its own copy, an orphan stays an orphan). Documents are then topped up with ordinary
journal notes (``JOURNALNOTAT``: most plain, some mentioning individuell plan or koordinator,
some of those negated, some with ``;`` or a line break in the text) until the extract holds
DOCS_PER_PATIENT documents per patient on average, as in issue 11's bench (1 M patients,
10 M documents). All of it is polars expressions over row numbers: no Python loop per row.

Written as the sample writes (Windows-1252, ``;``, CRLF, quoted where needed) and as Parquet
(the same rows, every column text). Extracts are cached under ``bench/.data`` keyed by
their parameters; a finished extract holds a ``.complete`` marker.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

HERE = Path(__file__).parent
CACHE = HERE / ".data"
BASE_PATIENTS = 10_000
DOCS_PER_PATIENT = 10
AS_OF = dt.date(2025, 6, 30)
SEED = 7

#: The id columns of each table of the sample (its Norwegian headers) that a copy prefixes.
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "pasienter": ("Pasientnr",),
    "kontakter": ("KontaktID", "Pasientnr"),
    "vurderinger": ("VurderingsID", "Pasientnr"),
    "koordinatorer": ("Pasientnr",),
    "dokumenter": ("DokumentID", "Pasientnr", "KontaktID"),
}

_TEXTS = (
    "Samtale om dagliglivet og behov for hjelp i hjemmet.",
    "Fortsetter med nåværende medisinering. Kontroll om tre måneder.",
    "Pasienten møtte til time; blodprøver tatt, svar følger.",
    "Telefon fra pårørende; ønsker tilbakemelding om utskrivning.",
    "Fysioterapi to ganger i uken.\nGod fremgang, går med rullator.",
    "Tverrfaglig møte. Plan for videre oppfølging drøftet med pasienten.",
    "Ingen endring siden forrige notat.",
    "Informert om retten til individuell plan og koordinator.",
    "Pasienten ønsker ikke individuell plan nå.",
    "Koordinator er kontaktet, avtalt møte neste uke.",
    "Orientert om klagerett.",
    "Har ikke fått informasjon om individuell plan; tas opp ved neste time.",
)
_TITLES = ("Samtale", "Visitt", "Poliklinisk notat", "Telefonnotat", "Tverrfaglig møte")
_STATUSES = ("Godkjent", "Signert", "Ferdigstilt", "", "Kladd")
_PROFESSIONS = ("Lege", "Overlege", "Sykepleier", "Psykolog", "Fysioterapeut", "Sosionom")
_NAMES = ("Kari Bakke", "Håkon Strand", "Ingrid Kristiansen", "Lars Moen", "Sigrid Larsen", "Frode Bråten")


def size_label(patients: int) -> str:
    """100k, 1M, 10M: how sizes are named in the cache and in BENCH_SIZES."""
    if patients % 1_000_000 == 0:
        return f"{patients // 1_000_000}M"
    if patients % 1_000 == 0:
        return f"{patients // 1_000}k"
    return str(patients)


def parse_size(label: str) -> int:
    """The number of patients of a size label (``100k``, ``1M``, ``250000``)."""
    text = label.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def extract_dir(patients: int, fmt: str, docs_per_patient: int = DOCS_PER_PATIENT) -> Path:
    """Where the extract of these parameters lives in the cache (generated when absent)."""
    key = f"{size_label(patients)}-d{docs_per_patient}-b{size_label(BASE_PATIENTS)}-s{SEED}-{AS_OF:%Y%m%d}"
    target = CACHE / f"extract-{key}-{fmt}"
    if not (target / ".complete").exists():
        _generate(target, patients, fmt, docs_per_patient)
    return target


@functools.cache
def _base() -> dict[str, pl.DataFrame]:
    """The base sample's tables as text (generated once into the cache)."""
    base = CACHE / f"base-{size_label(BASE_PATIENTS)}-s{SEED}"
    if not (base / ".complete").exists():
        shutil.rmtree(base, ignore_errors=True)
        command = [sys.executable, "-m", "ipaudit", "sample", str(base), "--patients", str(BASE_PATIENTS)]
        command += ["--seed", str(SEED), "--as-of", AS_OF.isoformat()]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        (base / ".complete").touch()
    tables = {}
    for name in ID_COLUMNS:
        data = (base / "extract" / f"{name}.csv").read_bytes().decode("cp1252").encode("utf-8")
        tables[name] = pl.read_csv(data, separator=";", infer_schema=False).with_columns(pl.all().fill_null(""))
    return tables


def _tiled(frame: pl.DataFrame, ids: tuple[str, ...], copies: range, width: int) -> pl.LazyFrame:
    """Copies number ``copies`` of ``frame``, each copy's non-blank ids prefixed with its number."""

    def copy(number: int) -> pl.LazyFrame:
        prefix = pl.lit(str(number).zfill(width))
        return frame.lazy().with_columns(
            pl.when(pl.col(name).str.strip_chars() == "").then(pl.col(name)).otherwise(prefix + pl.col(name))
            for name in ids
        )

    return pl.concat([copy(number) for number in copies])


def _hash(seed: int) -> pl.Expr:
    return pl.col("i").hash(seed)


def _pick(options: tuple[str, ...], seed: int) -> pl.Expr:
    return pl.lit(pl.Series(options)).gather(_hash(seed) % len(options))


def _filler(count: int, patient_ids: pl.Series, start: int) -> pl.LazyFrame:
    """``count`` ordinary notes on random patients, dated in the three years before AS_OF."""
    days = pl.duration(days=(_hash(3) % 1100).cast(pl.Int64))
    date = (pl.lit(AS_OF) - days).dt.strftime("%d.%m.%Y")
    texts = pl.lit(pl.Series(_TEXTS))
    # Three texts in four are the plain ones; the rest mention IP, koordinator or klagerett.
    text_at = pl.when(_hash(4) % 4 > 0).then(_hash(5) % 7).otherwise(7 + _hash(6) % (len(_TEXTS) - 7))
    return pl.LazyFrame({"i": pl.int_range(start, start + count, dtype=pl.UInt64, eager=True)}).select(
        ("F" + pl.col("i").cast(pl.String)).alias("DokumentID"),
        pl.lit(patient_ids).gather(_hash(1) % patient_ids.len()).alias("Pasientnr"),
        pl.lit("").alias("KontaktID"),
        date.alias("Dokumentdato"),
        pl.lit("Journalnotat").alias("Dokumenttype"),
        _pick(_TITLES, 7).alias("Tittel"),
        _pick(_STATUSES, 8).alias("Dokumentstatus"),
        pl.lit("Medisinsk poliklinikk").alias("Enhet"),
        (_pick(_PROFESSIONS, 9) + " " + _pick(_NAMES, 10)).alias("Forfatter"),
        texts.gather(text_at).alias("Tekst"),
        pl.lit("").alias("Samtykke_omfang"),
    )


def _tables(patients: int, docs_per_patient: int, part: int, parts: int) -> dict[str, pl.LazyFrame]:
    """The tables of one slice (``part`` of ``parts``) of the extract, as lazy frames."""
    base = _base()
    copies_all = max(1, patients // BASE_PATIENTS)
    first = copies_all * part // parts
    copies = copies_all * (part + 1) // parts - first
    width = len(str(copies_all - 1))
    out = {name: _tiled(base[name], ids, range(first, first + copies), width) for name, ids in ID_COLUMNS.items()}
    ids = base["pasienter"].filter(pl.col("Pasientnr").str.strip_chars() != "").get_column("Pasientnr")
    prefixes = pl.int_range(copies_all, eager=True).cast(pl.String).str.zfill(width)
    crossed = prefixes.to_frame("p").join(ids.to_frame("id"), how="cross")
    all_ids = crossed.select(pl.col("p") + pl.col("id")).to_series()
    per_part = max(0, docs_per_patient * patients - base["dokumenter"].height * copies_all) // parts
    documents = [out["dokumenter"]]
    if per_part:
        documents.append(_filler(per_part, all_ids, part * per_part))
    out["dokumenter"] = pl.concat(documents)
    # Empty cells are null (written as nothing between two delimiters, as exports write them).
    return {name: frame.with_columns(pl.all().replace("", None)) for name, frame in out.items()}


def _generate(target: Path, patients: int, fmt: str, docs_per_patient: int) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    parts = max(1, patients // 1_000_000)
    for name in ID_COLUMNS:
        pieces = [_tables(patients, docs_per_patient, part, parts)[name] for part in range(parts)]
        if fmt == "parquet":
            pl.concat(pieces).sink_parquet(target / f"{name}.parquet", row_group_size=500_000)
        else:
            _write_cp1252_csv(pieces, target / f"{name}.csv")
    (target / ".complete").touch()


def _write_cp1252_csv(pieces: list[pl.LazyFrame], path: Path) -> None:
    """Write as the sample writes (Windows-1252, ``;``, CRLF), transcoding in chunks."""
    utf8 = path.with_suffix(".utf8")
    pl.concat(pieces).sink_csv(utf8, separator=";", line_terminator="\r\n", quote_style="necessary")
    decoder = codecs.getincrementaldecoder("utf-8")()
    with utf8.open("rb") as source, path.open("wb") as sink:
        while chunk := source.read(1 << 24):
            sink.write(decoder.decode(chunk).encode("cp1252"))
        sink.write(decoder.decode(b"", final=True).encode("cp1252"))
    utf8.unlink()


if __name__ == "__main__":
    for label in sys.argv[1:] or ["100k"]:
        for fmt in ("csv", "parquet"):
            print(extract_dir(parse_size(label), fmt))
