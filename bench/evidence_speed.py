"""Reading free text: v2 (``ipaudit.evidence``) against v1 (``non_negated_match``) on the same texts.

Issue 10 allows reading the text of 1 M documents to cost at most 1.3x what v1 cost. v1 is
copied here as it was before the ConText-style reader replaced it (git f3e4627^,
ipaudit/phrases.py): a profile's phrase patterns, not negated earlier in their clause. v2 is
what the engine calls (``ipaudit.documents.text_matches`` → ``evidence_by_kind``)
with the national profile's patterns: ``evidence_by_kind`` makes the texts distinct once and
reads each kind over them. Per kind the table shows v1 and v2's reading of the distinct
texts; the last rows the making distinct and the whole of both.

The texts are the non-empty ``Tekst`` of a bench extract's documents (``bench/generate.py``;
default: the 1 M-patient Parquet extract, 10 M documents), ``--documents`` of them drawn
with a fixed seed; ``--distinct`` makes every text unique (the worst case for v2). Every
figure is the fastest of ``--repeat`` runs (the machine is shared); the totals alternate v1
and v2 so that a busy moment hurts both. Run with ``make bench-evidence``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from generate import extract_dir  # noqa: E402

from ipaudit.evidence import KINDS, evidence_by_kind, read  # noqa: E402
from ipaudit.profile import load_profile  # noqa: E402

BENCH_PATIENTS = 1_000_000
"""The bench extract whose documents are read (10 per patient; generated when absent)."""
LIMIT = 1.3
"""The most v2 may cost, as a multiple of v1 (issue 10, scope 4)."""

# ---------------------------------------------------------------- v1, as it was (git f3e4627^)

NEGATION = r"(?i)\b(ikke|ikkje|ingen|aldri|not)\b"
CLAUSE_BREAK = r"(?i)[.!?;,:\n\r]|\bmen\b"
_SEPARATOR = "\x1f"


def combined(patterns: Sequence[str]) -> str:
    """One case-insensitive regex matching where any of ``patterns`` matches."""
    return "(?i)" + "|".join(f"(?:{p})" for p in patterns)


def non_negated_match(texts: pl.DataFrame, patterns: Sequence[str], *, id_column: str = "document_id") -> pl.Series:
    """The ids in ``texts`` (columns id_column, text) whose text has a non-negated match."""
    if not patterns or texts.height == 0:
        return pl.Series(id_column, [], dtype=pl.String)
    regex = combined(patterns)
    candidates = texts.filter(pl.col("text").str.contains(regex))
    if candidates.height == 0:
        return pl.Series(id_column, [], dtype=pl.String)
    clauses = (
        candidates.select(
            id_column,
            pl.col("text").str.replace_all(CLAUSE_BREAK, _SEPARATOR).str.split(_SEPARATOR),
        )
        .explode("text")
        .with_columns(
            pl.col("text").str.find(regex).alias("match_at"),
            pl.col("text").str.find(NEGATION).alias("negation_at"),
        )
        .filter(
            pl.col("match_at").is_not_null()
            & (pl.col("negation_at").is_null() | (pl.col("negation_at") > pl.col("match_at")))
        )
    )
    return clauses.get_column(id_column).unique(maintain_order=True)


# ---------------------------------------------------------------- the measurement


def load_texts(extract: Path, documents: int, seed: int, *, distinct: bool = False) -> pl.DataFrame:
    """document_id, text: ``documents`` of the extract's documents with text, drawn with ``seed``.

    ``distinct``: every text made unique by a first sentence «Notat <id>.» that no rule reads,
    so that nothing is gained from notes that repeat (the bench extract has few distinct
    texts; a real journal has more)."""
    path = extract / "dokumenter.parquet"
    if not path.exists():
        sys.exit(f"evidence_speed: fant ikke {path}")
    texts = (
        pl.scan_parquet(path)
        .select(pl.col("DokumentID").alias("document_id"), pl.col("Tekst").alias("text"))
        .filter(pl.col("text").is_not_null() & (pl.col("text").str.strip_chars() != ""))
        .collect()
    )
    if texts.height > documents:
        texts = texts.sample(documents, seed=seed)
    if distinct:
        texts = texts.with_columns(pl.format("Notat {}. {}", "document_id", "text").alias("text"))
    return texts.rechunk()


def fastest(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The shortest of ``repeat`` timed runs, and what the last one returned."""
    best = float("inf")
    out: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    return best, out


