"""docs/evidence.md, generated from the trigger tables (``python -m ipaudit.evidence_docs``).

The page lists what ``ipaudit/evidence_rules.py`` holds — targets, pseudo-triggers,
terminators and triggers with their direction and kinds — in bokmål and nynorsk, so that the
documentation cannot drift from the reading: a test compares the file with ``render()``.
"""

from __future__ import annotations

import sys

from ipaudit import evidence_rules as R

#: (bokmål, nynorsk) name of each category.
CATEGORY_NAMES: dict[R.Category, tuple[str, str]] = {
    R.Category.TEMPLATE: ("Bare mal eller tomt felt", "Berre mal eller tomt felt"),
    R.Category.QUESTION: ("Spørsmål", "Spørsmål"),
    R.Category.RETRACTED: ("Rettet eller trukket tilbake", "Retta eller trekt tilbake"),
    R.Category.REFUSED: ("Avslått eller trukket", "Avslått eller trekt"),
    R.Category.NEGATED_BEFORE: ("Nektet før treffet", "Nekta før treffet"),
    R.Category.NEGATED_AFTER: ("Nektet etter treffet", "Nekta etter treffet"),
    R.Category.HYPOTHETICAL: (
        "Planlagt, betinget, pålagt, anbefalt eller ønsket",
        "Planlagt, vilkårsbunde, pålagt, tilrådd eller ønskt",
    ),
    R.Category.HEDGED: ("Usikkert", "Usikkert"),
    R.Category.OTHER_PERSON: ("Gjelder en annen person", "Gjeld ein annan person"),
    R.Category.OTHER_TOPIC: ("Gjelder noe annet enn IP/koordinator", "Gjeld noko anna enn IP/koordinator"),
    R.Category.NOT_THE_ACT: ("Bare nevnt, ikke gjort", "Berre nemnt, ikkje gjort"),
}
DIRECTION_NAMES: dict[R.Direction, tuple[str, str]] = {
    R.Direction.BEFORE: ("før treffet i leddet", "før treffet i leddet"),
    R.Direction.AFTER: ("etter treffet i leddet", "etter treffet i leddet"),
    R.Direction.CLAUSE: ("hvor som helst i leddet", "kvar som helst i leddet"),
    R.Direction.TARGET: ("inne i treffet", "inne i treffet"),
    R.Direction.DOCUMENT: (
        "hvor som helst i teksten (tilbaketrekking: senere i teksten)",
        "kvar som helst i teksten (tilbaketrekking: seinare i teksten)",
    ),
}

INTRO_NB = """\
## Bokmål

Fritekst leses slik en saksbehandler hos Statsforvalteren leser den. En tekst er bevis for
en type (INFO_IP, INFO_BARNEKOORDINATOR, SAMTYKKE, KLAGEVEILEDNING, EPIKRISE_MENTION) når
ett av leddene har et *treff* (handlingen: «informert om IP», «samtykker til melding til
KE», «orientert om klageretten») som ingen *utløser* i tabellene under gjør om til noe
annet. Teksten deles i ledd ved setningsslutt (punktum foran stor bokstav eller til slutt,
`!`, `?`, `;`), linjeskift og ordet «men». Omfanget *før* treffet slutter også ved `,`, `:`,
`–`, `(` og «og» + nytt subjekt; omfanget *etter* treffet slutter ved et nytt leddsetning
(«dersom», «at», «som», «da», «, og» …). Kolon og tankestrek avslutter ikke omfanget etter
treffet («Informasjon om koordinator: ikke gitt»). Pseudo-nektinger fjernes før lesingen.
En profils egne mønstre ([patterns]) er ekstra treff og leses med de samme utløserne.
"""
INTRO_NN = """\
## Nynorsk

Fritekst blir lesen slik ein sakshandsamar hos Statsforvaltaren les han. Ein tekst er prov
for ein type når eitt av ledda har eit *treff* (handlinga) som ingen *utløysar* i tabellane
over gjer om til noko anna. Teksten blir delt i ledd ved setningsslutt, `!`, `?`, `;`,
linjeskift og ordet «men». Omfanget *før* treffet sluttar òg ved `,`, `:`, `–`, `(` og «og»
+ nytt subjekt; omfanget *etter* treffet sluttar ved ei ny leddsetning («dersom», «at»,
«som», «da», «, og» …). Kolon og tankestrek avsluttar ikkje omfanget etter treffet.
Pseudo-nektingar blir fjerna før lesinga. Ein profil sine eigne mønster er ekstra treff og
blir lesne med dei same utløysarane. Å kjenne til noko er å ha fått vite det («kjenner til»,
«er klar over»; subjektet er den som veit). Ein samtale med pasienten eller dei næraste *om*
temaet tel, ein samtale med fastlegen eller koordinatoren tel ikkje. «Si eiga / sin eigen»
etter ein pårørande som subjekt gjeld den pårørande sin eigen plan. «Inga innvendingar (mot)» og
«ikkje noko imot» blir lesne som «godtar». Tabellane over gjeld òg på nynorsk (utløysarane har
bokmåls- og nynorskformer); kategorinamna på nynorsk:
"""


