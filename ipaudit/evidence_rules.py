"""The trigger tables of the free-text reading (NegEx/ConText style): data, no logic.

A *target* is a phrase that reports the act of a kind (informed about IP, consent to a
notice, told about the right to complain). A *trigger* is a word or phrase that changes
what a target means when it stands in the target's scope: before it (``before``), after it
(``after``), anywhere in its clause (``clause``) or anywhere in the document
(``document``). Each trigger has a category (negated, hypothetical, …); a target in the
scope of any trigger does not count, and the category is the reason ``ipaudit explain``
prints. *Pseudo-triggers* look like negations but do not negate ("ikke bare", "ingen tvil
om"): they are blanked out before anything is read. *Terminators* end a scope.

Everything is matched on lower-cased text. The patterns are Rust regular expressions (as
polars runs them): no look-around, no back-references. ``ipaudit/evidence.py`` is the one
interpreter of these tables; ``docs/evidence.md`` lists them (a test checks it does).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """Why a target does not count (in the order reasons are looked for)."""

    TEMPLATE = "template"
    QUESTION = "question"
    RETRACTED = "retracted"
    REFUSED = "refused"
    NEGATED_BEFORE = "negated_before"
    NEGATED_AFTER = "negated_after"
    HYPOTHETICAL = "hypothetical"
    HEDGED = "hedged"
    OTHER_PERSON = "other_person"
    OTHER_TOPIC = "other_topic"
    NOT_THE_ACT = "not_the_act"


#: What ``ipaudit explain`` prints for each category (bokmål).
REASON_TEXT: dict[str, str] = {
    Category.TEMPLATE: "bare mal eller tomt felt",
    Category.QUESTION: "spørsmål",
    Category.RETRACTED: "rettet eller trukket tilbake senere i teksten",
    Category.REFUSED: "avslått eller trukket",
    Category.NEGATED_BEFORE: "nektet før treffet",
    Category.NEGATED_AFTER: "nektet etter treffet",
    Category.HYPOTHETICAL: "planlagt, betinget, anbefalt eller ønsket",
    Category.HEDGED: "usikkert",
    Category.OTHER_PERSON: "gjelder en annen person",
    Category.OTHER_TOPIC: "gjelder noe annet enn IP/koordinator",
    Category.NOT_THE_ACT: "bare nevnt, ikke gjort",
}
NO_MATCH = "ingen treff"


class Direction(StrEnum):
    """Where a trigger must stand relative to the target to apply."""

    BEFORE = "before"
    """In the clause before the target, after the last soft terminator."""
    AFTER = "after"
    """In the clause after the target, up to an after-terminator."""
    CLAUSE = "clause"
    """Anywhere in the target's clause."""
    TARGET = "target"
    """Inside the target itself (between the act and its topic)."""
    DOCUMENT = "document"
    """Anywhere in the document (before or after the target's clause)."""


@dataclass(frozen=True)
class Trigger:
    """One row of a trigger table."""

    category: Category
    direction: Direction
    pattern: str
    """A regex on lower-cased text (word boundaries are the pattern's own)."""
    label: str
    """The trigger as a reader would list it (docs)."""
    kinds: tuple[str, ...] = ()
    """The kinds it applies to; empty: every act kind (not EPIKRISE_MENTION unless named)."""


def fuzzy(word: str) -> str:
    """An alternation matching ``word`` and every spelling one edit away from it (a letter
    dropped, doubled, replaced or swapped with its neighbour), keeping the first two
    letters: the typos a reader understands without doubt. Give it a stem, not an
    inflected form, or it will also match other inflections."""
    letter = "[a-zæøå]"
    variants = {word}
    for i in range(2, len(word)):
        variants.add(word[:i] + word[i + 1 :])
        variants.add(word[:i] + word[i] + word[i:])
        variants.add(word[:i] + "\x00" + word[i + 1 :])
        if i + 1 < len(word):
            variants.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return "(?:" + "|".join(sorted(v.replace("\x00", letter) for v in variants)) + ")"


def alt(*words: str) -> str:
    """Whole words or phrases (regex allowed inside), as one alternation."""
    return r"(?:\b(?:" + "|".join(words) + r")\b)"


# ── Vocabulary ───────────────────────────────────────────────────────────────────────
W = r"[a-zæøå0-9]"
#: Individuell plan / IP. IPS and IPT are other things; «IP-møte» is normalised away.
IP = rf"(?:\bip\b|\b{fuzzy('individuel')}l?e?\s+plan{W}*|\bindividuelle\s+plan{W}*|\bplanarbeid{W}*|\bip-arbeid{W}*)"
#: The statutory coordinator (barnekoordinator included), abbreviated «koord».
KOORDINATOR = rf"(?:\b(?:barne)?{fuzzy('koordinator')}{W}*|\bkoord\b)"
BARNEKOORDINATOR = rf"(?:\bbarne-?{fuzzy('koordinator')}{W}*)"
#: Koordinerende enhet, the municipality's desk for notices.
KE = alt("ke", r"koordinerende\s+enhet\w*", r"koordinerande\s+eining\w*")
TOPIC = f"(?:{IP}|{KOORDINATOR})"

