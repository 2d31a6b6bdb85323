"""Requirements in the law and guidelines that no journal extract can show, for manual review.

An extract holds assessments, coordinators and typed documents; it cannot show that a meeting
was held, that minutes were sent, what a plan says, or whether the patient trusts the
coordinator. The supervision report (``--format supervision``) lists every requirement below
as a row with an empty *Vurdering* column for the case officer, so none is silently left out.

Each requirement names its sources in the documents of ``spec/rules.md`` (seeds 000–004),
quoted the way the rules' legal basis quotes them (``SOURCES``). The list is the same for
every profile: these are duties of the services, not of one region's guideline.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A document a requirement or rule is derived from."""

    short: str
    """How the rules' basis and this module cite it, e.g. 'UNN-retningslinjen'."""
    title: str
    """Full reference in bokmål, for the report's list of sources."""


#: The documents of spec/rules.md, in seed order, as the reports cite them.
SOURCES: tuple[Source, ...] = (
    Source(
        "Helsedirektoratet 02.04.2020",
        "Helsedirektoratet: «Praktisering av regelverk om individuell plan, koordinator og koordinering som "
        "følge av midlertidige endringer i helselovgivningen fra 27.03.2020 – veiledning til tjenestene», "
        "brev 02.04.2020, ref. 20/10210-2.",
    ),
    Source(
        "Statsforvalteren i Møre og Romsdal",
        "Statsforvalteren i Møre og Romsdal: presentasjon om individuell plan og koordinator "
        "(innhold i planen, koordinator, meldeplikt, klage, Statsforvalterens erfaringer).",
    ),
    Source(
        "Helseforetakets side om IP",
        "Et helseforetaks informasjonsside om individuell plan for helsepersonell (sist oppdatert 08.11.2021).",
    ),
    Source(
        "UNN-retningslinjen",
        "OSO UNN og kommunene: «Retningslinjer – Samarbeid, ansvars- og arbeidsfordeling mellom UNN og "
        "kommunene. Koordinator og individuell plan (IP)», revidert versjon nov. 2018.",
    ),
    Source(
        "Helse Bergen-retningslinjen",
        "Helse Bergen HF: retningslinje for individuell plan i spesialisthelsetjenesten.",
    ),
)


@dataclass(frozen=True)
class ManualRequirement:
    """A requirement the case officer must judge by reading journals, plans or minutes."""

    id: str
    """Stable id in the report: M1, M2, …"""
    title: str
    """The requirement in one bokmål sentence."""
    review: str
    """What the case officer should look for, and where."""
    why_manual: str
    """Why the extract cannot show it."""
    sources: tuple[str, ...]
    """Citations of SOURCES, with section, e.g. 'UNN-retningslinjen pkt. 4.4 e'."""


