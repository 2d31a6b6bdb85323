"""Words of the synthetic extract: names, units, headers and the journal sentences.

Every sentence here is written against the phrase patterns of ``spec/rules.md``: the
*filler* sentences match no pattern at all (no "informert om", "samtykk…", "klage…",
"koordinator", "individuell plan" or a bare "IP"), the *evidence* sentences match exactly
the kind they are filed under, and the *negated* ones carry a negation word earlier in the
same clause. Both bokmål and nynorsk occur, as in real journals. Everything encodes in
Windows-1252.
"""

from __future__ import annotations

from ipaudit.extract.vocabulary import DOC_TYPE_TITLES

#: table -> (file name in the extract directory, sheet name in the workbook, headers)
TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "patients": (
        "pasienter.csv",
        "Pasienter",
        ("Pasientnr", "Fødselsdato", "Kommunenr", "Fødselsnummer", "Kjønn"),
    ),
    "episodes": (
        "kontakter.csv",
        "episodes",
        ("KontaktID", "Pasientnr", "Enhet", "Nivå", "Omsorgsnivå", "Fra_dato", "Til_dato"),
    ),
    "assessments": (
        "vurderinger.csv",
        "Vurderinger",
        (
            "VurderingsID",
            "Pasientnr",
            "Vurdert_dato",
            "Behov",
            "Fyller_kriterier",
            "Ønsker_IP",
            "Ønsker_koordinator",
            "Tjenester_fra",
            "Enhet",
        ),
    ),
    "coordinators": (
        "koordinatorer.csv",
        "coordinators",
        (
            "Pasientnr",
            "Navn",
            "Telefon",
            "Nivå",
            "Oppnevnt_dato",
            "Første_kontakt",
            "Avsluttet_dato",
        ),
    ),
    "documents": (
        "dokumenter.csv",
        "Dokumenter",
        (
            "DokumentID",
            "Pasientnr",
            "KontaktID",
            "Dokumentdato",
            "Dokumenttype",
            "Tittel",
            "Dokumentstatus",
            "Enhet",
            "Forfatter",
            "Tekst",
            "Samtykke_omfang",
        ),
    ),
}

#: The canonical column each header position stands for (for bad-row bookkeeping).
COLUMNS: dict[str, tuple[str, ...]] = {
    "patients": ("patient_id", "birth_date", "municipality", "national_id", "sex"),
    "episodes": ("episode_id", "patient_id", "unit", "level", "care_type", "start_date", "end_date"),
    "assessments": (
        "assessment_id",
        "patient_id",
        "assessed_date",
        "need",
        "criteria_met",
        "wants_ip",
        "wants_coordinator",
        "services_from",
        "unit",
    ),
    "coordinators": (
        "patient_id",
        "name",
        "phone",
        "level",
        "appointed_date",
        "first_contact_date",
        "ended_date",
    ),
    "documents": (
        "document_id",
        "patient_id",
        "episode_id",
        "doc_date",
        "doc_type",
        "title",
        "status",
        "unit",
        "author",
        "text",
        "consent_scope",
    ),
}

FIRST_NAMES = (
    "Kari",
    "Ola",
    "Ingrid",
    "Lars",
    "Sigrid",
    "Per",
    "Astrid",
    "Bjørn",
    "Solveig",
    "Knut",
    "Åse",
    "Øystein",
    "Marit",
    "Håkon",
    "Ragnhild",
    "Eirik",
    "Torild",
    "Jørgen",
    "Siv",
    "Arne",
    "Hege",
    "Trond",
    "Liv",
    "Geir",
    "Bodil",
    "Stian",
    "Mette",
    "Espen",
    "Gunn",
    "Frode",
)
LAST_NAMES = (
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Berg",
    "Haugen",
    "Hagen",
    "Bakke",
    "Lien",
    "Solberg",
    "Strand",
    "Dahl",
    "Sæther",
    "Løkken",
    "Bråten",
    "Ødegård",
    "Aasen",
    "Fjellheim",
    "Moen",
    "Nygård",
)
#: Coordinator names that IP05 must reject (spec: placeholders, empty, fewer than 2 letters).
PLACEHOLDER_NAMES = ("NN", "N.N.", "ukjent", "Ukjent", "-", "", "?", "Ikke oppnevnt", "XX", "tbd")