#: Who stands for the patient: the patient (and pronouns), parents, guardians, relatives.
PATIENT = alt(
    "pasient\\w*",
    "pas",
    "pt",
    "bruker\\w*",
    "han",
    "hun",
    "ho",
    "henne",
    "begge",
    "jenta",
    "gutten",
    "guten",
    "barnet",
    "eleven",
)
PARENT = alt("mor", "far", "mora", "faren", "moren", "foreldr\\w*", "foresatte", "føresette", "foresatt")
GUARDIAN = alt("verge\\w*", "hjelpeverge\\w*")
RELATIVE = alt(
    "pårørende",
    "pårørande",
    "ektefelle\\w*",
    "kona",
    "kone",
    "mannen",
    "samboer\\w*",
    "sambuar\\w*",
    "datter\\w*",
    "dotter\\w*",
    "dottera",
    "sønn\\w*",
    "sonen",
    "bror\\w*",
    "søster\\w*",
    "syster\\w*",
)
#: Staff, services and bodies: telling them is not telling the patient, their consent is not
#: the patient's.
OTHER_PARTY = alt(
    "fastleg\\w*",
    "lege",
    "legen",
    "leger",
    "sykepleier\\w*",
    "sjukepleiar\\w*",
    "personal\\w*",
    "ansatte",
    "tilsette",
    "kolleg\\w*",
    "behandler\\w*",
    "behandlar\\w*",
    "skole\\w*",
    "skule\\w*",
    "barnehage\\w*",
    "lærer\\w*",
    "kommune\\w*",
    "bydel\\w*",
    "nav",
    "ke",
    "koordinerende enhet",
    "koordinerande eining",
    "hjemmesykepleie\\w*",
    "heimesjukepleie\\w*",
    "hjemmetjenest\\w*",
    "heimeteneste\\w*",
    "barnevern\\w*",
    "ppt",
    "avdeling\\w*",
    "post \\d+",
    "forsikring\\w*",
    "instans\\w*",
)
ANY_PARTY = f"(?:{PATIENT}|{PARENT}|{GUARDIAN}|{RELATIVE}|{OTHER_PARTY})"

#: Reported acts of informing (participles and past tense; «inf.»/«info.» are rewritten to
#: «informert» before reading). Nominal forms (INFO_NOUN) need a DONE word in the clause.
INFORMED = (
    "(?:"
    + "|".join(
        [
            rf"\b{fuzzy('informer')}te?\b",
            rf"\b{fuzzy('orienter')}te?\b",
            rf"\b{fuzzy('opplys')}te?\b",
            alt(
                "opplyst",
                "gjort kjent med",
                "gjort kjend med",
                "kjent med",
                "kjend med",
                "forklart",
                "forklarte",
                "gått gjennom",
                "gikk gjennom",
                "gjekk gjennom",
                "gått igjennom",
                "gjennomgått",
                "gjennomgikk",
                "veiledet",
                "veileda",
                "rettleia",
                "rettleidd",
                "fått vite",
                "fekk vite",
                "fikk vite",
                "forstått",
                "forstår",
                "forstod",
                "forsto",
                "vet nå",
                "veit no",
                "vet at",
                "veit at",
                "vet hva",
                "veit kva",
                # what the patient knows is what they were told («kjenner til retten til IP»)
                "kjenner (?:godt |nå |no |allerede |allereie )?til",
                "kjenner (?:godt |nå |no )?godt til",
                "har (?:god )?kjennskap til",
                "er klar over",
                # a conversation with the patient's side about the topic («snakket med
                # pasienten og mor om IP»); with anyone else it is not information to the patient
                r"(?:snakket|snakka|pratet|prata|samtalte|hadde samtale|hatt samtale) med "
                rf"(?:{PATIENT}|{PARENT}|{GUARDIAN}|{RELATIVE})(?: [a-zæøå]+){{0,3}}? om",
                "inf",
                "snakket om",
                "snakka om",
                "drøftet",
                "drøfta",
                "klageveiledet",
                "klagerettleia",
            ),
        ]
    )
    + ")"
)
INFO_NOUN = alt(
    "informasjon\\w*",
    "info",
    "informering",
    "orientering\\w*",
    "brosjyre\\w*",
    "infoskriv",
    "skriftlig materiell",
    "skriftleg materiell",
    "ip-info",
    "klageveiledning\\w*",
    "klagerettleiing\\w*",
)
#: Words that report a nominal act as done («informasjon … er gitt», «Samtykke: ja»).
DONE = alt(
    "gitt",
    "gjeve",
    "gjeven",
    "gitte",
    "gav",
    "ga",
    "fått",
    "fekk",
    "fikk",
    "mottatt",
    "mottok",
    "motteke",
    "gjennomgått",
    "gjennomgikk",
    "gått gjennom",
    "gjennomført",
    "innhentet",
    "innhenta",
    "henta inn",
    "hentet inn",
    "signert",
    "signerte",
    "underskrevet",
    "skrevet under",
    "skreve under",
    "skrive under",
    "skrev under",
    "skreiv under",
    "underteikna",
    "undertegnet",
    "foreligger",
    "ligg føre",
    "dokumentert",
    "utlevert",
    "levert",
    "overlevert",
    "delt ut",
    "forklart",
    "forklarte",
    "drøftet",
    "drøfta",
    "på plass",
    "registrert",
    "ok",
    "gir",
    "gjev",
    "sa ja",
    "ja",
    "gjort",
)
CONSENT_NOUN = rf"(?:\b(?:ip-)?{fuzzy('samtykk')}e\b)"
CONSENT_VERB = (
    rf"(?:\b{fuzzy('samtykk')}(?:er|et|jer|ar|a|te|ja|je|ert)\b|\bsamtykt\b|\bsamtykte\b|\bsamtykkt\b"
    r"|\bsamtykket\b)"
)
#: Consent without the word: agreement, permission, a quoted yes, "with/after consent".
CONSENT_PARAPHRASE = alt(
    "(?:er|var|sa seg|sier seg|seier seg|erklærer seg|erklærte seg|har vært|har vore) (?:\\w+ )?(?:enig|einig) i",
    "sa ja til",
    "sier ja til",
    "seier ja til",
    "sagt ja til",
    "svarte ja",
    "(?:gir|gav|ga|gitt) (?:sin |si |sitt )?(?:tillatelse|løyve)",
    "gikk med på",
    "gjekk med på",
    "går med på",
    "godtar",
    "godtok",
    "godtatt",
    "aksepterer",
    "aksepterte",
    "akseptert",
    "(?:dere|de|dykk|dei|du) (?:kan|må|får) (?:\\w+ )?(?:sende|kontakte|melde|ta kontakt|dele|gi beskjed|snakke)",
    "(?:gir|gav|ga|gitt|gjev|gjeve) (?:sitt |si )?(?:klarsignal|grønt lys)",
    "jeg sier ja",
    "eg seier ja",
    "med (?:\\w+s |hans |hennes |hennar |deres |deira )?samtykke",
    "etter samtykke",
    # a signed consent form is consent, whichever comes first: the form or the signing
    "samtykke(?:erklæring|skjema|skjøyte)\\w*(?: [a-zæøå]+){0,3}? (?:er |vart |ble |blei )?"
    "(?:signert|underskrevet|underskriven|underteikna|undertegnet)",
    "(?:signert|signerte|signerer|underskrevet|underteikna|undertegnet|skrevet under på|skreve under på|skrev under på"
    "|skrive under på|skreiv under på)"
    " (?:et |eit |på |sitt |si )?samtykke(?:erklæring|skjema)\\w*",
    # a declaration of willingness or a nod is agreement
    "(?:sa|sier|seier|erklærte|erklærer|erklærer) seg villig",
    "(?:nikket|nikka|nikker) (?:samtykkende|samtykkande|bekreftende|stadfestande)",
    "samtykkende",
    "samtykkande",
)
#: What the consent is to: IP work, a coordinator, a notice to or contact with KE or the
#: municipality, sharing with the people in the plan work.
CONSENT_OBJECT = (
    "(?:"
    + "|".join(
        [
            TOPIC,
            KE,
            alt(
                "kommune\\w*",
                "bydel\\w*",
                "melding\\w*",
                "melder",
                "meldast",
                "meldes",
                "informasjons(?:deling|utveksling)\\w*",
                "info-?deling",
                "utveksling\\w*",
                "plangruppe\\w*",
                "deltakerne",
                "de som deltar",
                "dei som deltek",
                "arbeidet med planen",
                "oppstart\\w*",
                "samarbeidspartnere",
                "skole\\w*",
                "skule\\w*",
                "ppt",
                "plan-?arbeid\\w*",
            ),
        ]
    )
    + ")"
)
COMPLAINT = (
    "(?:"
    + "|".join(
        [
            rf"\b{fuzzy('klagerett')}\w*",
            rf"\b{fuzzy('klageadgang')}\w*",
            alt(
                "klagemulighet\\w*",
                "klageveiledning\\w*",
                "klageveiledet",
                "klagerettleiing\\w*",
                "kan klage",
                "kan påklages",
                "kan påklagast",
                "kan bli påklaga",
                "å klage",
                "klage til",
                "klagen sendes",
                "klagen blir sendt",
                "klaga blir send",
                "korleis ein klage",
                "hvordan (?:en )?klage\\w*",
                "rett til å klage",
                "påklage\\w*",
            ),
        ]
    )
    + ")"
)

