"""``ipaudit explain``: one test per reason it can print, one patient only, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipaudit.engine import AuditOptions
from ipaudit.errors import InputError
from ipaudit.explain import explain
from ipaudit.profile import load_profile
from tests.builders import AS_OF, INDEX, days, make_extract
from tests.test_cli import invoke, write_extract

OPTIONS = AuditOptions(as_of=AS_OF, profile=load_profile("national"))


def _lines(documents: list[dict], rule: str = "IP01", options: AuditOptions = OPTIONS, **kwargs: object) -> str:
    extract = make_extract(assessments=[{"assessed_date": INDEX}], documents=documents, **kwargs)  # type: ignore[arg-type]
    return "\n".join(explain(extract, options, "P1", rule))


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ({"doc_date": days(2), "text": "Pasienten er informert om IP."}, "teller: teksten — «Pasienten er informert"),
        ({"doc_date": days(2), "doc_type": "INFO_IP"}, "teller: dokumenttypen"),
        ({"doc_date": days(-200), "text": "Informert om IP."}, "teller ikke: utenfor vinduet"),
        ({"doc_date": days(200), "text": "Informert om IP."}, "teller ikke: datert etter revisjonsdatoen"),
        ({"doc_date": days(2), "status": "kladd", "text": "Informert om IP."}, "teller ikke: usignert kladd"),
        ({"doc_date": days(2), "doc_type": "MELDING_KE"}, "teller ikke: feil dokumenttype og ingen tekst"),
        ({"doc_date": days(2), "text": "Pasienten er ikke informert om IP."}, "teller ikke: nektet før treffet"),
        ({"doc_date": days(2), "text": "Informasjon om IP er ikke gitt."}, "teller ikke: nektet etter treffet"),
        ({"doc_date": days(2), "text": "Skal informeres om IP."}, "teller ikke: planlagt"),
        ({"doc_date": days(2), "text": "Mulig at hun er informert om IP."}, "teller ikke: usikkert"),
        ({"doc_date": days(2), "text": "Er hun informert om IP?"}, "teller ikke: spørsmål"),
        ({"doc_date": days(2), "text": "Informert om IP: ja/nei"}, "teller ikke: bare mal eller tomt felt"),
        ({"doc_date": days(2), "text": "Avslo informasjon om IP."}, "teller ikke: avslått eller trukket"),
        ({"doc_date": days(2), "text": "Fastlegen er informert om IP."}, "teller ikke: gjelder en annen person"),
        ({"doc_date": days(2), "text": "Informert om koordinator for pakkeforløp."}, "teller ikke: gjelder noe annet"),
        ({"doc_date": days(2), "text": "Informasjon om individuell plan"}, "teller ikke: bare nevnt, ikke gjort"),
        ({"doc_date": days(2), "text": "Rettelse: informert om IP er feil."}, "teller ikke: rettet"),
        ({"doc_date": days(2), "text": "Blodprøver tatt."}, "teller ikke: ingen treff i teksten"),
    ],
)
def test_each_reason(document: dict, why: str) -> None:
    assert why in _lines([document])


def test_wrong_type_for_a_rule_that_reads_one_type() -> None:
    lines = _lines(
        [{"doc_date": days(40), "text": "Koordinator er Kari Nordmann."}],
        rule="IP09",
        options=AuditOptions(as_of=AS_OF, profile=load_profile("unn")),
        coordinators=[{"appointed_date": days(1), "name": "Kari Nordmann"}],
    )
    assert "feil dokumenttype (teksten leses bare i EPIKRISE)" in lines


def test_index_date_due_date_and_status_are_printed() -> None:
    text = _lines([{"doc_date": days(2), "text": "Pasienten er informert om IP."}])
    assert "Indeksdato (første vurdering med behov): 03.03.2025" in text
    assert "IP01 Informasjon om IP og koordinator gitt: oppfylt · revisjonsfrist (profil) 17.03.2025" in text


def test_only_the_patient_asked_for_is_read() -> None:
    extract = make_extract(
        assessments=[{"assessed_date": INDEX}, {"patient_id": "P2", "assessed_date": INDEX}],
        documents=[
            {"doc_date": days(2), "text": "Informert om IP."},
            {"document_id": "SECRET", "patient_id": "P2", "doc_date": days(2), "text": "Informert om IP."},
        ],
    )
    text = "\n".join(explain(extract, OPTIONS, "P1"))
    assert "SECRET" not in text and "P2" not in text
    with pytest.raises(InputError, match="fant ingen rader"):
        explain(extract, OPTIONS, "P9")
    with pytest.raises(InputError, match="IP99"):
        explain(extract, OPTIONS, "P1", "IP99")


def test_the_cli_prints_every_rule_for_one_patient(tmp_path: Path) -> None:
    root = write_extract(tmp_path / "uttrekk")
    out = invoke(["explain", str(root), "--patient", "0002", "--as-of", "2025-06-30"], 0).output
    assert "IP01 Informasjon om IP og koordinator gitt" in out and "IP03" in out
    assert "D4" in out and "D1" not in out  # D1 belongs to patient 0001
    one = invoke(["explain", str(root), "--patient", "0002", "--rule", "ip01", "--as-of", "2025-06-30"], 0).output
    assert "IP03" not in one
    invoke(["explain", str(root), "--patient", "9999", "--as-of", "2025-06-30"], 2)