def measure(texts: pl.DataFrame, repeat: int) -> tuple[list[dict[str, object]], dict[str, float]]:
    """Per kind: seconds of v1 and of v2's reading of the distinct texts, documents found;
    and the totals: v1 over all kinds, v2 as the engine runs it (``evidence_by_kind``: the
    texts made distinct once, then every kind), and the making distinct alone."""
    patterns = load_profile("national").patterns
    distinct = texts.group_by("text", maintain_order=True).agg(pl.col("document_id")).with_row_index("n")
    rows = []
    for kind in KINDS:
        kind_patterns = patterns.get(kind, ())
        v1_time, ids = fastest(lambda p=kind_patterns: non_negated_match(texts, p), repeat)
        v2_time, _ = fastest(
            lambda k=kind, p=kind_patterns: read(distinct.select("n", "text"), k, p, id_column="n"), repeat
        )
        found = evidence_by_kind(texts, {kind: kind_patterns}).filter(pl.col("kind") == kind).height
        rows.append({"kind": kind, "v1_s": v1_time, "v2_s": v2_time, "ratio": v2_time / v1_time,
                     "v1_found": len(ids), "v2_found": found})  # type: ignore[arg-type]
    totals = {"v1": float("inf"), "v2": float("inf")}
    for _ in range(repeat):  # interleaved, so a busy moment hurts both
        totals["v1"] = min(totals["v1"], sum(
            fastest(lambda p=patterns.get(k, ()): non_negated_match(texts, p), 1)[0] for k in KINDS
        ))
        totals["v2"] = min(totals["v2"], fastest(lambda: evidence_by_kind(texts, patterns), 1)[0])
    totals["distinct"] = fastest(
        lambda: texts.group_by("text", maintain_order=True).agg(pl.col("document_id")), repeat
    )[0]
    return rows, totals


def table(rows: list[dict[str, object]], totals: dict[str, float], documents: int, distinct: int) -> str:
    """The figures as a Markdown table."""
    lines = [
        f"Reading {documents:_} documents' text ({distinct:_} distinct), national profile, "
        "fastest of the repeats:".replace("_", " "),
        "",
        "| kind | v1 seconds | v2 seconds | ratio | v1 found | v2 found |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {r['kind']} | {r['v1_s']:.2f} | {r['v2_s']:.2f} | {r['ratio']:.2f} | {r['v1_found']} | {r['v2_found']} |"
        for r in rows
    )
    v1, v2 = totals["v1"], totals["v2"]
    lines += [
        f"| v2: texts made distinct (once for all kinds) | | {totals['distinct']:.2f} | | | |",
        f"| **all kinds, as the engine reads them** | {v1:.2f} | {v2:.2f} | {v2 / v1:.2f} | | |",
        "",
        f"Limit: v2 ≤ {LIMIT}× v1 → {'within' if v2 <= LIMIT * v1 else 'OVER'}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", type=Path, default=None, help="a Parquet bench extract (default: 1M)")
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--distinct", action="store_true", help="make every text unique (worst case)")
    args = parser.parse_args()
    start = time.perf_counter()
    extract = args.extract or extract_dir(BENCH_PATIENTS, "parquet")
    texts = load_texts(extract, args.documents, args.seed, distinct=args.distinct)
    unique = texts.get_column("text").n_unique()
    print(f"{texts.height:_} texts loaded in {time.perf_counter() - start:.1f} s".replace("_", " "), flush=True)
    rows, totals = measure(texts, args.repeat)
    print(table(rows, totals, texts.height, unique))


if __name__ == "__main__":
    main()