# ── Targets: the act of each kind ────────────────────────────────────────────────────
_GAP = r"(?:[^a-zæøå0-9]+[a-zæøå0-9]+){0,10}?[^a-zæøå0-9]+"
"""Up to ten words between an act and its topic («informert pasienten om at hun har rett
til å få oppnevnt koordinator»)."""
_PASSIVE_AUX = r"(?:er|ble|blei|vart|har blitt|har vorte|har vært|har vore)"
"""A reported passive after its topic («IP ble gjennomgått med pasienten»); not «blir», which
is as often planned as done."""
_PASSIVE_ADVERB = r"(?:nå|no|tidligere|tidlegare|allerede|allereie|også|òg|godt|grundig|muntlig|muntleg|i dag)"
"""What may stand between the auxiliary and the act: never a negation («er ikke forklart»)."""
_HEADING = r"[^a-zæøå0-9]*:\s*(?:[a-zæøå0-9]+[^a-zæøå0-9]+){0,3}?"
"""A topic heading, a colon and up to three words before the act («IP: Pas. informert»)."""


def _act_on(act: str, topic: str) -> str:
    """An act with its topic after it, the topic right before it («IP-info gitt») or as a
    heading («KOORDINATOR: pasienten informert»)."""
    return (
        f"(?:{act}{_GAP}{topic}|{topic}{W}*[-/ ]{{0,3}}{act}|{topic}{_HEADING}{act}"
        f"|{topic}[a-zæøå0-9-]*(?: [a-zæøå0-9]+){{0,3}}? {_PASSIVE_AUX} (?:{_PASSIVE_ADVERB} )?{act})"
    )