def _kinds(trigger: R.Trigger) -> str:
    kinds = trigger.kinds or R.ACT_KINDS
    return "alle" if set(kinds) == set(R.ALL_KINDS) else ", ".join(kinds)


def render() -> str:
    """The whole of docs/evidence.md."""
    out = [
        "# Lesing av fritekst / Lesing av fritekst (nynorsk)",
        "",
        "<!-- Generert av `python -m ipaudit.evidence_docs` fra ipaudit/evidence_rules.py; ikke rediger for hånd. -->",
        "",
        INTRO_NB,
        "### Utløsere (triggere)",
        "",
        "| Kategori | Hvor | Typer | Utløsere |",
        "|---|---|---|---|",
    ]
    out.extend(
        f"| {CATEGORY_NAMES[category][0]} | {DIRECTION_NAMES[trigger.direction][0]} | {_kinds(trigger)} "
        f"| {trigger.label.replace('|', '/')} |"
        for category in R.Category
        for trigger in R.TRIGGERS
        if trigger.category is category
    )
    out += ["", "### Pseudo-nektinger (teller ikke som nekting)", ""]
    out += [f"- {label}" for _, _, label in R.PSEUDO]
    out += [
        "",
        "### Ledd og omfang",
        "",
        "- Harde skiller (avslutter alle omfang): " + ", ".join(f"`{t}`" for t in R.HARD_TERMINATORS),
        "- Myke skiller (avslutter omfanget før treffet): `, : – (`, «og» + nytt subjekt, «som», «fordi», «da»",
        "- Skiller etter treffet: «dersom», «hvis», «at», «når», «fordi», «som», «da», «mens», «, og», "
        "«, så», «og» + nytt subjekt",
        "",
        "### Hvem og hva",
        "",
        "- Informasjon til fastlege, personale, skole, kommune, KE og andre tjenester teller ikke "
        "(subjekt i passiv: «Fastlegen er orientert»; objekt: «informerte KE»; «gitt til ansatte»).",
        "- Samtykke fra pårørende teller bare når pasienten mangler samtykkekompetanse; fra foreldre "
        "bare for barn under 16 år; verge teller alltid; tjenester teller aldri.",
        "- KLAGEVEILEDNING krever at teksten handler om IP eller koordinator; SAMTYKKE må gjelde IP, "
        "koordinator, melding/kontakt med KE eller kommunen, eller deling med dem som deltar i planarbeidet "
        "(«Samtykke: ja» teller når teksten ellers handler om IP).",
        "- Substantiv («Informasjon om IP», «Samtykke til IP») må ha et ord som sier at handlingen er gjort "
        "(gitt, fått, innhentet, signert, foreligger, «: ja» …); ellers er det bare en overskrift.",
        "- Skrivefeil: nøkkelordene (informert, orientert, koordinator, individuell, samtykk, klagerett, "
        "klageadgang) godtas med én bokstav for mye, for lite, byttet eller feil.",
        "- Å kjenne til noe er å ha fått vite det: «kjenner til», «har kjennskap til», «er klar over», "
        "«vet hva» teller "
        "som informasjon, og subjektet er den som vet («Fastlegen kjenner til IP» teller ikke).",
        "- En samtale med pasienten, foreldre, verge eller pårørende *om* temaet teller («snakket med "
        "pasienten og mor om IP»); en samtale med fastlegen, koordinatoren eller andre tjenester gjør det ikke.",
        "- «Sin egen» (si eiga, sitt eget, sine egne) når en pårørende er subjektet, gjelder den "
        "pårørendes egen plan eller koordinator («Sønnen ble informert om sin egen koordinator»).",
        "- «Ingen innvendinger (mot)» og «ikke noe imot» leses som «godtar»: et samtykke når det gjelder IP, "
        "koordinator, melding eller deling.",
        "- Samtykke uten ordet: et signert samtykkeskjema eller en signert samtykkeerklæring, «sa seg "
        "villig til», «nikket samtykkende» teller (når det gjelder IP, koordinator, melding eller deling).",
        "- «På vegne av X» leses som «for X»: X er den det gjelder, ikke den som samtykker. Oppgitt alder "
        "avgjør foreldresamtykke: «(10 år)» teller, «(17 år)», «17-åring» teller ikke.",
        "- Temaet før en passiv handling teller («IP ble gjennomgått med pasienten»), men ikke når "
        "mottakeren er en annen («… med/for fastlegen»); «blir» leses ikke som gjort.",
        "- Over leddgrensen: «hva det innebærer», «om det/dette/ordningen/retten» leses som temaet når "
        "leddet rett før nevner IP eller koordinator (og ikke vedtak, avslag, klage, søknad eller en annen "
        "plan). Et ledd rett etter som sier at handlingen ble gjort likevel («…, men dette ble gjort ved "
        "utskrivning») opphever en nekting eller en plan — aldri et avslag, et spørsmål eller en tvil.",
        "",
        INTRO_NN,
    ]
    out += [f"- {nb} — {nn}" for nb, nn in CATEGORY_NAMES.values()]
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