UNITS = (
    "Psykiatrisk klinikk, DPS Nord",
    "Medisinsk avdeling",
    "Barne- og ungdomsklinikken",
    "Habiliteringstjenesten",
    "Nevrologisk avdeling",
    "Avdeling for fysikalsk medisin og rehabilitering",
)
MUNICIPAL_UNITS = (
    "Hjemmetjenesten, Bydel Sagene",
    "Korttidsavdeling, Helsehuset",
    "Tildelingskontoret",
)
MUNICIPALITIES = ("0301", "4601", "5001", "5501", "1804", "3201", "1103", "4204", "3403")
PROFESSIONS = ("Lege", "Overlege", "Sykepleier", "Psykolog", "Sosionom", "Fysioterapeut")
SIGNED_STATUSES = ("Godkjent", "Signert", "Ferdigstilt", "Godkjent", "")
DRAFT_STATUSES = ("Kladd", "kladd", "Utkast", "UFULLSTENDIG")

#: How each document type is written in the Dokumenttype column: the titles the reader knows
#: (extract-format.md), and for some types a variant in other case.
#: OTHER: titles the reader maps to no code.
TYPE_TITLES: dict[str, tuple[str, ...]] = {
    **{
        code: titles + {"EPIKRISE": ("EPIKRISE",), "JOURNALNOTAT": ("journalnotat",)}.get(code, ())
        for code, titles in DOC_TYPE_TITLES.items()
    },
    "OTHER": ("Poliklinisk notat", "Telefonnotat", "Henvisning", "Innkomstjournal"),
}
#: The Tittel column (free text, never read by the rules).
DOC_TITLES: dict[str, tuple[str, ...]] = {
    "INFO_IP": ("Informasjon gitt", "Informasjonssamtale"),
    "SAMTYKKE": ("Samtykkeerklæring", "Samtykke registrert"),
    "MELDING_KE": ("Melding til kommunen", "E-melding"),
    "IP_PLAN": ("Plan", "Plan, revisjon"),
    "KLAGEVEILEDNING": ("Vedtak og klage",),
    "EPIKRISE": ("Epikrise til fastlege", "Utskrivning"),
    "JOURNALNOTAT": ("Samtale", "Poliklinisk kontroll", "Tverrfaglig møte", "Visitt"),
    "OTHER": ("Kontroll", "Telefon", "Innkomst"),
}

FILLER = (
    "Pasienten møtte til avtalt time sammen med pårørende.",
    "Stabil somatisk. Søvnen er bedre enn ved forrige kontroll.",
    "BT 128/84; puls 76. Avtalt ny kontroll om tre uker.",
    "Samtale om dagliglivet og behov for hjelp i hjemmet.\nFortsetter med nåværende medisinering.",
    "Tverrfaglig møte med fysioterapeut og ergoterapeut. Mål for rehabiliteringen gjennomgått.",
    "Telefon fra datter; ønsker at mor får mer hjelp i hjemmet.",
    "Pasienten er i god form og mobiliseres i korridoren.",
    "Innkomst: Pasienten innlagt for observasjon etter fall i hjemmet.",
    "Pasienten kom til samtale saman med mor. Søvnen er betre no.",
    "Kontroll om fire veker. Held fram med same medisinar.",
    'Pasienten sier: "Jeg vil helst bo hjemme; det er viktigst for meg."',
    "Blodprøver tatt.\nHb 12,9; CRP < 5.\nVurderes på nytt ved neste kontroll.",
)