#: Planned and present forms: targets too, so that the reading can say why they do not count.
#: The infinitive and present forms of «informere» and «orientere» (bokmål and nynorsk): planned
#: targets below, and hypothetical triggers (to-do lists, tasks).
INFO_VERB_PRESENT = (
    "informere",
    "informera",
    "informerer",
    "informeres",
    "informerast",
    "orientere",
    "orientera",
    "orienterer",
    "orienteres",
    "orienterast",
)
INFO_PLANNED = alt(
    *INFO_VERB_PRESENT,
    "opplyse",
    "opplyses",
    "opplysast",
    "forklare",
)
INFO_ACT = f"(?:{INFORMED}|{INFO_NOUN}|{INFO_PLANNED})"
TARGETS: dict[str, str] = {
    "INFO_IP": _act_on(INFO_ACT, TOPIC),
    "INFO_BARNEKOORDINATOR": _act_on(INFO_ACT, BARNEKOORDINATOR),
    "SAMTYKKE": f"(?:{CONSENT_VERB}|{CONSENT_PARAPHRASE}|{CONSENT_NOUN})",
    "KLAGEVEILEDNING": f"(?:{INFORMED}{_GAP}{COMPLAINT}|{COMPLAINT})",
    "EPIKRISE_MENTION": TOPIC,
}
#: A text is a candidate for a kind only if it matches this: one cheap str.contains per text.
ANCHORS: dict[str, str] = {
    "INFO_IP": r"(?i)\bip\b|ndivid|ndvid|koord|kordin|barne",
    "INFO_BARNEKOORDINATOR": r"(?i)barne",
    "SAMTYKKE": (
        r"(?i)samt|samy|enig|ja |tillatelse|villig|løyve|med på|godt[ao]|aksept|innvend|imot|i mot|motf|protest"
        r"|(?:kan|må|får) (?:\w+ )?(?:sende|kontakte|melde|ta|dele|gi)|klarsignal|grønt lys"
    ),
    "KLAGEVEILEDNING": r"(?i)klag",
    "EPIKRISE_MENTION": r"(?i)\bip\b|individuell plan|koordinator",
}
#: The clause must also hold one of these (an act reported as done), else it is only a
#: mention («Informasjon om individuell plan og koordinator» as a heading).
DONE_IN_CLAUSE: dict[str, str] = {
    "INFO_IP": f"(?:{INFORMED}|{DONE})",
    "INFO_BARNEKOORDINATOR": f"(?:{INFORMED}|{DONE})",
    "SAMTYKKE": f"(?:{CONSENT_VERB}|{CONSENT_PARAPHRASE}|{DONE})",
    "KLAGEVEILEDNING": f"(?:{INFORMED}|{DONE})",
    "EPIKRISE_MENTION": "",
}
#: The clause (SAMTYKKE) or the document (KLAGEVEILEDNING) must be about IP/koordinator.
OBJECT_IN_CLAUSE: dict[str, str] = {"SAMTYKKE": CONSENT_OBJECT}
TOPIC_IN_DOCUMENT: dict[str, str] = {"KLAGEVEILEDNING": TOPIC, "SAMTYKKE_BARE": TOPIC}
#: A bare consent with no object of its own («Samtykke: ja, muntlig», «samtykke innhentet»)
#: counts where the note's topic is IP.
BARE_CONSENT = r"(?:samtykke\w*\s*(?::|er |vart |ble )?\s*(?:ja|innhent\w*|henta inn|gitt|signert|foreligg\w*)\b)"

# ── Normalisation (before reading) ────────────────────────────────────────────────────
#: Abbreviations whose full stop does not end a sentence (dropped before splitting).
ABBREVIATIONS = (
    "pas",
    "pt",
    "koord",
    "ang",
    "vedr",
    "ifm",
    "jf",
    "jfr",
    "pbrl",
    "evt",
    "tlf",
    "ca",
    "dvs",
    "mht",
    "nr",
    "kl",
    "spm",
    "pga",
    "avd",
    "bl.a",
    "f.eks",
    "m.m",
    "o.l",
    "sml",
    "ev",
    "utg",
    "kap",
    "phlsvl",
    "hol",
    "sphl",
    "pol",
    "innl",
)
#: Rewrites applied to lower-cased text: (pattern, replacement).
REWRITES: tuple[tuple[str, str], ...] = (
    (r"\binfo?\.", "informert "),  # «inf.», «info.»: informert
    (r"\bip-(møte\w*|koordinator\w*)", "ip$1"),  # a meeting or the municipality's IP coordinator is not IP
    (r"\bm/", "med "),
    # «på vegne av X»: X is the one represented, not the one who acts («Far har skrevet under
    # samtykke på vegne av datteren»)
    (r"\bpå vegne av\b", "for"),
    # Every run of blanks to one space, written so that a lone space (nearly every match of
    # «\s+») is left alone: the same text, a tenth of the work.
    (r"\s{2,}|[\s&&[^ ]]", " "),
)

# ── Terminators ──────────────────────────────────────────────────────────────────────
#: End every scope: sentence ends (a full stop before an upper-case letter, a digit or the
#: end), ! ? ; a line break, and «men».
HARD_TERMINATORS = (r"[.!?;]", "line break", "men")
#: End the before-scope only: , : – and «og» followed by a new subject.
SOFT_TERMINATOR = (
    r"(?:[,:–—(]|\s-\s|\bog (?:pasienten|pas|pt|han|hun|ho|vi|eg|jeg|mor|far|foreldr\w*|sosionom\w*|lege\w*)\b"
    r"|\bsom\b|\bsidan\b|\bsiden\b|\bfordi\b|\bda\b)"
)
#: End the after-scope: a subordinate or new clause the negation would belong to.
AFTER_TERMINATOR = (
    r"(?:\b(?:dersom|hvis|viss|at|når|fordi|som|sidan|siden|da|mens|hvor|kor|etter at)\b|,\s*(?:og|så|eller)\b"
    r"|\bog (?:pasienten|pas|pt|han|hun|ho|vi|eg|jeg|mor|far|foreldr\w*|sosionom\w*|lege\w*|de|dei)\b)"
)


# ── Pseudo-triggers: blanked out before reading ──────────────────────────────────────
#: (pattern, replacement, label). The replacement keeps what is not the pseudo-trigger.
PSEUDO: tuple[tuple[str, str, str], ...] = (
    (r"\b(?:ikke|ikkje) (?:bare|berre)\b", " ", "ikke bare … men også, ikkje berre"),
    (r"\b(?:ingen|ikke|ikkje|inga) tvil\b", " ", "ingen tvil om at"),
    (
        r"\b(?:ikke|ikkje|ingenting) (?:noe |noko |noen |nokon )?(?:imot|i mot|å innvende)\b",
        " godtar ",
        "ikke noe imot, ikkje noko imot (lest som «godtar»)",
    ),
    (
        r"\b(?:ingen|inga) (?:innvendinger|innvendingar|motforestillinger|motførestellingar|protester)"
        r"(?: (?:mot|imot|til))?\b",
        " godtar ",
        "ingen innvendinger/innvendingar (mot) (lest som «godtar»)",
    ),
    (r"\b(?:ikke|ikkje) (?:lenger|lenger) (?:usikker\w*|i tvil|uenig|ueinig)\b", " ", "ikke lenger usikker"),
    (r"\b(?:ikke|ikkje) (?:uten|utan) grunn\b", " ", "ikke uten grunn, ikkje utan grunn"),
    (r"\b(?:ikke|ikkje) minst\b", " ", "ikke minst"),
    (r"\b(?:ingen|inga|ikke|ikkje) (?:spørsmål|spm|spørsmål)\b", " ", "ingen spørsmål"),
    (r"\b(?:uten|utan) (?:problem\w*|vansker|vanskar|tvil)\b", " ", "uten problemer/tvil"),
    (
        r"\b(?:ikke|ikkje|aldri) ((?:tidligere|tidlegare|før|fra før|frå før)\b[^;]*?\b(?:noe som|noko som|dette|det)"
        r" (?:ble|vart|blei|er) (?:gjort|gjennomført|gitt))",
        "$1",
        "aldri/ikke tidligere …, noe som ble gjort i dag",
    ),
)

