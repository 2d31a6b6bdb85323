"""From text to typed columns, vectorised: cleaning, dates, yes/no, enumerations, doc types.

``prepare`` plans how the canonical columns are picked out of a table read as text
(resolving aliases), stripped, emptied to null, and marks rows without any value (EMPTY); the
plan is collected together with the file read, so polars does both in one parallel pass.
``parse`` turns the text into the dtypes of TABLE_SCHEMAS with polars expressions only and
reports the cells it could not parse (dates, yes/no values, consent scopes) as faults.
Coded columns have few distinct values, so they are parsed once per distinct value and
mapped back through an Enum cast. Values outside an enumeration are lower-cased here and
left for the pandera schema to reject.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from ipaudit.extract.aliases import resolve_columns
from ipaudit.extract.columns import TABLE_COLUMNS, ColumnSpec, Kind
from ipaudit.extract.model import TABLE_SCHEMAS
from ipaudit.extract.reasons import (
    FAULT_SCHEMA,
    IDX,
    SOURCE_ROW,
    fault_frame,
    invalid_boolean,
    invalid_choice,
    invalid_date,
)
from ipaudit.extract.vocabulary import BOOLEAN_WORDS, ENUM_SYNONYMS, OTHER_DOC_TYPE, doc_type_lookup

_TIME = r"(?:[T ]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE = rf"^(\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}}){_TIME}$"
_DOC_TYPES = doc_type_lookup()
EMPTY = "__empty"
"""Column ``prepare`` adds: True for a row with no value in any column (counted, then rejected)."""

Convert = Callable[[pl.Expr], pl.Expr]


def _clean(header: str) -> pl.Expr:
    """Strip a text column; empty or whitespace-only cells become null."""
    stripped = pl.col(header).str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


def prepare(table: str, raw: pl.LazyFrame, headers: Sequence[str], label: str) -> pl.LazyFrame:
    """Plan the canonical columns of ``table`` as clean text, plus SOURCE_ROW and EMPTY.

    ``headers`` are the columns of ``raw`` besides SOURCE_ROW. Raises InputError (naming
    ``label``) when a required column is missing. Absent optional columns become null; other
    columns are ignored, except that a value in one keeps its row from counting as empty.
    """
    found = resolve_columns(table, headers, label)
    names = [spec.name for spec in TABLE_COLUMNS[table]]
    used = set(found.values())
    extras = [header for header in headers if header not in used]
    filled = [(pl.col(extra).str.strip_chars().str.len_bytes() > 0).fill_null(False) for extra in extras]
    extra_filled = pl.any_horizontal(filled) if filled else pl.lit(False)
    cleaned = [_clean(found[name]) if name in found else pl.lit(None, pl.String) for name in names]
    return raw.select(
        *(expr.alias(name) for expr, name in zip(cleaned, names, strict=True)),
        pl.col(SOURCE_ROW),
        extra_filled.alias(EMPTY),
    ).with_columns((pl.all_horizontal(pl.col(names).is_null()) & ~pl.col(EMPTY)).alias(EMPTY))


def parse(table: str, text: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed columns (TABLE_SCHEMAS dtypes, SOURCE_ROW kept) and the parse faults."""
    dtypes = TABLE_SCHEMAS[table]
    columns: list[pl.Series] = []
    faults: list[pl.DataFrame] = []
    for order, spec in enumerate(TABLE_COLUMNS[table]):
        value = text.get_column(spec.name)
        convert = _CONVERTERS.get(spec.kind)
        parsed = value if convert is None else via_distinct(value, convert)
        columns.append(parsed.cast(dtypes[spec.name]).alias(spec.name))
        if spec.kind in (Kind.DATE, Kind.BOOLEAN, Kind.CONSENT):
            fault = _parse_faults(spec, order, value, parsed)
            if not fault.is_empty():
                faults.append(fault)
    parsed_frame = pl.DataFrame([*columns, text.get_column(SOURCE_ROW)])
    return parsed_frame, pl.concat(faults) if faults else pl.DataFrame(schema=FAULT_SCHEMA)