INFO_TEXTS: dict[str, tuple[str, ...]] = {
    "type": (
        "Pasienten er informert om individuell plan og koordinator.",
        "Pasient og pårørende har fått muntlig og skriftlig informasjon om individuell plan og koordinator.",
        "Informasjon om retten til individuell plan og koordinator er gitt.",
        "",
    ),
    "note": (
        "Pasienten er informert om individuell plan og koordinator.",
        "Orientert om IP og koordinator.",
        "Pasient og mor er informert om retten til individuell plan.",
    ),
    "other": ("Ga informasjon om IP og koordinator i samtalen.",),
    "men": ("Ønsket ikke IP, men er informert om koordinator.",),
    "linebreak": ("Ikke aktuelt med innleggelse nå\nInformert om IP.",),
    "nynorsk": (
        "Pasienten er informert om retten til individuell plan og har fått brosjyre.",
        "Har gitt informasjon om koordinator til pasienten og foreldra.",
    ),
}
#: Notes documenting information about barnekoordinator (IP13); they are INFO_IP evidence too.
BARNEKOORDINATOR_TEXTS = (
    "Foreldrene er informert om barnekoordinator.",
    "Mor og far er orientert om retten til barnekoordinator.",
    "Foreldra er informert om retten til ein barnekoordinator.",
    "Informasjon om barnekoordinator gitt til foreldrene.",
)
INFO_NEGATED = (
    "Pasienten er ikke informert om IP.",
    "Pasienten ble ikke i løpet av oppholdet informert om IP.",
    "Pasienten er ikkje informert om individuell plan enno.",
    "Ingen har foreløpig informert om koordinator.",
)
#: Text of a SAMTYKKE document that carries a scope: it must NOT match the SAMTYKKE
#: patterns itself, or it would also be text evidence of unknown (covering) scope.
CONSENT_DOC_TEXTS = (
    "Skriftlig samtykke foreligger, se omfang.",
    "Samtykkeerklæring signert av pasienten.",
    "Samtykke innhentet muntlig.",
)
CONSENT_TEXTS: dict[str, tuple[str, ...]] = {
    "text": (
        "Pasienten samtykker til melding til kommunen.",
        "Samtykke til individuell plan er innhentet.",
        "Pasienten har gitt samtykke til informasjonsdeling med kommunen.",
    ),
    "nynorsk": ("Pasienten samtykkjer til melding til kommunen.",),
    "combined": (
        "Pasienten er informert om individuell plan og koordinator, og samtykker til melding til kommunen.",
        "Orientert om IP. Pasienten samtykker til individuell plan.",
    ),
}
FULL_SCOPES = (
    "ip,koordinator,melding_kommune",
    "ip, koordinator, melding_kommune, informasjonsdeling",
    "melding_kommune",
)
NARROW_SCOPES = ("ip,koordinator", "ip, koordinator", "informasjonsdeling", "ip")
NOTICE_TEXTS = (
    "Melding om behov for individuell plan og koordinator er sendt til koordinerende enhet i kommunen.",
    "Melding sendt via e-melding til koordinerende enhet.",
)
PLAN_TEXTS = (
    "Individuell plan utarbeidet sammen med pasienten. Hovedmål og tiltak er avtalt.",
    "Revidert plan etter møte i ansvarsgruppen.",
)
KLAGE_TEXTS: dict[str, tuple[str, ...]] = {
    "type": ("Orientert om retten til å klage på vedtaket.", ""),
    "note": (
        "Informert om klagerett på vedtaket om individuell plan.",
        "Pasienten er orientert om retten til å klage til Statsforvalteren på avslaget om koordinator.",
        "Klageadgang på vedtaket om koordinator er forklart muntlig.",
    ),
    "nynorsk": ("Pasienten er informert om retten til individuell plan. Pasienten er rettleia om klage.",),
}
EPIKRISE_BASE = (
    "Innlagt grunnet forverring av grunnlidelsen. Utskrevet til hjemmet i stabil tilstand.",
    "Utredning avsluttet. Videre oppfølging hos fastlege.",
)
EPIKRISE_MENTION = (
    "Koordinator i spesialisthelsetjenesten er {name}.",
    "Individuell plan er opprettet og følges opp.",
    "Pasienten har fått oppnevnt koordinator.",
    "Pasienten har IP, se plan.",
)
EPIKRISE_NEGATED = ("Ikke behov for koordinator nå.", "Pasienten har ingen koordinator.")
README = """Uttrekk fra pasientjournal (syntetisk)
=======================================

Dette uttrekket er laget av `ipaudit sample` og inneholder bare oppdiktede pasienter.
Filene er lagret i Windows-1252 med semikolon som skilletegn, slik DIPS-eksporter ofte er.

  pasienter.csv      pasienter
  kontakter.csv      kontakter og opphold
  vurderinger.csv    vurderinger av behov for individuell plan
  koordinatorer.csv  oppnevnte koordinatorer
  dokumenter.csv     journaldokumenter

Denne filen er ikke en tabell og skal ignoreres.
"""