# ── Triggers ─────────────────────────────────────────────────────────────────────────
ACT_KINDS = ("INFO_IP", "INFO_BARNEKOORDINATOR", "SAMTYKKE", "KLAGEVEILEDNING")
INFO_KINDS = ("INFO_IP", "INFO_BARNEKOORDINATOR", "KLAGEVEILEDNING")
ALL_KINDS = (*ACT_KINDS, "EPIKRISE_MENTION")
_C, _D = Category, Direction
NEGATION_WORDS = alt(
    "ikke",
    "ikkje",
    "ingen",
    "inga",
    "intet",
    "ingenting",
    "aldri",
    "not",
    "uten at",
    "utan at",
    "verken",
    "hverken",
    "korkje",
    "mangler",
    "manglar",
    "manglende",
    "manglande",
    "ikke blitt",
)
_NOT = r"(?:ikke|ikkje|aldri)"
_ACT_PARTICIPLE = (
    r"(?:gitt|gjeve|gjort|innhent\w*|henta inn|hentet inn|henta|hentet|dokumentert|gjennomgått|gjennomført|utført"
    r"|opplyst|informert|orientert|rettleia|veiledet|signert|underskrevet|utfylt|fylt ut|mottatt|forklart|gått gjennom"
    r"|tatt opp|avklart|levert|innført|registrert|klageveiledet|avgitt|samtykket|samtykt|spurt|gjeve|fått|klargjort)"
)
#: Present-passive and modal forms of an act: it is to be done.
_PLANNED_PASSIVE = alt(
    "gis",
    "gjevast",
    "gjevest",
    "innhentes",
    "hentes inn",
    "hentast inn",
    "innhentast",
    "blir henta inn",
    "blir hentet inn",
    "blir innhenta",
    "blir innhentet",
    "blir gitt",
    "blir gjeve",
    "vert gitt",
    "vert gjeve",
    "bli gitt",
    "bli gjeve",
    "informeres",
    "informerast",
    "orienteres",
    "orienterast",
    "opplyses",
    "opplysast",
    "gjennomgås",
    "gjennomgåast",
    "forklares",
    "forklarast",
    "(?:skal|vil|må|bør|kan) [a-zæøå]+(?:es|ast)",
    "tas opp",
    "takast opp",
    "spørres",
    "spørjast",
    "avklares",
    "avklarast",
    "(?:skal|vil|må|bør|kan) (?:bli |verte |vere |være )?(?:gitt|gjeve|gis|innhent\\w*|henta inn|hentet inn|opplys\\w*"
    "|informert|orientert|gjennomgått|gjennomgås|tatt|sendt|spurt|klargjort)",
    "(?:er|var) tenkt",
    "tenkt gitt",
    "planlagt",
)
TRIGGERS: tuple[Trigger, ...] = (
    # 1. negated before / after
    Trigger(
        _C.NEGATED_BEFORE,
        _D.BEFORE,
        NEGATION_WORDS,
        "ikke, ikkje, ingen, aldri, not, uten at/utan at, verken/hverken/korkje … eller, heller ikke, "
        "ennå ikke, mangler/manglende",
        ALL_KINDS,
    ),
    Trigger(
        _C.NEGATED_AFTER,
        _D.AFTER,
        rf"(?:^\W*{_NOT}\b|\b{_NOT}(?: \w+){{0,2}}? {_ACT_PARTICIPLE}\b)",
        "samtykker ikke; er/ble/vart (ennå) ikke gitt, innhentet, henta inn, dokumentert, gjennomgått, signert, utført",
        ALL_KINDS,
    ),
    Trigger(
        _C.NEGATED_AFTER,
        _D.AFTER,
        r"(?:[:–—-]\s*(?:nei|ikke|ikkje|ingen|mangler|manglar)\b|"
        + alt(
            "foreligger ikke",
            "ligg ikkje føre",
            "ligger ikke føre",
            "finnes ikke",
            "finst ikkje",
            "mangler",
            "manglar",
            "savnes",
            "uteblir",
            "uteblitt",
            "ikke relevant",
            "ikkje relevant",
            "ikke aktuelt",
            "ikkje aktuelt",
            "ikke mottatt",
            "ikke utfylt",
            "ikkje utfylt",
            "ikke tid",
            "ikkje tid",
        )
        + ")",
        "«: nei», «– ikke …», foreligger ikke / ligg ikkje føre, mangler/manglar, ikke relevant/aktuelt",
        ALL_KINDS,
    ),
    # 8. retracted
    Trigger(
        _C.RETRACTED,
        _D.AFTER,
        alt(
            "(?:er|var) (?:feil|feilaktig|uriktig|ikke riktig|ikkje rett)",
            "stemmer ikke",
            "stemmer ikkje",
            "feilregistrert",
            "feilført",
        ),
        "… er feil, stemmer ikke, feilregistrert",
    ),
    Trigger(
        _C.RETRACTED,
        _D.CLAUSE,
        alt("rettelse", "retting", "korrigering", "feilført", "feilregistrert"),
        "Rettelse:, Korrigering: (in the same sentence)",
    ),
    # 2. planned, future, conditional, obligatory, recommended, wished, to-do
    Trigger(
        _C.HYPOTHETICAL,
        _D.BEFORE,
        alt(
            "skal",
            "skulle",
            "vil",
            "vil bli",
            "vil få",
            "bør",
            "burde",
            "må",
            "måtte",
            "planlegger",
            "planlegg",
            "planlagt",
            "tar sikte på",
            "tek sikte på",
            "vurdere å",
            "vurderer å",
            "vurdere om",
            "vurderer om",
            "avventer",
            "avventar",
            "venter på",
            "ventar på",
            "dersom",
            "hvis",
            "viss",
            "om nødvendig",
            "ønsker",
            "ønskjer",
            "ber om",
            "ba om",
            "bad om",
            "tilbud om",
            "tilbod om",
            "huskeliste",
            "husk",
            "gjenstår",
            "anbefales",
            "anbefaler",
            "tilrås",
            "tilrår",
            "bes",
            "kan få",
            "får tilbud",
            "tenkt",
            "skal ha",
            "forventes",
            "ventes",
            "spørres",
            "spørjast",
            "innkalles",
            "i morgen",
            "i morgon",
        ),
        "skal, vil (bli/få), bør, må, planlegger, tar sikte på, vurdere å, avventer, dersom/hvis/viss, "
        "ønsker/ønskjer, ber om, tilbud om, huskeliste, anbefales, tenkt",
    ),
    Trigger(
        _C.HYPOTHETICAL,
        _D.AFTER,
        "(?:"
        + _PLANNED_PASSIVE
        + "|"
        + alt(
            "ved neste",
            "på neste",
            "neste (?:time|samtale|konsultasjon|kontroll|møte|gang|uke|veke)",
            "senere",
            "seinare",
            "etter hvert",
            "etter kvart",
            "i morgen",
            "i morgon",
            "på (?:mandag|tirsdag|tysdag|onsdag|torsdag|fredag)",
            "når vedtaket",
            "ikke ennå",
            "ikkje enno",
            "avventer",
            "avventar",
            "ansvar:",
            "ansvar",
        )
        + ")",
        "gis, innhentes, blir henta inn, informeres, må bli gitt, er tenkt gitt, ved neste time, senere, "
        "i morgen, på torsdag, når vedtaket foreligger, – ansvar: …",
    ),
    Trigger(
        _C.HYPOTHETICAL,
        _D.CLAUSE,
        alt(
            *INFO_VERB_PRESENT,
            "opplyse",
            "opplysa",
            "opplyses",
            "veilede",
            "rettleie",
            "innhente",
            "innhentes",
            "hente inn",
            "gi informasjon",
            "gje informasjon",
            "gi info",
            "gi klageveiledning",
            "gje klagerettleiing",
            "spørre",
            "spørje",
            "forklare",
            "samtykkje",
            "å samtykke",
        ),
        "infinitives and present passives of the act: informere(s), orientere(s), opplyse(s), innhente(s), "
        "gi informasjon (to-do lists, tasks)",
    ),
    # 3. hedged
    Trigger(
        _C.HEDGED,
        _D.BEFORE,
        alt(
            "usikker\\w*",
            "uklart",
            "uvisst",
            "mulig",
            "muligens",
            "moglegvis",
            "mogleg",
            "kanskje",
            "trolig",
            "truleg",
            "sannsynligvis",
            "sannsynlegvis",
            "antakelig",
            "antakeleg",
            "visstnok",
            "kan ha",
            "kan ha blitt",
            "kan vere",
            "kan være",
            "tror",
            "trur",
            "mener å huske",
            "meiner å hugse",
            "virker som",
            "verkar som",
            "antar",
            "antek",
            "formodentlig",
        ),
        "usikkert/uklart om, mulig at, kanskje, trolig/truleg, kan ha (blitt), tror/trur",
    ),
    Trigger(
        _C.HEDGED,
        _D.AFTER,
        alt("uklart", "usikkert", "uvisst", "ikke sikkert", "ikkje sikkert"),
        "…, uklart / usikkert",
    ),
    # 5. asked about
    Trigger(_C.QUESTION, _D.CLAUSE, r"\?", "the sentence ends with a question mark", ALL_KINDS),
    Trigger(
        _C.QUESTION,
        _D.BEFORE,
        alt(
            "spør om",
            "spør hva",
            "spør kva",
            "spurte om",
            "spurde om",
            "spør etter",
            "etterspør",
            "etterlyser",
            "lurer på",
            "lurte på",
            "spm",
            "spørsmål",
            "sjekke om",
            "sjekk om",
            "undersøke om",
            "avklare om",
            "kontrollere om",
            "usikker på om",
            "vet ikke om",
            "veit ikkje om",
        ),
        "spør om, lurer på om, etterspør, Spm:, sjekke om",
    ),
    # 4. refused or withdrawn
    Trigger(
        _C.REFUSED,
        _D.BEFORE,
        alt(
            "nekter",
            "nektar",
            "nektet",
            "nekta",
            "reserverer seg",
            "reserverte seg",
            "takket nei",
            "takka nei",
            "takker nei",
            "sa nei",
            "sier nei",
            "seier nei",
            "svarte nei",
            "avslår",
            "avslo",
            "trekker",
            "trakk",
            "trekkjer",
            "motsetter seg",
            "motset seg",
            "går imot",
            "ønsker ikke",
            "ønskjer ikkje",
            "ønsket ikke",
            "ønskte ikkje",
            "ville ikke",
            "ville ikkje",
            "vil ikke",
            "vil ikkje",
        ),
        "nekter, reserverer seg, takket nei, sa nei, avslår/avslo, trekker/trakk, motsetter seg, ønsker ikke, vil ikke",
    ),
    Trigger(
        _C.REFUSED,
        _D.AFTER,
        alt("trukket", "trekt", "trukke", "tilbakekalt", "tilbakekalla", "ønskes ikke", "ønskjast ikkje"),
        "(er/ble/vart) trukket/trekt tilbake, tilbakekalt, ønskes ikke",
    ),
    Trigger(
        _C.REFUSED,
        _D.DOCUMENT,
        alt("trekker", "trakk", "trukket", "trekt", "trekkjer", "tilbakekalt", "tilbakekalla", "tilbakekaller"),
        "a withdrawal later in the note cancels consent given before it",
        ("SAMTYKKE",),
    ),
    # 6. only a template
    Trigger(
        _C.TEMPLATE,
        _D.CLAUSE,
        r"(?:\bja\s*/\s*nei\b|\[\s*\]|□|☐|_{2,}|<[^>]*>|\.{2,}|…|\(fylles ut\)|\(fyllast ut\)"
        r"|\bikke utfylt\b|\bikkje utfylt\b|\*\*\*|:\s*$|\bmal\b|\bmalen\b|\bsjekkliste\w*)",
        "ja/nei, [ ], □, ___, <dato>, .., (fylles ut), ikke utfylt, ***, an empty field «Informert om IP:», "
        "mal, sjekkliste",
        ALL_KINDS,
    ),
    Trigger(
        _C.TEMPLATE,
        _D.DOCUMENT,
        r"(?:\bmal\s*:|\b(?:slett|stryk) det som ikke passer\b|\b(?:slett|stryk) det som ikkje passar\b)",
        "Mal: «…» Slett det som ikke passer",
        ALL_KINDS,
    ),
    # other person: informing staff or services is not informing the patient (see evidence.py
    # for the subject/object rule and the proxy rules of consent)
    Trigger(
        _C.OTHER_PERSON,
        _D.AFTER,
        rf"(?:\b(?:gitt|gjeve|sendt|send|sendes|sendast|overlevert)(?: \w+){{0,3}} til (?:{OTHER_PARTY})"
        rf"|\bbrev til (?:{OTHER_PARTY})|\bfor egen del\b|\bfor eiga del\b"
        rf"|^\W*(?:for|til|med|overfor|sammen med|saman med) (?:den |det |de |dei |ny |nye |nytt )?(?:{OTHER_PARTY}))",
        "gitt til ansatte, brev til kommunen, for egen del; (IP ble gjennomgått) med/for fastlegen",
        INFO_KINDS,
    ),
    Trigger(
        _C.OTHER_PERSON,
        _D.CLAUSE,
        rf"(?:(?:{PARENT}|{RELATIVE})(?: \w+){{0,2}} (?:har|hadde)(?: selv| sjølv| sjøl| også| og)?"
        r" (?:ip|individuell plan|koordinator)\b)",
        "mor/broren/kona har (selv) IP eller koordinator: a relative's own",
    ),
    Trigger(
        _C.OTHER_PERSON,
        _D.TARGET,
        rf"(?:{OTHER_PARTY})(?: [a-zæøå]+){{0,2}}? (?:er|ble|blei|vart|har blitt|har vorte)\b",
        "IP … og fastlegen/skolen er informert: a service as the subject of a passive inside the target",
        INFO_KINDS,
    ),
    Trigger(
        _C.NOT_THE_ACT,
        _D.TARGET,
        r"^(?:barne)?koordinator(?:en|ane|ene|ar|er)? (?:informerte|orienterte|forklarte|gjennomgikk|gjekk gjennom"
        r"|gikk gjennom|opplyste|veiledet|rettleia)\b",
        "Koordinatoren forklarte …: the coordinator as the one who acts, not the topic of what was told",
        INFO_KINDS,
    ),
    # other topic
    Trigger(
        _C.OTHER_TOPIC,
        _D.AFTER,
        alt(
            "(?:for|i|ved) (?:pakkeforløp\\w*|kreftforløp\\w*|forløp\\w*|operasjon\\w*|kirurgi\\w*|"
            "timebestilling\\w*|innkalling\\w*|studi\\w*|forskning\\w*|utredning\\w*)",
            "som ringer med tim\\w*",
        ),
        "koordinator for pakkeforløp / operasjonsplanlegging / timebestilling",
        INFO_KINDS,
    ),
    Trigger(
        _C.OTHER_TOPIC,
        _D.CLAUSE,
        alt(
            "epikrise\\w*",
            "forsikring\\w*",
            "forskning\\w*",
            "forskingsprosjekt\\w*",
            "studie\\w*",
            "operasjon\\w*",
            "inngrep\\w*",
            "blodoverføring\\w*",
            "transfusjon\\w*",
            "utredning\\w*",
            "undersøkelse\\w*",
            "mr",
            "ct",
            "røntgen",
            "vaksin\\w*",
            "sykmelding\\w*",
            "sjukmelding\\w*",
            "innhenting av journal",
            "hjemmesykepleie\\w*",
            "heimesjukepleie\\w*",
            "sårstell",
            "kontrollkommisjon\\w*",
            "tvang\\w*",
            "tvungent\\w*",
            "pasientreise\\w*",
            "sykehjem\\w*",
            "sjukeheim\\w*",
            "rehabiliteringsopphold\\w*",
            "ventetid\\w*",
            "pasient- og brukerombud\\w*",
            "ombudet",
            "fritt behandling\\w*",
            "behandlingsval\\w*",
            "behandlingsplan\\w*",
            "kriseplan\\w*",
            "ventilasjon",
            "medisiner\\w*",
            "bivirkning\\w*",
            "prøvesvar\\w*",
            "ipt",
            "ips",
            "jobbstøtte",
        ),
        "consent or complaint about something else: epikrise, forsikring, forskning, operasjon, transfusjon, "
        "tvang/kontrollkommisjon, pasientreiser, sykehjem, ventetid, kriseplan, IPS, IPT …",
        ("SAMTYKKE", "KLAGEVEILEDNING"),
    ),
    Trigger(
        _C.OTHER_TOPIC,
        _D.TARGET,
        "(?:" + COMPLAINT + "|" + alt("vedtak\\w*", "avslag\\w*", "søknad\\w*", "klage\\w*") + ")",
        "informert om klageadgangen på vedtaket om koordinator: complaint guidance, not information about IP",
        ("INFO_IP", "INFO_BARNEKOORDINATOR"),
    ),
    Trigger(
        _C.OTHER_TOPIC,
        _D.BEFORE,
        alt("vedtak\\w*", "avslag\\w*", "avslaget", "vedtaksbrev\\w*", "klage\\w*"),
        "Avslaget på / Vedtaksbrev om IP gjennomgått: a decision explained, not the right to IP",
        ("INFO_IP", "INFO_BARNEKOORDINATOR"),
    ),
    # 7. only mentioned, not done
    Trigger(
        _C.NOT_THE_ACT,
        _D.BEFORE,
        alt(
            "kurs\\w*",
            "mal for",
            "rutine\\w*",
            "prosedyre\\w*",
            "skjema\\w*",
            "journalnotat fra",
            "tittel",
            "plakat\\w*",
            "undervisning\\w*",
        ),
        "kurs, mal for, rutine, prosedyre, skjema for",
    ),
    Trigger(
        _C.NOT_THE_ACT,
        _D.AFTER,
        alt(
            "ligger i mappe\\w*",
            "ligg i mappa",
            "skrevet ut",
            "skrive ut",
            "lagt inn i journal\\w*",
            "gitt med hjem",
            "sendt med hjem",
        ),
        "ligger i mappen, skrevet ut, gitt med hjem, lagt inn i journal",
    ),
    Trigger(
        _C.NOT_THE_ACT,
        _D.CLAUSE,
        r"\bom at (?:\w+ ){1,3}(?:har|hadde) (?:fått )?(?:ip|individuell plan|koordinator)\b",
        "informert om at pasienten har IP/koordinator (an existing plan, not the right)",
        INFO_KINDS,
    ),
)

