"""Pseudonymisation: the HMAC contract, the key file, and a result with nothing left to identify anyone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from builders import CONSENT, INDEX, INFO, WANTS, days, make_extract, run

from ipaudit.errors import InputError
from ipaudit.extract.model import REJECTED_SCHEMA
from ipaudit.model import AuditResult
from ipaudit.pseudonymize import (
    NAMESPACES,
    REMOVED,
    Key,
    load_key,
    pseudonym,
    pseudonymize_frame,
    pseudonymize_result,
    pseudonymize_series,
    pseudonyms,
    reidentify,
)
from ipaudit.waivers import Waiver

KEY = Key(b"en-lang-og-tilfeldig-testnokkel-1")
OTHER_KEY = Key(b"en-annen-nokkel-for-en-annen-sak")
PATIENTS = ("pas-100001", "pas-100002", "pas-100003", "=pas-100004")
COORDINATOR = "Sigrid Fjellheimsen"
AUTHOR = "Overlege Bjørn Ødegårdsen"
APPROVER = "Kvalitetsrådgiver Hege Lienholm"
NATIONAL_ID = "01028012345"
SECRET_TEXT = "Pasienten forteller om vanskelig samliv med Ola Nordmannsen."


def _extract():
    """Four cohort patients with documents, coordinators and text; one at-risk patient (IP00)."""
    p1, p2, p3, p4 = PATIENTS
    return make_extract(
        patients=[*PATIENTS, "pas-200009"],
        assessments=[
            {**WANTS, "patient_id": p1, "assessment_id": "vur-9001", "unit": "DPS Nord"},
            {**WANTS, "patient_id": p2, "assessment_id": "vur-9002", "unit": "DPS Nord"},
            {**WANTS, "patient_id": p3, "assessment_id": "vur-9003", "unit": "Medisinsk avdeling"},
            {**WANTS, "patient_id": p4, "assessment_id": "vur-9004", "unit": "-Barneklinikken"},
        ],
        documents=[
            {"patient_id": p1, "document_id": "dok-5001", "doc_date": INDEX, "text": INFO, "author": AUTHOR},
            {"patient_id": p1, "document_id": "dok-5002", "doc_date": days(1), "text": CONSENT, "author": AUTHOR},
            {"patient_id": p1, "document_id": "dok-5003", "doc_date": days(2), "doc_type": "MELDING_KE"},
            {"patient_id": p2, "document_id": "dok-5004", "doc_date": days(3), "text": SECRET_TEXT},
            {"patient_id": p2, "document_id": "dok-5005", "doc_date": days(3), "doc_type": "IP_PLAN", "unit": "A"},
            {"patient_id": p2, "document_id": "dok-5006", "doc_date": days(4), "doc_type": "IP_PLAN", "unit": "B"},
            {"patient_id": p3, "document_id": "dok-5007", "doc_date": days(5), "text": f"Fnr {NATIONAL_ID}."},
        ],
        coordinators=[
            {"patient_id": p1, "name": COORDINATOR, "appointed_date": days(2), "phone": "22 33 44 55"},
            {"patient_id": p2, "name": "NN", "appointed_date": days(2)},
            {"patient_id": p2, "name": "Per Vikhagen", "appointed_date": days(40)},
        ],
        episodes=[
            {
                "patient_id": "pas-200009",
                "episode_id": "epi-7001",
                "unit": "X",
                "care_type": "døgn",
                "start_date": dt.date(2025, 1, 2),
                "end_date": dt.date(2025, 2, 20),
            },
        ],
    )


def _result(**options: Any) -> AuditResult:
    waivers = (
        Waiver(
            "IP03",
            PATIENTS[2],
            f"Pasient {PATIENTS[2]} (fnr {NATIONAL_ID}) reiste utenlands.",
            APPROVER,
            dt.date(2025, 12, 31),
        ),
        Waiver("IP01", "pas-999999", "Feil pasient i lista.", APPROVER, dt.date(2025, 12, 31)),
    )
    result = run(_extract(), waivers=waivers, **options)
    rejected = pl.DataFrame(
        [
            {"table": "documents", "row": 9, "column": "doc_date", "reason": f"ugyldig dato «{SECRET_TEXT[:40]}…»"},
            {
                "table": "assessments",
                "row": 4,
                "column": "need, wants_ip",
                "reason": "ugyldig verdi «ka»n» (tillatt: ja, nei, uavklart); ugyldig ja/nei-verdi «Ola Nordm»",
            },
        ],
        schema=REJECTED_SCHEMA,
    )
    return dataclasses.replace(result, rejected=rejected)


def _strings(value: Any) -> list[str]:
    """Every string inside a result: dataclass fields, frames (all cells, lists included), tuples, dicts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, pl.DataFrame):
        out: list[str] = []
        for column in value.columns:
            series = value.get_column(column)
            if series.dtype == pl.List(pl.String):
                series = series.explode()
            if series.dtype == pl.String:
                out.extend(series.drop_nulls().to_list())
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple | frozenset | set):
        return [s for item in value for s in _strings(item)]
    return []


