"""The fast plain-file proof never says plain where the exact record pass would not read alike."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import polars as pl
import pytest

from ipaudit.extract import plainscan
from ipaudit.extract.plainscan import plain_records
from ipaudit.extract.records import scan_records


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "dokumenter.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("quoted delimiter and line break", 'a;b;c\r\n1;"x;\r\ny";3\r\n4;5;6\r\n'),
        ("escaped quote inside a quoted field", 'a;b\n1;"sa ""nei"" i dag"\n'),
        ("no line end after the last record", "a;b\n1;2"),
        ("Windows-1252 letters", "a;b\n1;blåbær\n"),
    ],
)
def test_proven_plain_files_count_as_the_exact_pass_does(tmp_path: Path, name: str, text: str) -> None:
    path = _write(tmp_path, text, "cp1252")
    proven = plain_records(path, "cp1252", ";")
    exact = scan_records(path, "cp1252", ";", "x")
    assert proven is not None, name
    assert (proven.header, proven.header_row, proven.records, proven.blank) == (
        exact.header,
        exact.header_row,
        exact.records,
        exact.blank,
    )
    assert not exact.faults


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("ragged record", "a;b;c\n1;2\n"),
        ("too many fields", "a;b\n1;2;3\n"),
        ("quote inside an unquoted value", 'a;b\n1;12" skjerm\n'),
        ("text after a closing quote", 'a;b\n1;"x"y\n'),
        ("quote never closed", 'a;b\n1;"x\n2;3\n'),
        ("blank line", "a;b\n\n1;2\n"),
        ("whitespace-only line", "a;b\n   \n1;2\n"),
        ("blank line before the header", "\na;b\n1;2\n"),
        ("quoted header", '"a";b\n1;2\n'),
        ("one column", "a\n1\n"),
    ],
)
def test_anything_unusual_is_left_to_the_exact_pass(tmp_path: Path, name: str, text: str) -> None:
    assert plain_records(_write(tmp_path, text), "utf-8-sig", ";") is None, name


def _random_file(rng: random.Random) -> str:
    width = rng.randint(1, 4)
    pieces = ["a", "æ", " ", ";", '""', "\n", "\r\n"]

    def field() -> str:
        roll = rng.random()
        if roll < 0.5:
            return "".join(rng.choice("ab æ1") for _ in range(rng.randint(0, 3)))
        if roll < 0.85:
            return '"' + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))) + '"'
        return "".join(rng.choice([*pieces, '"', '12" x']) for _ in range(rng.randint(1, 3)))

    lines = [";".join(f"h{i}" for i in range(width))]
    for _ in range(rng.randint(0, 6)):
        if rng.random() < 0.05:
            lines.append(rng.choice(["", "  "]))
        else:
            lines.append(";".join(field() for _ in range(width if rng.random() < 0.9 else rng.randint(1, 5))))
    newline = rng.choice(["\n", "\r\n"])
    return newline.join(lines) + (newline if rng.random() < 0.7 else "")


def test_random_files_proven_plain_read_alike_in_polars_and_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plainscan, "_CHUNK", 5)  # records cut across many chunks
    rng = random.Random(11)
    proven = 0
    for _ in range(300):
        text = _random_file(rng)
        data = text.encode("utf-8")
        if data.count(b"\r") != data.count(b"\r\n"):
            continue  # a bare CR never reaches the proof
        path = _write(tmp_path, text)
        scan = plain_records(path, "utf-8-sig", ";")
        if scan is None:
            continue
        proven += 1
        exact = scan_records(path, "utf-8-sig", ";", "x")
        assert exact.header_row == 1 and not exact.faults and not exact.blank, text
        assert (scan.header, scan.records) == (exact.header, exact.records), text
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True))[1:]
        frame = pl.read_csv(data, separator=";", quote_char='"', infer_schema=False)
        assert [["" if v is None else v for v in row] for row in frame.rows()] == rows, text
    assert proven > 50
