"""Pseudonymised outputs for a supervision case (tilsyn): keyed ids, no journal text, no names.

With ``--pseudonymize KEYFILE`` every output is a view of ``pseudonymize_result(result, key)``
instead of the result itself. A patient id becomes ``P-`` + the first 12 hex digits of
HMAC-SHA256(key, patient_id) (spec/outputs.md), so one key gives the same pseudonyms in every
run and only the key holder can map them back (``reidentify``). Evidence ids can be looked up
in the journal system, so they are keyed too, in their own namespace: a document id becomes
``D-`` + HMAC(key, "doc:" + id), an episode id (IP00's evidence) ``K-`` + HMAC(key,
"episode:" + id) and an assessment id (IP02's evidence) ``V-`` + HMAC(key, "assessment:" + id).

What else a result carries, and what happens to it:

- rule messages are generated bokmål text: counts, dates, source row numbers (IP05, HB01)
  and unit names (IP11); none quotes the journal. Kept.
- ``unit`` is organisational, not personal. Kept; so are the table files' names and
  fingerprints, which a reviewer needs to reproduce a finding. The names of the other files
  in the extract folder (a stray file may be named after a patient) become "(fjernet)".
- rejected rows carry a table, a row number, a column and a reason; a reason may quote up to
  40 characters of a bad date, yes/no or choice value, which in a shifted export could be
  journal text. Quoted values are replaced by «…».
- a waiver's reason is free text and may name the patient or hold a phone number: it becomes
  "(fjernet)", as does ``approved_by``, which names a person. The rule, the patient's
  pseudonym and the dates of a waiver stay.

The key is read once, held in a ``Key`` whose repr never shows it, and never copied, logged
or printed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ipaudit.errors import InputError
from ipaudit.extract.model import Extract
from ipaudit.model import AuditResult
from ipaudit.text_evidence import empty as text_evidence_empty

PATIENT_PREFIX = "P-"
HEX_DIGITS = 12
REMOVED = "(fjernet)"
"""What a removed name (a waiver's ``approved_by``) is replaced by."""
MAX_KEY_BYTES = 1 << 20
"""A key file larger than this is refused: it is almost certainly the wrong file."""
SHORT_KEY_BYTES = 16
"""A key shorter than this is accepted with a warning: patient ids are few enough to guess."""

#: Evidence namespaces: (pseudonym prefix, HMAC message prefix, extract table, id column).
NAMESPACES: dict[str, tuple[str, str, str, str]] = {
    "patient": (PATIENT_PREFIX, "", "patients", "patient_id"),
    "document": ("D-", "doc:", "documents", "document_id"),
    "episode": ("K-", "episode:", "episodes", "episode_id"),
    "assessment": ("V-", "assessment:", "assessments", "assessment_id"),
}

PSEUDONYM_PATTERN = re.compile(r"^(P|D|K|V)-[0-9a-f]{12}$")
_QUOTED = r"«[^«»]*»"


@dataclass(frozen=True)
class Key:
    """A pseudonymisation key. Its bytes never appear in a repr, a str or an error message."""

    secret: bytes = field(repr=False)
    """The key: the key file's bytes without one trailing line break."""

    def __repr__(self) -> str:
        return "Key(<skjult>)"

    __str__ = __repr__


def load_key(path: Path) -> tuple[Key, str | None]:
    """Read a key file; return the key and a one-line warning (or None).

    The key is the file's bytes with one trailing line break (``\\n`` or ``\\r\\n``) removed.
    A missing, unreadable, empty or whitespace-only file, a directory or a file over 1 MiB is an
    InputError. A file that group or others may read, or a key shorter than 16 bytes, gives a
    warning.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"Nøkkelfilen {path} finnes ikke; lag en med «ipaudit keygen {path}»") from None
    except OSError as exc:
        raise InputError(f"Nøkkelfilen {path} kan ikke leses ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"Nøkkelfilen {path} er en mappe, ikke en fil")
    if info.st_size > MAX_KEY_BYTES:
        raise InputError(f"Nøkkelfilen {path} er for stor ({info.st_size} byte) til å være en nøkkel")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Nøkkelfilen {path} kan ikke leses ({exc.strerror})") from None
    for ending in (b"\r\n", b"\n"):
        if data.endswith(ending):
            data = data[: -len(ending)]
            break
    if not data.strip():
        raise InputError(f"Nøkkelfilen {path} er tom; lag en ny nøkkelfil med «ipaudit keygen FIL»")
    warnings = []
    if info.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(f"Advarsel: nøkkelfilen {path} kan leses av andre (chmod 600 anbefales).")
    if len(data) < SHORT_KEY_BYTES:
        warnings.append(
            f"Advarsel: nøkkelen er kortere enn {SHORT_KEY_BYTES} byte; bruk en lang, tilfeldig nøkkel "
            "(«ipaudit keygen FIL» lager en)."
        )
    return Key(data), " ".join(warnings) or None


def _keyed_hex(secret: bytes, messages: pl.Series) -> pl.Series:
    """The first 12 hex digits of HMAC-SHA256(secret, m) for each string m, as a string column.

    The padded key is hashed once and copied per message: about twice as fast as calling
    ``hmac.digest`` per id, which is what dominates pseudonymising a large result.
    """
    block = hashlib.sha256().block_size
    if len(secret) > block:
        secret = hashlib.sha256(secret).digest()
    padded = secret.ljust(block, b"\0")
    inner_copy = hashlib.sha256(bytes(b ^ 0x36 for b in padded)).copy
    outer_copy = hashlib.sha256(bytes(b ^ 0x5C for b in padded)).copy
    digests: list[bytes] = []
    append = digests.append
    for message in messages.cast(pl.Binary).to_list():
        inner = inner_copy()
        inner.update(message)
        outer = outer_copy()
        outer.update(inner.digest())
        append(outer.digest()[: HEX_DIGITS // 2])
    return pl.Series(digests, dtype=pl.Binary).bin.encode("hex")


def _secret(key: Key | bytes) -> bytes:
    return key.secret if isinstance(key, Key) else bytes(key)


def pseudonym(key: Key | bytes, patient_id: str) -> str:
    """``P-`` + the first 12 hex digits of HMAC-SHA256(key, patient_id as UTF-8)."""
    digest = hmac.new(_secret(key), patient_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return PATIENT_PREFIX + digest[:HEX_DIGITS]


def _distinct_pseudonyms(key: Key | bytes, ids: pl.Series, kind: str) -> tuple[pl.Series, pl.Series]:
    """(distinct ids, their pseudonyms) for a string column (``kind`` is a key of NAMESPACES)."""
    prefix, salt, _, _ = NAMESPACES[kind]
    distinct = ids.cast(pl.String).drop_nulls().unique(maintain_order=True)
    hexes = _keyed_hex(_secret(key), (salt + distinct) if salt else distinct)
    return distinct, (prefix + hexes).alias(distinct.name)


def pseudonyms(key: Key | bytes, ids: Iterable[str], kind: str = "patient") -> dict[str, str]:
    """id → pseudonym for every distinct id (``kind`` is a key of NAMESPACES)."""
    distinct, keyed = _distinct_pseudonyms(key, pl.Series(list(ids), dtype=pl.String), kind)
    return dict(zip(distinct.to_list(), keyed.to_list(), strict=True))


def pseudonymize_series(series: pl.Series, key: Key | bytes, kind: str = "patient") -> pl.Series:
    """A string column with every id replaced by its pseudonym (nulls stay null).

    Each distinct id is hashed once and the column is mapped in one pass, so a million rows
    over a hundred thousand patients take a fraction of a second.
    """
    distinct, keyed = _distinct_pseudonyms(key, series, kind)
    return series.replace_strict(distinct, keyed, default=None, return_dtype=pl.String)


def pseudonymize_frame(
    frame: pl.DataFrame, key: Key | bytes, column: str = "patient_id", kind: str = "patient"
) -> pl.DataFrame:
    """``frame`` with one id column pseudonymised (for a review sample or any other table)."""
    return frame.with_columns(pseudonymize_series(frame.get_column(column), key, kind).alias(column))


def _pseudonymize_evidence(results: pl.DataFrame, key: Key | bytes) -> pl.Series:
    """The evidence column with every id keyed in the namespace of the rule that cited it."""
    from ipaudit.checks import registry

    # Each rule says in its metadata which table its evidence ids come from.
    evidence_kind = {rule_id: rule.meta.evidence_kind for rule_id, rule in registry().items()}
    kinds = pl.col("rule_id").replace_strict(evidence_kind, default="document", return_dtype=pl.String)
    frame = results.select(pl.int_range(pl.len()).alias("_row"), kinds.alias("_kind"), "evidence")
    parts: list[pl.DataFrame] = []
    for (kind,), part in frame.group_by("_kind"):
        old, new = _distinct_pseudonyms(key, part.get_column("evidence").explode(), str(kind))
        keyed = pl.element().replace_strict(old, new, default=None)
        parts.append(part.with_columns(pl.col("evidence").list.eval(keyed)))
    if not parts:
        return results.get_column("evidence")
    return pl.concat(parts).sort("_row").get_column("evidence")


def _scrub_rejected(rejected: pl.DataFrame) -> pl.DataFrame:
    """Rejected rows with every quoted input value replaced by «…» (see the module docstring)."""
    if "reason" not in rejected.columns or rejected.height == 0:
        return rejected
    once = pl.col("reason").str.replace_all(_QUOTED, "«…»")
    leftover = once.str.replace_all("«…»", "", literal=True).str.contains("[«»]")
    return rejected.with_columns(
        pl.when(leftover).then(once.str.replace(r"(?s)«.*»", "«…»")).otherwise(once).alias("reason")
    )


def pseudonymize_result(result: AuditResult, key: Key | bytes) -> AuditResult:
    """The same result with no patient id, evidence id, national id or person's name in it.

    Sets ``AuditResult.pseudonymized = True`` and drops the clauses of the text evidence
    (``AuditResult.text_evidence``): journal text never reaches a pseudonymised output.
    """
    results = result.results
    results = results.with_columns(
        _pseudonymize_evidence(results, key).alias("evidence"),
        pseudonymize_series(results.get_column("patient_id"), key).alias("patient_id"),
        pl.when(pl.col("waiver_reason").is_not_null()).then(pl.lit(REMOVED)).alias("waiver_reason"),
        pl.when(pl.col("waiver_approved_by").is_not_null()).then(pl.lit(REMOVED)).alias("waiver_approved_by"),
    )
    waivers = tuple(
        dataclasses.replace(
            w,
            patient_id=pseudonym(key, w.patient_id),
            reason=REMOVED,
            approved_by=REMOVED,
            similar_patient=None,
        )
        for w in result.waivers
    )
    extract = dataclasses.replace(result.extract, ignored_files=tuple(REMOVED for _ in result.extract.ignored_files))
    return dataclasses.replace(
        result,
        results=results,
        waivers=waivers,
        rejected=_scrub_rejected(result.rejected),
        extract=extract,
        pseudonymized=True,
        text_evidence=text_evidence_empty(),  # journal text
    )


def reidentify(extract: Extract, key: Key | bytes, ids: Sequence[str]) -> dict[str, str | None]:
    """Map each pseudonym back to the id it stands for, or None when the extract has none.

    ``P-`` pseudonyms are looked up among the extract's patients, ``D-`` among its documents,
    ``K-`` among its episodes and ``V-`` among its assessments. Blanks around an id and the
    case of its hex digits do not matter.
    """
    wanted = {original: _normalise(original) for original in ids}
    prefixes = {norm[:2] for norm in wanted.values() if norm}
    reverse: dict[str, str] = {}
    for kind, (prefix, _salt, table, column) in NAMESPACES.items():
        if prefix not in prefixes or table not in extract.tables:
            continue
        values = extract.tables[table].get_column(column).drop_nulls().unique().to_list()
        reverse.update({p: original for original, p in pseudonyms(key, values, kind).items()})
    return {original: reverse.get(norm) if norm else None for original, norm in wanted.items()}


def _normalise(text: str) -> str | None:
    """'  p-3F2A…' → 'P-3f2a…'; None when it is no pseudonym at all."""
    text = text.strip()
    candidate = text[:2].upper() + text[2:].lower()
    return candidate if PSEUDONYM_PATTERN.match(candidate) else None
