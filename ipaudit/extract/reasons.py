"""The bokmål reasons a row is rejected for, as polars expressions, and the fault frame.

A *fault* is one problem with one cell (or row) of a table: its position in the read frame
(``idx``), the canonical column and the reason. The parse step, the pandera adapter and the
duplicate and orphan checks all produce fault frames; ``validate`` merges them into one
rejected entry per row.

Reasons reach stdout (``ipaudit validate``, so cron logs) and every report that is not
pseudonymised, so a bad value is quoted only when it has the *shape* of the value expected:
a date only when it is made of digits and ``. / - : T`` and spaces (at most 25 characters), a
yes/no or enumeration value only when it is one short word (letters, digits, ``_`` and ``-``,
at most 20 characters). Anything else — above all a shifted column, whose cell holds a name
or journal text — is named without its value. Digits shaped like a national id are masked
even in a quoted value. Values of id and free-text columns are never quoted at all.
"""

from __future__ import annotations

import polars as pl

IDX = "__idx"
"""Position of a row in the frame read from the source (0-based)."""

SOURCE_ROW = "__source_row"
"""Internal name of the source row number; renamed to ``source_row`` in accepted tables."""

FAULT_SCHEMA: dict[str, pl.DataType] = {
    IDX: pl.Int64(),
    "order": pl.Int32(),
    "column": pl.String(),
    "reason": pl.String(),
}
"""Columns of a fault frame; ``order`` sorts a row's faults (the column's place in its table)."""

MISSING = "mangler påkrevd verdi"
END_BEFORE_START = "til_dato før fra_dato"
ORPHAN = "pasienten finnes ikke i pasienttabellen"
ORPHAN_OF_REJECTED = "pasienten er avvist i pasienttabellen"
EMPTY_ROW = "tom rad (ingen verdier)"

UNKNOWN_PATIENT = "unknown"
"""Standing of a patient id that no patient row has (an orphan)."""
REJECTED_PATIENT = "rejected"
"""Standing of a patient id found only on rejected patient rows."""

DATE_SHAPE = r"^[\d./\-: T]{1,25}$"
"""A bad date is quoted only when it looks like one («31.02.2024», «08.03.24», «5.3.24 14:30»)."""

WORD_SHAPE = r"^[\p{L}\p{N}_\-]{1,20}$"
"""A bad yes/no or enumeration value is quoted only when it is one short word («kanskje», «Fylke»)."""

NATIONAL_ID_SHAPE = r"\d{2}[./\-]?\d{2}[./\-]?\d{2}[\s./:\-]{0,2}\d{5}"
"""Digits masked in a quoted value: 11 digits, maybe split after the birth date, which may be
written with dots or dashes (010180 12345, 100561/83310, 100561:83310, 10.05.61 83310)."""

NATIONAL_ID_MASK = "***********"


def echo(value: pl.Expr, shape: str, unlike: str) -> pl.Expr:
    """« «value»» when ``value`` matches the regex ``shape`` (national-id-shaped digits masked);
    else « (verdien vises ikke: ``unlike``)». Either way with a leading space."""
    masked = value.str.replace_all(NATIONAL_ID_SHAPE, NATIONAL_ID_MASK)
    return (
        pl.when(value.str.contains(shape))
        .then(pl.concat_str(pl.lit(" «"), masked, pl.lit("»")))
        .otherwise(pl.lit(f" (verdien vises ikke: {unlike})"))
    )


def invalid_date(value: pl.Expr) -> pl.Expr:
    """«ugyldig dato «31.02.2024»», with a hint for two-digit years; the value only when date-shaped."""
    hint = (
        pl.when(value.str.contains(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2}(?:\D|$)"))
        .then(pl.lit(" (årstallet må ha fire sifre)"))
        .otherwise(pl.lit(""))
    )
    return pl.concat_str(pl.lit("ugyldig dato"), echo(value, DATE_SHAPE, "den ser ikke ut som en dato"), hint)


def invalid_boolean(value: pl.Expr) -> pl.Expr:
    """«ugyldig ja/nei-verdi «kanskje»»; the value only when it is one short word."""
    return pl.concat_str(pl.lit("ugyldig ja/nei-verdi"), echo(value, WORD_SHAPE, "den er ikke ett kort ord"))


def invalid_choice(value: pl.Expr, allowed: tuple[str, ...]) -> pl.Expr:
    """«ugyldig verdi «foo» (tillatt: spesialist, kommune)»; the value only when it is one short word."""
    return pl.concat_str(
        pl.lit("ugyldig verdi"),
        echo(value, WORD_SHAPE, "den er ikke ett kort ord"),
        pl.lit(f" (tillatt: {', '.join(allowed)})"),
    )


def duplicate_of(first_row: pl.Expr) -> pl.Expr:
    """«duplikat av rad 5»."""
    return pl.concat_str(pl.lit("duplikat av rad "), first_row.cast(pl.String))


def fault_frame(frame: pl.DataFrame, mask: pl.Expr, column: str, order: int, reason: pl.Expr) -> pl.DataFrame:
    """One fault per row of ``frame`` where ``mask`` holds (the frame must carry IDX)."""
    return (
        frame.lazy()
        .filter(mask)
        .select(
            pl.col(IDX).cast(pl.Int64),
            pl.lit(order, dtype=pl.Int32).alias("order"),
            pl.lit(column, dtype=pl.String).alias("column"),
            reason.cast(pl.String).alias("reason"),
        )
        .collect()
    )


def no_faults() -> pl.DataFrame:
    """An empty fault frame."""
    return pl.DataFrame(schema=FAULT_SCHEMA)