# ── Who acts: the proxy rules of consent and the recipient of information ─────────────
#: Before a passive act, a staff or service subject is the one informed («Fastlegen er
#: orientert om IP»).
PASSIVE_MARK = alt("er", "ble", "vart", "blei", "blitt", "fått", "fikk", "fekk", "mottok", "mottatt", "har fått")
#: An act that reports what its subject knows: the subject is the one informed, as in a
#: passive («Fastlegen kjenner til IP» is about the GP's knowledge, not the patient's).
KNOWING = alt(
    "kjenner",
    "har (?:god )?kjennskap",
    "er klar over",
    "vet",
    "veit",
    "forstår",
    "forstått",
    "forstod",
    "forsto",
    "kjent med",
    "kjend med",
)
#: A reflexive possessive with «own»: the topic belongs to the subject («Sønnen ble informert
#: om sin egen koordinator» is the son's coordinator, not the patient's). Without «egen» the
#: reflexive is often loose usage («Kona fikk vite om sin rett til koordinator for mannen»).
REFLEXIVE_OWN = r"(?:\b(?:sin|si|sitt|sine) (?:egen|eget|egne|eiga|eige|eigen|eigne)\b)"
#: Document facts for a proxy's consent: relatives count only for an adult who lacks
#: capacity, parents only for a child under 16.
LACKS_CAPACITY = alt(
    "ikke samtykkekompetent",
    "ikkje samtykkekompetent",
    "mangler samtykkekompetanse",
    "manglar samtykkekompetanse",
    "demens",
    "umyndiggjort",
    "oppnevnt verge",
)
HAS_CAPACITY = alt("er samtykkekompetent", "vurdert som samtykkekompetent", "vurdert samtykkekompetent")
AGED_16_PLUS = r"(?:\b(?:1[6-9]|[2-9][0-9]|1[0-9][0-9])(?: år\b|[ -]år(?:ing|ig)\w*))"