def via_distinct(values: pl.Series, convert: Convert) -> pl.Series:
    """Apply ``convert`` to every value, computing it once per distinct value when that pays.

    The distinct values become an Enum; each row's physical code picks its converted value.
    """
    distinct = values.unique().drop_nulls()
    if distinct.is_empty() or distinct.len() * 2 > values.len():
        return values.to_frame("v").select(convert(pl.col("v"))).to_series().alias(values.name)
    converted = distinct.to_frame("v").select(convert(pl.col("v"))).to_series()
    codes = values.cast(pl.Enum(distinct)).to_physical()
    return converted.gather(codes).alias(values.name)


def parse_dates(value: pl.Expr) -> pl.Expr:
    """ISO or Norwegian dates (1-2 digit day/month), optionally with a time; else null.

    Two-digit years and impossible dates (31.02.2024) give null.
    """
    date_part = value.str.extract(_DATE, 1)
    return pl.coalesce(
        date_part.str.to_date("%Y-%m-%d", strict=False),
        date_part.str.to_date("%d.%m.%Y", strict=False),
    )


def _parse_boolean(value: pl.Expr) -> pl.Expr:
    return value.str.to_lowercase().replace_strict(BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean)


def _parse_enum(value: pl.Expr) -> pl.Expr:
    return value.str.normalize("NFC").str.to_lowercase().replace(ENUM_SYNONYMS)


def _parse_doc_type(value: pl.Expr) -> pl.Expr:
    key = value.str.normalize("NFC").str.to_lowercase().str.replace_all(r"\s+", " ")
    return pl.when(value.is_not_null()).then(key.replace_strict(_DOC_TYPES, default=OTHER_DOC_TYPE))


def _consent_items(value: pl.Expr) -> pl.Expr:
    """A comma list as lower-case trimmed items, empty items and repeats left out."""
    return (
        value.str.to_lowercase()
        .str.split(",")
        .list.eval(pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != ""))
        .list.unique(maintain_order=True)
    )


def _parse_consent(value: pl.Expr) -> pl.Expr:
    items = _consent_items(value)
    return pl.when(items.list.len() > 0).then(items)


def _parse_municipality(value: pl.Expr) -> pl.Expr:
    """Keep as text; 1-3 digits (Excel dropped the leading zero of 0301) padded to 4."""
    number = value.str.replace(r"^(\d{1,4})\.0+$", "${1}")
    return pl.when(number.str.contains(r"^\d{1,3}$")).then(number.str.zfill(4)).otherwise(number)


_CONVERTERS: dict[Kind, Convert] = {
    Kind.DATE: parse_dates,
    Kind.BOOLEAN: _parse_boolean,
    Kind.ENUM: _parse_enum,
    Kind.DOC_TYPE: _parse_doc_type,
    Kind.CONSENT: _parse_consent,
    Kind.MUNICIPALITY: _parse_municipality,
}


def _outside_set(allowed: tuple[str, ...]) -> Convert:
    def outside(value: pl.Expr) -> pl.Expr:
        return _consent_items(value).list.eval(~pl.element().is_in(list(allowed))).list.any()

    return outside


def _parse_faults(spec: ColumnSpec, order: int, value: pl.Series, parsed: pl.Series) -> pl.DataFrame:
    """Cells of one column that hold a value the parser could not read."""
    if spec.kind is Kind.CONSENT:
        bad = via_distinct(value, _outside_set(spec.allowed)).fill_null(False)
        reason = invalid_choice(pl.col("value"), spec.allowed)
    else:
        bad = value.is_not_null() & parsed.is_null()
        reason = invalid_date(pl.col("value")) if spec.kind is Kind.DATE else invalid_boolean(pl.col("value"))
    if not bad.any():
        return pl.DataFrame(schema=FAULT_SCHEMA)
    rows = pl.DataFrame({"value": value, "bad": bad}).with_row_index(IDX)
    return fault_frame(rows, pl.col("bad"), spec.name, order, reason)