MANUAL_REQUIREMENTS: tuple[ManualRequirement, ...] = (
    ManualRequirement(
        id="M1",
        title="Samarbeidsmøte (ansvarsgruppe-/planmøte) er holdt med pasienten og relevante tjenester.",
        review="Innkallinger og møtenotater i journal eller plan: at møtet ble holdt, hvem som deltok, "
        "og at ansvar og frister ble fordelt.",
        why_manual="Uttrekket har ingen møter; et notat viser ikke at møtet faktisk ble holdt eller hvem som deltok.",
        sources=(
            "UNN-retningslinjen pkt. 4.4 e",
            "Helse Bergen-retningslinjen pkt. 4 g og 7.6",
        ),
    ),
    ManualRequirement(
        id="M2",
        title="Referat fra møtene er sendt ut innen rimelig tid.",
        review="Referat med dato og mottakere, sammenholdt med møtedatoen.",
        why_manual="Uttrekket har ingen referater eller utsendelser.",
        sources=("UNN-retningslinjen pkt. 4.4 e",),
    ),
    ManualRequirement(
        id="M3",
        title="Planen har det innholdet forskriften krever: mål, ressurser og behov, deltakere, "
        "koordinator, tiltak med ansvar, gjennomføring, planperiode og samtykke.",
        review="Den individuelle planen (ofte i kommunens IP-verktøy eller som tilleggsjournal) mot hovedpunktene a–i.",
        why_manual="Uttrekket viser bare at et plandokument finnes (dokumenttype IP_PLAN), ikke hva det inneholder.",
        sources=(
            "Helseforetakets side om IP (hovedpunktene a–i)",
            "Statsforvalteren i Møre og Romsdal («Innhold i planen»)",
            "UNN-retningslinjen pkt. 3 og 6",
            "Helse Bergen-retningslinjen pkt. 6",
        ),
    ),
    ManualRequirement(
        id="M4",
        title="Planen er evaluert og oppdatert, med planperiode og tidspunkt for revisjon.",
        review="Evalueringer og nye versjoner av planen; at revisjonstidspunktene i planen er fulgt.",
        why_manual="Uttrekket har ingen planversjoner eller evalueringer.",
        sources=(
            "UNN-retningslinjen pkt. 4.4 g–h og 6",
            "Helse Bergen-retningslinjen pkt. 5.1",
            "Helseforetakets side om IP (hovedpunkt g)",
            "Statsforvalteren i Møre og Romsdal («Planen lages, men følges ikke opp»)",
        ),
    ),
    ManualRequirement(
        id="M5",
        title="Pasienten (og pårørende der pasienten ønsker det) har medvirket i arbeidet med planen.",
        review="Planen og møtenotater: pasientens egne mål, deltakelse i møter, pårørendes rolle.",
        why_manual="Medvirkning står i fritekst og i planen; uttrekket kan ikke vise den.",
        sources=(
            "Helseforetakets side om IP",
            "UNN-retningslinjen pkt. 4.4 b",
            "Helse Bergen-retningslinjen pkt. 5.1",
            "Statsforvalteren i Møre og Romsdal («Tjenestemottakers rett»)",
        ),
    ),
    ManualRequirement(
        id="M6",
        title="Koordinator har etablert et tillitsforhold til pasienten og gir kontinuitet "
        "(én hovedansvarlig over tid, kontaktperson og pådriver).",
        review="Samtale med pasient eller pårørende ved behov; journal: hyppige koordinatorbytter, "
        "uteblitt kontakt, klager.",
        why_manual="Tillit og kontinuitet er ikke registreringer i journalen.",
        sources=(
            "UNN-retningslinjen pkt. 4.3 og 4.4 a",
            "Statsforvalteren i Møre og Romsdal («Sikre at det er én hovedansvarlig hele tiden»)",
            "Helsedirektoratet 02.04.2020 (pasienter skal i utgangspunktet beholde koordinatoren)",
        ),
    ),
    ManualRequirement(
        id="M7",
        title="Ansvar og informasjon er overført når pasienten flyttes mellom sykehus og kommune, "
        "eller når koordinator slutter.",
        review="Journal ved overflytting, utskrivning og koordinatorbytte: hvem som overtok, og hva som ble "
        "overlevert.",
        why_manual="Uttrekket viser når en koordinator sluttet, ikke at ansvaret ble overlevert.",
        sources=("UNN-retningslinjen pkt. 4.4 f",),
    ),
    ManualRequirement(
        id="M8",
        title="Samtykket sier hva som kan deles, med hvem, og er fornyet når helsetilstand eller "
        "samarbeidspartnere endres.",
        review="Samtykkeerklæringen: omfang, mottakere, dato; nytt samtykke etter endringer i plangruppen.",
        why_manual="Uttrekket viser at samtykke er dokumentert (regel IP03 og IP10), ikke hva det omfatter "
        "utover melding til kommunen.",
        sources=(
            "UNN-retningslinjen pkt. 4.4 c, note 9 og pkt. 5 c",
            "Helse Bergen-retningslinjen note 3",
            "Statsforvalteren i Møre og Romsdal («Taushetsplikt»)",
        ),
    ),
    ManualRequirement(
        id="M9",
        title="Vurderingsgrunnlaget for behovet for individuell plan er dokumentert i journalnotat.",
        review="Journalnotatet ved vurderingen: hvorfor behovet er vurdert til ja eller nei.",
        why_manual="Uttrekket har vurderingens resultat (ja/nei), ikke begrunnelsen.",
        sources=("Helse Bergen-retningslinjen pkt. 7.4 f 1",),
    ),
    ManualRequirement(
        id="M10",
        title="Spesialisthelsetjenesten har bidratt i kommunens planarbeid med opplysninger om "
        "helsetilstand og funksjonsnivå, og koordinatorene samarbeider.",
        review="Korrespondanse med kommunens koordinator, deltakelse i planarbeidet, særlig etter endringer "
        "i helsetilstanden.",
        why_manual="Samarbeidet går i brev, telefon og møter som uttrekket ikke har.",
        sources=(
            "UNN-retningslinjen pkt. 4.2.2 c og 4.4 i",
            "Helse Bergen-retningslinjen pkt. 4 h, 4.1 og 7.4 d",
            "Helseforetakets side om IP",
        ),
    ),
    ManualRequirement(
        id="M11",
        title="Hovedjournalen viser at pasienten har en individuell plan og hvilken dokumentasjon den inneholder, "
        "når planen ligger utenfor hovedjournalen.",
        review="Henvisning i hovedjournalen til planen i kommunens IP-verktøy eller tilleggsjournal.",
        why_manual="Uttrekket kan ikke se planer som ligger i andre systemer.",
        sources=(
            "Helseforetakets side om IP",
            "UNN-retningslinjen pkt. 6",
        ),
    ),
    ManualRequirement(
        id="M12",
        title="Koordinerende enhet har oversikt over meldinger om behov for individuell plan, og "
        "enhetene har interne rutiner for varsel og dokumentasjon.",
        review="Koordinerende enhets oversikt over meldinger, interne rutiner og hvordan ledelsen følger dem opp.",
        why_manual="Dette er systemkrav til virksomheten, ikke opplysninger i den enkelte pasients journal.",
        sources=(
            "Helse Bergen-retningslinjen pkt. 3, 7.3 a og 7.5 b",
            "UNN-retningslinjen pkt. 2 og 5",
            "Helsedirektoratet 02.04.2020 (koordinerende enhets funksjon gjelder fortsatt)",
        ),
    ),
    ManualRequirement(
        id="M13",
        title="Pasienten har fått hjelp til å klage ved behov, og avgjørelsen om plan eller koordinator "
        "opplyser om klageadgang og gangen i en klagesak.",
        review="Avgjørelsen eller brevet til pasienten; eventuell bistand til å skrive klagen.",
        why_manual="Regel IP07 finner dokumentert klageveiledning, men ikke innholdet i avgjørelsen eller bistanden.",
        sources=(
            "Statsforvalteren i Møre og Romsdal («Klage»)",
            "Helseforetakets side om IP",
            "Helse Bergen-retningslinjen pkt. 8",
        ),
    ),
)


def source_short_names() -> frozenset[str]:
    """The short names a citation may start with."""
    return frozenset(s.short for s in SOURCES)