# ── Across clauses: an act reported by reference ─────────────────────────────────────
#: A later clause that says, by reference, that the act was done after all («ikke informert
#: ved innleggelse, men dette ble gjort ved utskrivning»). It clears a negation or a plan in
#: the clause right before it (or earlier in the same clause after a comma) — nothing else.
DONE_BY_REFERENCE = (
    r"(?:dette|det|det siste|noe som|noko som) (?:ble|blei|vart|er|har blitt|har vorte) "
    r"(?:gjort|gjennomført|utført|ordnet|ordna|tatt igjen|tatt opp)"
    r"(?: (?:ved|i|på|under|etter|seinare|senere|samme|same|dagen|påfølgende|påfølgjande|neste|dagen etter|like|straks"
    r"|rett|av|per|pr|muntlig|muntleg|skriftlig|skriftleg)\b[^,]*)?\W*$"
)
#: An object that points back to the topic of the clause before («Tema: IP. Pasienten fikk
#: forklart hva det innebærer»): read as the topic when the clause before names IP or
#: koordinator (not negated, and not a decision, a complaint or another plan). «om retten» is
#: not a reference: it is nearly always «retten til å klage» or another right.
TOPIC_REFERENCE = alt(
    "hva (?:det|dette|den|planen|ordningen|dette) innebærer",
    "kva (?:det|dette|den|planen|ordninga) inneber",
    "om (?:det|dette|ordningen|ordninga|planen|denne)",
)
TOPIC_REFERENCE_NOT = (
    f"(?:{NEGATION_WORDS}|"
    + alt("vedtak\\w*", "avslag\\w*", "klage\\w*", "søknad\\w*", "kriseplan\\w*", "behandlingsplan\\w*")
    + ")"
)