# --- the HMAC contract -------------------------------------------------------------------------


def test_pseudonym_is_p_and_12_hex_digits_of_hmac_sha256() -> None:
    expected = "P-" + hmac.new(b"hemmelig", b"12345678", hashlib.sha256).hexdigest()[:12]
    assert pseudonym(Key(b"hemmelig"), "12345678") == expected
    # Frozen by hand (python -c "import hmac,hashlib; print(hmac.new(b'hemmelig', b'12345678',
    # hashlib.sha256).hexdigest()[:12])"): the contract other tools rely on never drifts.
    assert expected == "P-1f82b7c6178b"


@pytest.mark.parametrize("secret", [b"k", b"x" * 64, b"y" * 65, b"z" * 300, "nøkkel æøå".encode()])
def test_the_vectorised_pseudonyms_equal_the_reference(secret: bytes) -> None:
    ids = ["0001", "pas-1", "Åsmund-ø", "", "=1+2", "a" * 200]
    assert pseudonyms(Key(secret), ids) == {i: pseudonym(Key(secret), i) for i in ids}
    series = pl.Series(["0001", None, "0001", "Åsmund-ø"], dtype=pl.String)
    assert pseudonymize_series(series, secret).to_list() == [
        pseudonym(secret, "0001"),
        None,
        pseudonym(secret, "0001"),
        pseudonym(secret, "Åsmund-ø"),
    ]


def test_evidence_ids_have_their_own_namespace() -> None:
    doc = pseudonyms(KEY, ["X1"], "document")["X1"]
    digest = hmac.new(KEY.secret, b"doc:X1", hashlib.sha256).hexdigest()[:12]
    assert doc == "D-" + digest
    assert pseudonyms(KEY, ["X1"], "episode")["X1"].startswith("K-")
    assert pseudonyms(KEY, ["X1"], "assessment")["X1"].startswith("V-")
    assert doc[2:] != pseudonym(KEY, "X1")[2:]


def test_one_key_gives_the_same_pseudonyms_across_runs_and_another_key_other_ones() -> None:
    first = pseudonymize_result(_result(), KEY).results
    second = pseudonymize_result(_result(), KEY).results
    other = pseudonymize_result(_result(), OTHER_KEY).results
    assert first.get_column("patient_id").to_list() == second.get_column("patient_id").to_list()
    assert first.get_column("evidence").to_list() == second.get_column("evidence").to_list()
    mine = set(first.get_column("patient_id").to_list())
    theirs = set(other.get_column("patient_id").to_list())
    assert len(mine) == len(theirs) == 5
    assert not mine & theirs


# --- the key file ------------------------------------------------------------------------------


def _key_file(tmp_path: Path, content: bytes, mode: int = 0o600) -> Path:
    path = tmp_path / "tilsyn.key"
    path.write_bytes(content)
    path.chmod(mode)
    return path


def test_a_private_key_file_loads_without_warning_and_drops_one_trailing_newline(tmp_path: Path) -> None:
    key, warning = load_key(_key_file(tmp_path, b"0123456789abcdef-hemmelig\n"))
    assert key == Key(b"0123456789abcdef-hemmelig")
    assert warning is None
    key, _ = load_key(_key_file(tmp_path, b"0123456789abcdef-hemmelig\r\n"))
    assert key.secret == b"0123456789abcdef-hemmelig"
    key, _ = load_key(_key_file(tmp_path, b"0123456789abcdef-hemmelig\n\n"))
    assert key.secret == b"0123456789abcdef-hemmelig\n"


def test_the_key_never_shows_in_a_repr_or_str() -> None:
    key = Key(b"superhemmelig-nokkel")
    assert "superhemmelig" not in repr(key)
    assert "superhemmelig" not in str(key)
    assert "superhemmelig" not in repr((key, [key]))


@pytest.mark.parametrize("content", [b"", b"\n", b"\r\n", b"   \n", b" \t "])
def test_an_empty_key_file_is_an_input_error(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(InputError, match="tom"):
        load_key(_key_file(tmp_path, content))


def test_a_missing_key_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="finnes ikke"):
        load_key(tmp_path / "borte.key")


def test_a_directory_is_no_key_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="mappe"):
        load_key(tmp_path)


