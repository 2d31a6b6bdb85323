"""Turns ``PatientSpec`` plans into the rows of the five extract tables.

Rows are lists of cells in the header order of ``vocabulary.TABLES``; a cell is text, a
``date``/``datetime`` (formatted by the writer, or written as a real Excel date) or None.
Values are written the way real exports write them: titles instead of type codes for most
documents, ``ja``/``nei`` in mixed case, ids with leading zeros, times on some dates.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ipaudit.sample import vocabulary as voc
from ipaudit.sample.spec import Doc, PatientSpec, choose_epikrise, person

Cell = str | dt.date | None
Row = list[Cell]


@dataclass
class Host:
    """A plain compliant patient that bad rows may be attached to without changing results."""

    patient_id: str
    index: dt.date
    span: int
    unit: str
    patient_row: int
    assessment_row: int
    coordinator_row: int | None
    filler_doc_row: int | None


def yes_no(rng: random.Random, value: bool | None) -> str:
    """ja/nei as exports write them (mostly lower case)."""
    if value is None:
        return ""
    word = "ja" if value else "nei"
    return word if rng.random() < 0.85 else rng.choice((word.capitalize(), word.upper()))


def cased(rng: random.Random, value: str | None) -> str:
    """A fixed-set value, now and then capitalised."""
    if value is None:
        return ""
    return value if rng.random() < 0.9 else value.capitalize()


class Renderer:
    """Accumulates the rows of every table, patient by patient."""

    def __init__(self, rng: random.Random, as_of: dt.date) -> None:
        self.rng = rng
        self.as_of = as_of
        self.rows: dict[str, list[Row]] = {table: [] for table in voc.TABLES}
        self.truth: list[tuple[str, str, str]] = []
        self.hosts: list[Host] = []
        self.counters = {"episodes": 400000, "assessments": 1000, "documents": 2000000}

    def _id(self, table: str, prefix: str = "") -> str:
        self.counters[table] += 1
        return f"{prefix}{self.counters[table]}"

    def _date(self, spec: PatientSpec, day: int, time_share: float = 0.0) -> dt.date:
        date = spec.index + dt.timedelta(days=day)
        if time_share and self.rng.random() < time_share:
            return dt.datetime(
                date.year, date.month, date.day, self.rng.randint(7, 22), self.rng.choice((0, 5, 15, 30, 45))
            )
        return date

    def patient(self, patient_id: str, spec: PatientSpec) -> None:
        """Render one patient into the tables and record its expected results."""
        rng, rows = self.rng, self.rows
        for rule, status in spec.expect.items():
            self.truth.append((rule, patient_id, status))
        if spec.born is None:
            born = spec.index - dt.timedelta(days=rng.randint(3 * 365, 90 * 365))
            known = rng.random() < 0.95
        else:
            born, known = spec.born, spec.birth_known
        national_id = f"{born.day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(10**5):05d}"
        patient_row = len(rows["patients"])
        rows["patients"].append(
            [
                patient_id,
                born if known else None,
                rng.choice(voc.MUNICIPALITIES) if rng.random() < 0.95 else None,
                national_id,
                rng.choice(("K", "M")),
            ]
        )
        episode_ids = []
        for ep in spec.episodes:
            episode_ids.append(self._id("episodes"))
            rows["episodes"].append(
                [
                    episode_ids[-1],
                    patient_id,
                    ep.unit,
                    cased(rng, ep.level),
                    cased(rng, ep.care_type),
                    self._date(spec, ep.start, 0.2),
                    None if ep.end is None else self._date(spec, ep.end),
                ]
            )
        assessment_row = len(rows["assessments"])
        for a in spec.assessments:
            rows["assessments"].append(
                [
                    self._id("assessments", "V"),
                    patient_id,
                    self._date(spec, a.day),
                    cased(rng, a.need),
                    yes_no(rng, a.criteria_met),
                    yes_no(rng, a.wants_ip),
                    yes_no(rng, a.wants_coordinator),
                    cased(rng, a.services_from),
                    spec.unit if rng.random() < 0.9 else None,
                ]
            )
        coordinator_row = len(rows["coordinators"]) if spec.coordinators else None
        for co in spec.coordinators:
            rows["coordinators"].append(
                [
                    patient_id,
                    co.name,
                    co.phone,
                    cased(rng, co.level),
                    self._date(spec, co.day),
                    None if co.contact is None else self._date(spec, co.contact),
                    None if co.ended is None else self._date(spec, co.ended),
                ]
            )
        filler_row = self._documents(patient_id, spec, episode_ids)
        if spec.kind == "compliant_patient" and spec.span >= 120 and filler_row is not None:
            self.hosts.append(
                Host(
                    patient_id,
                    spec.index,
                    spec.span,
                    spec.unit,
                    patient_row,
                    assessment_row,
                    coordinator_row,
                    filler_row,
                )
            )

    def _documents(self, patient_id: str, spec: PatientSpec, episode_ids: list[str]) -> int | None:
        """Render the documents; returns the row of one plain filler note (or None)."""
        rng = self.rng
        docs = list(spec.docs)
        for day, style in spec.info:
            kind = {"type": "INFO_IP", "other": "OTHER"}.get(style, "JOURNALNOTAT")
            text = rng.choice(voc.INFO_TEXTS[style])
            docs.append(Doc(day, kind, self._note(text, kind != "INFO_IP")))
        for day, style, scope in spec.consent:
            if style == "type":
                bank = voc.CONSENT_DOC_TEXTS if scope else voc.CONSENT_DOC_TEXTS + voc.CONSENT_TEXTS["text"]
                docs.append(Doc(day, "SAMTYKKE", rng.choice(bank), scope=scope))
            else:
                docs.append(Doc(day, "JOURNALNOTAT", self._note(rng.choice(voc.CONSENT_TEXTS[style]))))
        told = voc.BARNEKOORDINATOR_TEXTS
        docs += [Doc(day, "JOURNALNOTAT", self._note(rng.choice(told))) for day in spec.barnekoordinator]
        docs += [Doc(day, "MELDING_KE", rng.choice(voc.NOTICE_TEXTS)) for day in spec.notices]
        docs += [Doc(day, "IP_PLAN", rng.choice(voc.PLAN_TEXTS), unit=unit) for day, unit in spec.plans]
        for day, style in spec.klage:
            if style == "type":
                docs.append(Doc(day, "KLAGEVEILEDNING", rng.choice(voc.KLAGE_TEXTS["type"])))
            elif style == "avslag":
                text = "Søknad om individuell plan er avslått. Informert om klagerett."
                docs.append(Doc(day, "JOURNALNOTAT", text))
            else:
                docs.append(Doc(day, "JOURNALNOTAT", self._note(rng.choice(voc.KLAGE_TEXTS[style]))))
        epikriser = choose_epikrise(rng, spec) if spec.epikrise is None else spec.epikrise
        for day, mention in epikriser:
            text = rng.choice(voc.EPIKRISE_BASE)
            if mention == "yes":
                text += " " + rng.choice(voc.EPIKRISE_MENTION).format(name=person(rng))
            elif mention == "neg":
                text += " " + rng.choice(voc.EPIKRISE_NEGATED)
            docs.append(Doc(day, "EPIKRISE", text))
        docs.sort(key=lambda d: d.day)
        filler_row = None
        out = self.rows["documents"]
        for doc in docs:
            if filler_row is None and doc.kind == "JOURNALNOTAT" and doc.text in voc.FILLER:
                filler_row = len(out)
            kind = doc.kind
            label = kind if kind != "OTHER" and rng.random() < 0.15 else rng.choice(voc.TYPE_TITLES[kind])
            status = rng.choice(voc.SIGNED_STATUSES if doc.signed else voc.DRAFT_STATUSES)
            author = f"{rng.choice(voc.PROFESSIONS)} {person(rng)}"
            link = rng.choice(episode_ids) if episode_ids and rng.random() < 0.4 else None
            out.append(
                [
                    self._id("documents"),
                    patient_id,
                    link,
                    self._date(spec, doc.day, 0.3),
                    label,
                    rng.choice(voc.DOC_TITLES[kind]),
                    status,
                    doc.unit or spec.unit,
                    author,
                    doc.text,
                    doc.scope,
                ]
            )
        return filler_row

    def _note(self, sentence: str, allow_prefix: bool = True) -> str:
        """A journal note: the sentence, sometimes after an ordinary clinical sentence."""
        if allow_prefix and self.rng.random() < 0.4:
            return f"{self.rng.choice(voc.FILLER)} {sentence}"
        return sentence
