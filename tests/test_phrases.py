"""Phrase evidence: the spec's own example sentences, clause boundaries, and nynorsk."""

from __future__ import annotations

import pytest

from ipaudit.phrases import text_has_evidence
from ipaudit.profile import load_profile

PATTERNS = load_profile("national").patterns


@pytest.mark.parametrize(
    ("kind", "text", "evidence"),
    [
        # The four examples of spec/rules.md, word for word.
        ("INFO_IP", "Pasienten er ikke informert om IP.", False),
        ("INFO_IP", "Pasienten ble ikke i løpet av oppholdet informert om IP.", False),
        ("INFO_IP", "Ønsket ikke IP, men er informert om koordinator.", True),
        ("INFO_IP", "Ikke aktuelt med innleggelse nå\nInformert om IP.", True),
        # Every clause end of the spec ends the negation: . ! ? ; , : line break and «men».
        *[("INFO_IP", f"Ikke innlagt{end} informert om IP.", True) for end in (".", "!", "?", ";", ",", ":", "\r\n")],
        ("INFO_IP", "Ikke innlagt MEN informert om IP.", True),
        ("INFO_IP", "Aldri informert om individuell plan.", False),
        ("INFO_IP", "Ingen er informert om koordinator.", False),
        ("INFO_IP", "Not informert om IP.", False),
        ("INFO_IP", "Informert om IP. Ikke informert om koordinator.", True),
        ("INFO_IP", "Pasienten er informert om retten til individuell plan.", True),
        ("INFO_IP", "Informasjon om IP-en er gitt.", True),  # «IP-en»: the hyphen is a word boundary
        ("INFO_IP", "Informert om ipad-bruk.", False),
        # nynorsk
        ("INFO_IP", "Pasienten er ikkje informert om individuell plan.", False),
        ("KLAGEVEILEDNING", "Pasienten er rettleia om klage.", True),
        ("KLAGEVEILEDNING", "Pasienten er ikkje rettleia om klage.", False),
        ("KLAGEVEILEDNING", "Orientert om retten til å klage.", True),
        ("KLAGEVEILEDNING", "Informert om klagerett, men ønsker ikke å klage.", True),
        ("SAMTYKKE", "Pasienten samtykker til melding til kommunen.", True),
        ("SAMTYKKE", "Pasienten har ikke samtykket til melding.", False),
        ("SAMTYKKE", "Samtykke i informasjonsdeling er innhentet.", True),
        ("EPIKRISE_MENTION", "Koordinator er Kari Nordmann.", True),
        ("EPIKRISE_MENTION", "Ikke behov for koordinator nå.", False),
    ],
)
def test_phrase_evidence(kind: str, text: str, evidence: bool) -> None:
    assert text_has_evidence(text, PATTERNS[kind]) is evidence