def test_a_huge_file_is_no_key_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="for stor"):
        load_key(_key_file(tmp_path, b"x" * (2 << 20)))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_key_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="kan ikke leses"):
        load_key(_key_file(tmp_path, b"0123456789abcdef-hemmelig", mode=0o000))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_a_key_file_others_can_read_gives_a_warning(tmp_path: Path, mode: int) -> None:
    path = _key_file(tmp_path, b"0123456789abcdef-hemmelig", mode=mode)
    key, warning = load_key(path)
    assert key.secret == b"0123456789abcdef-hemmelig"
    assert warning is not None and "kan leses av andre" in warning and "chmod 600" in warning
    assert "hemmelig" not in warning


def test_a_short_key_gives_a_warning(tmp_path: Path) -> None:
    _, warning = load_key(_key_file(tmp_path, b"kort"))
    assert warning is not None and "kortere enn 16 byte" in warning


def test_error_messages_are_one_line_and_never_hold_the_key(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_key(_key_file(tmp_path, b"\n"))
    assert "\n" not in str(caught.value)


# --- the transformed result --------------------------------------------------------------------


def test_the_pseudonymised_result_holds_no_id_name_national_id_or_journal_text() -> None:
    original = _result()
    assert original.waivers and original.results.filter(pl.col("status") == "waived").height == 1
    pseudo = pseudonymize_result(original, KEY)
    text = "\n".join(_strings(pseudo))
    forbidden = [
        *PATIENTS,
        "pas-200009",
        "pas-999999",
        "dok-5001",
        "dok-5004",
        "dok-5005",
        "dok-5006",
        "vur-9001",
        "vur-9004",
        "epi-7001",
        COORDINATOR,
        "Per Vikhagen",
        AUTHOR,
        APPROVER,
        "Hege Lienholm",
        NATIONAL_ID,
        SECRET_TEXT[:20],
        "Ola Nordm",
        "ka»n",
    ]
    leaks = [value for value in forbidden if value in text]
    assert not leaks
    # ... and everything the original had is still there, under its pseudonym.
    assert pseudo.results.height == original.results.height
    assert pseudo.results.get_column("status").to_list() == original.results.get_column("status").to_list()
    assert pseudo.results.get_column("message").to_list() == original.results.get_column("message").to_list()
    ids = pseudo.results.get_column("patient_id")
    assert ids.str.contains(r"^P-[0-9a-f]{12}$").all()
    evidence = pseudo.results.get_column("evidence").explode().drop_nulls()
    assert evidence.len() == original.results.get_column("evidence").explode().drop_nulls().len() > 0
    assert evidence.str.contains(r"^[DKV]-[0-9a-f]{12}$").all()


def test_unit_names_file_names_and_counts_are_kept() -> None:
    original = _result()
    pseudo = pseudonymize_result(original, KEY)
    assert pseudo.units.equals(original.units)
    assert pseudo.extract == original.extract
    assert pseudo.rules == original.rules
    assert pseudo.cohort_size == original.cohort_size
    assert pseudo.results.get_column("unit").to_list() == original.results.get_column("unit").to_list()


def test_waivers_lose_their_free_text_reason_and_the_approver() -> None:
    pseudo = pseudonymize_result(_result(), KEY)
    applied = next(w for w in pseudo.waivers if w.state == "applied")
    assert applied.patient_id == pseudonym(KEY, PATIENTS[2])
    assert applied.approved_by == REMOVED
    assert applied.reason == REMOVED  # free text: it named the patient and held a national id
    unused = next(w for w in pseudo.waivers if w.state == "unused")
    assert unused.patient_id == pseudonym(KEY, "pas-999999")
    waived = pseudo.results.filter(pl.col("status") == "waived").row(0, named=True)
    assert waived["waiver_approved_by"] == REMOVED
    assert waived["waiver_reason"] == applied.reason
    assert pseudo.results.filter(pl.col("status") != "waived").get_column("waiver_approved_by").null_count() == (
        pseudo.results.height - 1
    )


def test_rejected_rows_keep_table_row_and_column_but_no_quoted_value() -> None:
    original = _result()
    pseudo = pseudonymize_result(original, KEY).rejected
    assert pseudo.select("table", "row", "column").equals(original.rejected.select("table", "row", "column"))
    assert pseudo.get_column("reason").to_list() == [
        "ugyldig dato «…»",
        "ugyldig verdi «…»",
    ]


def test_a_plain_rejected_reason_is_unchanged() -> None:
    original = _result()
    plain = pl.DataFrame(
        [{"table": "episodes", "row": 3, "column": "patient_id", "reason": "pasienten finnes ikke i pasienttabellen"}],
        schema=REJECTED_SCHEMA,
    )
    pseudo = pseudonymize_result(dataclasses.replace(original, rejected=plain), KEY)
    assert pseudo.rejected.equals(plain)


def test_rule_messages_never_quote_the_extract() -> None:
    """Names, free text, authors and ids fed to every rule of every profile come back in no message."""
    for profile in ("national", "unn", "helse-bergen"):
        result = run(_extract(), profile=profile)
        messages = "\n".join(result.results.get_column("message").to_list())
        for value in (*PATIENTS, COORDINATOR, "Per Vikhagen", AUTHOR, SECRET_TEXT[:20], NATIONAL_ID, "dok-50"):
            assert value not in messages, (profile, value)


def test_each_rules_evidence_is_in_the_namespace_the_transform_assumes() -> None:
    """Each rule's RuleMeta.evidence_kind must name the table its evidence ids come from."""
    extract = _extract()
    for profile in ("national", "unn", "helse-bergen"):
        result = run(extract, profile=profile)
        for rule in result.rules:
            kind = rule.meta.evidence_kind
            _, _, table, column = NAMESPACES[kind]
            known = set(extract.tables[table].get_column(column).to_list())
            cited = result.results.filter(pl.col("rule_id") == rule.meta.id).get_column("evidence").explode()
            assert set(cited.drop_nulls().to_list()) <= known, rule.meta.id


def test_the_result_is_marked_pseudonymised() -> None:
    original = _result()
    pseudo = pseudonymize_result(original, KEY)
    assert pseudo.pseudonymized is True
    assert original.pseudonymized is False


def test_an_empty_result_pseudonymises() -> None:
    result = run(make_extract(patients=["P1"]))
    pseudo = pseudonymize_result(result, KEY)
    assert pseudo.results.height == 0
    assert pseudo.results.schema == result.results.schema


def test_the_schema_of_every_frame_is_kept() -> None:
    original = _result()
    pseudo = pseudonymize_result(original, KEY)
    assert pseudo.results.schema == original.results.schema
    assert pseudo.rejected.schema == original.rejected.schema


def test_a_frame_column_can_be_pseudonymised_alone() -> None:
    frame = pl.DataFrame({"patient_id": ["a", "b", None], "unit": ["x", "y", "z"]})
    out = pseudonymize_frame(frame, KEY)
    assert out.get_column("patient_id").to_list() == [pseudonym(KEY, "a"), pseudonym(KEY, "b"), None]
    assert out.get_column("unit").to_list() == ["x", "y", "z"]


# --- reidentification --------------------------------------------------------------------------


def test_reidentify_maps_every_pseudonym_back() -> None:
    extract = _extract()
    pseudo = pseudonymize_result(run(extract), KEY)
    ids = sorted(set(pseudo.results.get_column("patient_id").to_list()))
    evidence = sorted(set(pseudo.results.get_column("evidence").explode().drop_nulls().to_list()))
    back = reidentify(extract, KEY, [*ids, *evidence])
    assert set(back.values()) == {
        *PATIENTS,
        "pas-200009",
        "dok-5001",
        "dok-5002",
        "dok-5003",
        "dok-5005",
        "dok-5006",
        "vur-9001",
        "vur-9002",
        "vur-9003",
        "vur-9004",
        "epi-7001",
    }
    for pseudonymised in ids:
        assert pseudonym(KEY, back[pseudonymised] or "") == pseudonymised


def test_reidentify_tells_what_it_cannot_find() -> None:
    extract = _extract()
    p1 = pseudonym(KEY, PATIENTS[0])
    back = reidentify(extract, KEY, [p1, "P-000000000000", "tull", pseudonym(OTHER_KEY, PATIENTS[0])])
    assert back == {p1: PATIENTS[0], "P-000000000000": None, "tull": None, pseudonym(OTHER_KEY, PATIENTS[0]): None}


def test_reidentify_ignores_blanks_and_case() -> None:
    extract = _extract()
    p1 = pseudonym(KEY, PATIENTS[0])
    loose = "  p-" + p1[2:].upper() + " "
    assert reidentify(extract, KEY, [loose]) == {loose: PATIENTS[0]}


def test_a_pseudonym_cannot_be_matched_to_a_patient_without_the_key() -> None:
    """Sanity: the pseudonym is not a plain hash of the id (a dictionary attack needs the key)."""
    plain = hashlib.sha256(PATIENTS[0].encode()).hexdigest()[:12]
    assert pseudonym(KEY, PATIENTS[0])[2:] != plain
    assert re.fullmatch(r"P-[0-9a-f]{12}", pseudonym(KEY, PATIENTS[0]))


def test_a_waiver_reason_naming_patients_and_a_phone_number_is_removed() -> None:
    reason = f"Samme sak som {PATIENTS[0]} og {PATIENTS[2]}, ring Kari Nordmann 912 34 567."
    result = run(_extract(), waivers=(Waiver("IP03", PATIENTS[2], reason, APPROVER, dt.date(2025, 12, 31)),))
    pseudo = pseudonymize_result(result, KEY)
    (waiver,) = pseudo.waivers
    assert waiver.reason == REMOVED
    assert reason not in repr(pseudo.results.rows()) and "912 34 567" not in repr(pseudo.results.rows())
