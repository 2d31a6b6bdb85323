"""Free text read as a reviewer reads it: the one interpreter of ``evidence_rules``.

A text is evidence of a kind when one of its clauses holds a *target* of the kind (the
act: "informert om IP", "samtykker til melding til KE", "orientert om klageretten") that
no trigger of the tables turns into something else (negated before or after, planned,
hedged, a question, a template, refused or withdrawn, retracted, about another person or
another topic, or only mentioned). Everything is vectorised in polars: texts that cannot
hold a target are dropped by one ``str.contains``; the rest are split into clauses once and
read with a fixed number of regex passes, whatever the number of documents.

``read(frame, kind, patterns)`` is a pure function of a frame of (id, text): the engine,
``ipaudit explain``, the Spark engine (per Arrow batch) and ``reads_as_evidence`` (the
public entry point scored on the corpus) all call it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

import polars as pl

from ipaudit import evidence_rules as R
from ipaudit.extract.reasons import NATIONAL_ID_MASK, NATIONAL_ID_SHAPE

KINDS = tuple(R.TARGETS)
"""The kinds the reading knows (a profile's [patterns] may only name these)."""
CLAUSE_CHARS = 200
"""The longest clause shown to the adviser (reports, ``ipaudit explain``)."""
_SEP = "\x1e"
_ABBREVIATED = "\x1f"  # stands for the full stop of an abbreviation until clauses are split
_TEXT = "__text"  # a distinct text's number while it is read
_IDS = "__ids"
# The character before an abbreviation is captured rather than tested with «\b»: a Unicode
# word boundary makes the regex engine leave its fast automaton on Norwegian letters.
_ABBREVIATION_DOT = r"(^|[^\w])(" + "|".join(re.escape(a) for a in R.ABBREVIATIONS) + r")\."


@functools.cache
def _n(pattern: str) -> str:
    """A table pattern with Unicode word classes narrowed to the letters of lower-cased
    Norwegian text: the same matches on our input, a far smaller automaton (compiling the
    Unicode classes cost more than reading a thousand texts)."""
    return pattern.replace(r"\w", "[a-zæøå0-9_]").replace(r"\W", "[^a-zæøå0-9_]").replace(r"\S", "[^ \t\n]")


READ_SCHEMA: dict[str, pl.DataType] = {"evidence": pl.Boolean(), "reason": pl.String(), "clause": pl.String()}


def reads_as_evidence(texts: Sequence[str], kind: str, profile: str = "national") -> list[bool]:
    """One boolean per text: is it evidence of ``kind`` (read with ``profile``'s extra
    patterns)? The function the corpus and the acceptance test score."""
    from ipaudit.profile import load_profile  # the profile module is heavier than this one

    patterns = load_profile(profile).patterns.get(kind, ())
    frame = pl.DataFrame({"id": range(len(texts)), "text": list(texts)}, schema={"id": pl.Int64, "text": pl.String})
    found = read(frame, kind, patterns, id_column="id").filter("evidence").get_column("id")
    hits = set(found.to_list())
    return [i in hits for i in range(len(texts))]


def read(
    texts: pl.DataFrame, kind: str, patterns: Sequence[str] = (), *, id_column: str = "document_id"
) -> pl.DataFrame:
    """Read every text of ``texts`` (columns id_column, text) for ``kind``.

    Returns one row per text that could hold a target: id_column, evidence (bool), reason
    (why not, a ``Category`` value or ``evidence_rules.NO_MATCH``; null when evidence) and
    clause (the first clause that counted, else the first clause with a target; the
    original wording, at most CLAUSE_CHARS characters). Texts not returned have no match.
    """
    if kind not in R.TARGETS:
        raise ValueError(f"unknown evidence kind {kind!r} (known: {', '.join(KINDS)})")
    schema: dict[str, pl.DataType] = {id_column: texts.schema[id_column], **READ_SCHEMA}
    target = _n(R.TARGETS[kind]) + "".join(f"|(?i:{p})" for p in patterns)
    anchor = functools.partial(_has_anchor, kind=kind, patterns=tuple(patterns))
    candidates = texts.select(id_column, "text").filter(anchor(pl.col("text")))
    if candidates.height == 0:
        return pl.DataFrame(schema=schema)
    clauses = _clauses(candidates, id_column, anchor, target)
    if clauses.height == 0:
        return pl.DataFrame(schema=schema)
    return (
        _read_clauses(clauses, kind, target, id_column)
        .group_by(id_column, maintain_order=True)
        .agg(
            pl.col("reason").is_null().any().alias("evidence"),
            pl.col("reason").drop_nulls().first().alias("_why"),
            pl.col("orig").filter(pl.col("reason").is_null()).first().alias("_counted"),
            pl.col("orig").first().alias("_first"),
        )
        .select(
            id_column,
            "evidence",
            pl.when(pl.col("evidence")).then(None).otherwise(pl.col("_why")).alias("reason"),
            _shown(pl.coalesce("_counted", "_first")).alias("clause"),
        )
    )


def evidence_by_kind(
    texts: pl.DataFrame,
    patterns: Mapping[str, Sequence[str]],
    *,
    scopes: Mapping[str, pl.Expr] | None = None,
    id_column: str = "document_id",
) -> pl.DataFrame:
    """Every kind read at once: id_column, kind and the clause that counted, one row per text
    that is evidence of a kind (``patterns``: a profile's extra patterns per kind).

    ``scopes`` narrows a kind to the rows of ``texts`` where an expression holds (IP09 reads
    EPIKRISE_MENTION in an EPIKRISE only): a text is read for that kind only when a row in
    scope holds it; the caller drops the rows out of scope.

    The reading is a function of the text alone, so each distinct text is read once and its
    verdict shared by every id that holds it: notes copied from a template or from an
    earlier note are common in a journal, and the texts are made distinct once for all kinds.
    """
    scopes = scopes or {}
    schema: dict[str, pl.DataType] = {id_column: texts.schema[id_column], "kind": pl.String(), "clause": pl.String()}
    flags = {kind: f"__in_{kind}" for kind in scopes}
    distinct = (
        texts.filter(pl.col("text").is_not_null())
        .with_columns(expr.fill_null(False).alias(flags[kind]) for kind, expr in scopes.items())
        .group_by("text", maintain_order=True)
        .agg(pl.col(id_column).alias(_IDS), *(pl.col(flag).any() for flag in flags.values()))
        .with_row_index(_TEXT)
    )
    parts = [
        read(
            (distinct.filter(flags[kind]) if kind in flags else distinct).select(_TEXT, "text"),
            kind,
            patterns.get(kind, ()),
            id_column=_TEXT,
        )
        .filter("evidence")
        .select(_TEXT, pl.lit(kind).alias("kind"), "clause")
        for kind in KINDS
    ]
    found = pl.concat(parts)
    if found.height == 0:
        return pl.DataFrame(schema=schema)
    return (
        found.join(distinct.select(_TEXT, _IDS), on=_TEXT, how="inner", maintain_order="left")
        .explode(_IDS)
        .select(pl.col(_IDS).alias(id_column), "kind", "clause")
        .cast(schema)  # type: ignore[arg-type]
    )


def _has_anchor(text: pl.Expr, *, kind: str, patterns: tuple[str, ...]) -> pl.Expr:
    """True where ``text`` may hold a target of ``kind``: the kind's anchor or one of the
    profile's patterns. Two searches, not one regex: joined into one alternation they cost
    thirty times as much (the anchor's literals no longer guide the search)."""
    found = text.str.contains(R.ANCHORS[kind])
    if patterns:
        found = found | text.str.contains("(?i)" + "|".join(f"(?:{p})" for p in patterns))
    return found


def _shown(clause: pl.Expr) -> pl.Expr:
    """A clause as shown to the adviser: one line, trimmed, national-id-shaped digits masked
    (as in rejected-row reasons: a note may quote a fødselsnummer, no report may), at most
    CLAUSE_CHARS characters; a longer one is cut at a word boundary and ends with «…» (a
    single word longer than the limit is cut inside it)."""
    flat = clause.str.replace_all(r"\s+", " ").str.strip_chars().str.replace_all(NATIONAL_ID_SHAPE, NATIONAL_ID_MASK)
    # The first CLAUSE_CHARS characters less the word the cut falls in (and the blank before it).
    whole_words = flat.str.slice(0, CLAUSE_CHARS).str.replace(r" [^ ]*$", "")
    cut = whole_words.str.slice(0, CLAUSE_CHARS - 1).str.strip_chars_end(" ,;:") + "…"
    return pl.when(flat.str.len_chars() > CLAUSE_CHARS).then(cut).otherwise(flat)


def _clauses(docs: pl.DataFrame, id_column: str, anchor: Callable[[pl.Expr], pl.Expr], target: str) -> pl.DataFrame:
    """Split each text (columns id_column, text) into hard clauses (sentence ends, ; ! ?, line
    breaks, «men») and keep those that hold a target. Each row keeps the original clause
    (orig), its normalised lower-case form (c), its index in the text (n) and the
    document-level facts the proxy and topic rules need.

    Work is cut as early as it is safe: a clause without the kind's anchor (after the
    rewrites, which only expand abbreviations and spacing) holds no target and is dropped
    before the pseudo-trigger passes; the document-level facts are read only for texts that
    still have a clause."""
    marked = (
        pl.col("text")
        .str.replace_all("(?i)" + _ABBREVIATION_DOT, "${1}${2}" + _ABBREVIATED)
        .str.replace_all(r"([.!?])[ \t]+([\p{Lu}«\"*•])", "${1}" + _SEP + "${2}")
        .str.replace_all(_ABBREVIATED + r"[ \t]+(\p{Lu}\p{Ll})", _SEP + "${1}")
        .str.replace_all(r"([!?;])", "${1}" + _SEP)
        .str.replace_all(r"\.$", "." + _SEP)
        .str.replace_all(r"\r\n|\n|\r", _SEP)
        .str.replace_all(r"(?i)\bmen\b", _SEP + "men")
    )
    frame = docs.select(id_column, marked.str.split(_SEP).alias("orig"))
    frame = frame.with_columns(pl.int_ranges(0, pl.col("orig").list.len()).alias("n")).explode("orig", "n")
    c = pl.col("orig").str.to_lowercase()
    for pattern, replacement in R.REWRITES:
        c = c.str.replace_all(_n(pattern), replacement)
    frame = frame.with_columns(c.alias("c"))
    # Across clauses: an object pointing back to the topic of the clause before is read as
    # the topic; a clause right after that reports the act done by reference is remembered.
    # (Neighbours by shifting the exploded rows and comparing ids: no window, no grouping.)
    same_doc_before = pl.col(id_column) == pl.col(id_column).shift(1)
    same_doc_after = pl.col(id_column) == pl.col(id_column).shift(-1)
    names_topic = pl.col("c").str.contains(_n(R.TOPIC)) & ~pl.col("c").str.contains(_n(R.TOPIC_REFERENCE_NOT))
    reports_done = pl.col("c").str.contains(_n(f"^\\W*(?:men )?{R.DONE_BY_REFERENCE}"))
    frame = frame.with_columns(
        pl.when(names_topic.shift(1) & same_doc_before)
        .then(pl.col("c").str.replace_all(_n(R.TOPIC_REFERENCE), "om ip"))
        .otherwise(pl.col("c"))
        .alias("c"),
        (
            (reports_done.shift(-1) & same_doc_after)
            | pl.col("c").str.contains(_n(f"[,–—]\\s*(?:men )?{R.DONE_BY_REFERENCE}"))
        )
        .fill_null(False)
        .alias("done_later"),
    ).filter(anchor(pl.col("c")))
    c = pl.col("c").str.replace_all(_ABBREVIATED, "")
    for pattern, replacement, _ in R.PSEUDO:
        c = c.str.replace_all(_n(pattern), replacement)
    frame = frame.with_columns(
        c.str.strip_chars().alias("c"), pl.col("orig").str.replace_all(_ABBREVIATED, ".", literal=True)
    ).filter((pl.col("c") != "") & pl.col("c").str.contains(target))
    if frame.height == 0:
        return frame
    lower_doc = pl.col("text").str.to_lowercase()
    facts = docs.filter(pl.col(id_column).is_in(frame.get_column(id_column).unique().implode())).select(
        id_column,
        lower_doc.str.contains(_n(R.TOPIC)).alias("doc_topic"),
        lower_doc.str.contains(_n(R.LACKS_CAPACITY)).alias("lacks_capacity"),
        (lower_doc.str.contains(_n(R.HAS_CAPACITY)) | lower_doc.str.contains(_n(R.AGED_16_PLUS))).alias("adult"),
        *(
            lower_doc.str.contains(_n(t.pattern)).alias(f"doc_{i}")
            for i, t in enumerate(R.TRIGGERS)
            if t.direction is R.Direction.DOCUMENT and t.category is R.Category.TEMPLATE
        ),
    )
    return frame.join(facts, on=id_column, how="left", maintain_order="left")


_UNDONE_BY_REFERENCE = frozenset({R.Category.NEGATED_BEFORE, R.Category.NEGATED_AFTER, R.Category.HYPOTHETICAL})
"""What a later «dette ble gjort» clears: not done yet; never a refusal, a question or a doubt."""


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _read_clauses(clauses: pl.DataFrame, kind: str, target: str, id_column: str) -> pl.DataFrame:
    """Per clause with a target: the reason it does not count (null when it counts). A
    profile's own patterns are targets like the built-in ones and meet the same triggers
    and requirements (a heading «Informasjon om IP» alone is no evidence either way)."""
    c = pl.col("c")
    frame = clauses.with_columns(
        # Everything before the first target: the text less the first match and what follows
        # it (a search without captures, far cheaper than «^(.*?)(?:target)»).
        c.str.replace(f"(?:{target}).*$", "").alias("before"),
        c.str.extract(f"((?:{target}))", 1).alias("target"),
    ).with_columns(
        c.str.slice(pl.col("before").str.len_chars() + pl.col("target").str.len_chars()).alias("after"),
        pl.col("before").str.replace(_n(f"^.*{R.SOFT_TERMINATOR}"), "").alias("before_soft"),
    )
    frame = frame.with_columns(pl.col("after").str.replace(_n(f"{R.AFTER_TERMINATOR}.*$"), "").alias("after_scope"))
    scopes = {
        R.Direction.BEFORE: pl.col("before_soft"),
        R.Direction.AFTER: pl.col("after_scope"),
        R.Direction.CLAUSE: c,
        R.Direction.TARGET: pl.col("target"),
    }
    fired: dict[R.Category, list[pl.Expr]] = {category: [] for category in R.Category}
    for i, trigger in enumerate(R.TRIGGERS):
        kinds = trigger.kinds or R.ACT_KINDS
        if kind not in kinds:
            continue
        if trigger.direction is R.Direction.DOCUMENT:
            if trigger.category is R.Category.TEMPLATE:
                fired[trigger.category].append(pl.col(f"doc_{i}"))
            else:  # a withdrawal cancels what came before it in the same text
                at = pl.when(c.str.contains(_n(trigger.pattern))).then(pl.col("n")).otherwise(None)
                fired[trigger.category].append((pl.col("n") <= at.max().over(id_column)).fill_null(False))
            continue
        fired[trigger.category].append(scopes[trigger.direction].str.contains(_n(trigger.pattern)).fill_null(False))

    fired[R.Category.OTHER_PERSON].append(_other_person(kind))
    if kind in R.OBJECT_IN_CLAUSE:
        has_object = c.str.contains(_n(R.OBJECT_IN_CLAUSE[kind])) | (
            c.str.contains(_n(R.BARE_CONSENT)) & pl.col("doc_topic")
        )
        fired[R.Category.OTHER_TOPIC].append(~has_object)
    if kind in R.TOPIC_IN_DOCUMENT:
        fired[R.Category.OTHER_TOPIC].append(~pl.col("doc_topic"))
    if R.DONE_IN_CLAUSE[kind]:
        # a plan reported done in the next clause («Skal orienteres om IP. Dette ble gjort.»)
        fired[R.Category.NOT_THE_ACT].append(~(c.str.contains(_n(R.DONE_IN_CLAUSE[kind])) | pl.col("done_later")))

    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    for category in reversed(R.Category):
        if fired[category]:
            found = pl.any_horizontal(fired[category])
            if category in _UNDONE_BY_REFERENCE:  # «…, men dette ble gjort ved utskrivning»
                found = found & ~pl.col("done_later")
            reason = pl.when(found).then(pl.lit(category.value)).otherwise(reason)
    return frame.select(id_column, "orig", reason.alias("reason"))


def _other_person(kind: str) -> pl.Expr:
    """Who was informed, or who consented, is not the patient's side.

    Information: the object right after the act («informerte fastlegen»), else a staff or
    service subject of a passive act («Fastlegen er orientert om IP»). Consent: the one
    named after «av/fra» («signert av begge foreldrene»), else the first party before the
    act (the subject); a service never consents for the patient, a relative only for an adult who lacks
    capacity, a parent only for a child under 16."""
    other = _n(_anchored(R.OTHER_PARTY))
    if kind in R.INFO_KINDS:
        object_party = pl.col("c").str.extract(_n(f"{R.INFORMED}\\s+({R.ANY_PARTY})"), 1)
        subject = pl.col("before_soft").str.extract(_n(f"({R.ANY_PARTY})"), 1)
        passive_subject = pl.col("before_soft").str.contains(
            _n(f"(?:{R.OTHER_PARTY})(?:\\s+\\S+){{0,4}}?\\s+{R.PASSIVE_MARK}")
        ) | pl.col("target").str.contains(_n(f"^{R.KNOWING}"))
        # The informed subject's own plan or coordinator (a reflexive «sin»), when that
        # subject is a relative, is not the patient's.
        relatives_own = subject.str.contains(_n(_anchored(R.RELATIVE))) & pl.col("target").str.contains(
            _n(R.REFLEXIVE_OWN)
        )
        return (
            object_party.str.contains(other)
            | (object_party.is_null() & subject.str.contains(other) & passive_subject)
            | (object_party.is_null() & relatives_own)
        ).fill_null(False)
    if kind == "SAMTYKKE":
        named_after = pl.col("after_scope").str.extract(
            _n(f"\\b(?:av|fra|frå)\\s+(?:begge\\s+|dei\\s+|de\\s+|hans\\s+|hennar\\s+|hennes\\s+)?({R.ANY_PARTY})"), 1
        )
        consenter = pl.coalesce(named_after, pl.col("before_soft").str.extract(_n(f"({R.ANY_PARTY})"), 1))
        return (
            consenter.str.contains(other)
            | (consenter.str.contains(_n(_anchored(R.RELATIVE))) & ~pl.col("lacks_capacity"))
            | (consenter.str.contains(_n(_anchored(R.PARENT))) & pl.col("adult"))
        ).fill_null(False)
    return pl.lit(False)


def evidence_clauses(
    texts: pl.DataFrame, kind: str, patterns: Sequence[str] = (), *, id_column: str = "document_id"
) -> pl.DataFrame:
    """The texts that are evidence of ``kind``: id_column and the clause that counted."""
    return read(texts, kind, patterns, id_column=id_column).filter("evidence").select(id_column, "clause")


def reason_text(reason: str | None) -> str:
    """The Norwegian words for a reason (``ipaudit explain``)."""
    if reason is None:
        return "teller"
    return R.REASON_TEXT.get(reason, R.NO_MATCH)
