"""ipaudit-tilsynsrapport.html: structure of a supervision report, right counts, nothing leaked or injected."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import markupsafe
import polars as pl
import pytest
from builders import INDEX, make_extract, run
from report_fixtures import SCRIPT, UNITS, make_result

from ipaudit import selection
from ipaudit.manual_requirements import MANUAL_REQUIREMENTS, SOURCES, source_short_names
from ipaudit.model import STATUS_LABELS, AuditResult
from ipaudit.pseudonymize import pseudonymize_result
from ipaudit.report import FORMATS, write_reports
from ipaudit.report import supervision as view
from ipaudit.selection import SampleDraw, draw_sample, reproduce_command, select_sample

KEY = b"tilsynssak-2025-nokkel-0123456789"
CHAPTERS = (
    "1 Innledning",
    "2 Tema og omfang",
    "3 Metode",
    "4 Krav og grunnlag",
    "5 Funn per krav",
    "6 Funn mot krav i lov og forskrift",
    "7 Funn mot retningslinjer",
    "8 Krav som må vurderes manuelt",
    "9 Stikkprøve",
    "10 Datagrunnlag",
)


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return make_result(40)


@pytest.fixture(scope="module")
def page(result: AuditResult) -> str:
    return view.render_supervision(result, draw_sample(result))


def _text(fragment: str) -> str:
    """Visible text: tags dropped, entities decoded, blanks (also no-break spaces) collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\u00a0", " ").split())


def _section(page: str, anchor: str) -> str:
    start = page.index(f'<section id="{anchor}">')
    return page[start : page.index("</section>", start)]


def _with_counts(result: AuditResult, rule_id: str, **counts: int) -> AuditResult:
    """The result with one rule's counts changed (the view reads counts from the rule summaries)."""
    rules = tuple(
        dataclasses.replace(r, counts={**r.counts, **counts}) if r.meta.id == rule_id else r for r in result.rules
    )
    return dataclasses.replace(result, rules=rules)


def test_the_format_is_registered_and_written_atomically(tmp_path: Path, result: AuditResult) -> None:
    assert "supervision" in FORMATS
    written = write_reports(result, tmp_path, ["supervision"])
    assert written == [tmp_path / view.FILENAME]
    assert view.FILENAME == "ipaudit-tilsynsrapport.html"
    assert not list(tmp_path.glob(".*.tmp"))


def test_chapters_are_all_there_in_order(page: str) -> None:
    headings = [_text(h) for h in re.findall(r"<h2>(.*?)</h2>", page, flags=re.S)]
    assert headings == list(CHAPTERS)


def test_the_page_is_self_contained_and_escaped(page: str) -> None:
    assert view.environment().autoescape is True
    lowered = page.lower()
    for needle in ("<script", "<link", "@import", "url(", "src=", 'href="http'):
        assert needle not in lowered
    assert "@page" in page and "counter(pages)" in page  # printable on A4 with page numbers


def test_the_header_states_the_data_basis(page: str, result: AuditResult) -> None:
    header = _text(page[page.index("<header") : page.index("</header>")])
    for fact in (
        "Revisjonsdato 30.06.2025",
        "01.01.2025–30.06.2025",
        "national (innebygd)",
        "ipaudit 0.1.0",
        "Pseudonymisert Nei",
    ):
        assert fact in header
    for source in result.extract.sources:
        assert f"{source.path.name} sha256 {source.sha256[:12]}" in header


def test_every_rule_appears_as_a_requirement_with_its_basis(page: str, result: AuditResult) -> None:
    requirements = _section(page, "krav")
    for rule in result.rules:
        assert f'id="krav-{rule.meta.id}"' in requirements
        article = requirements[requirements.index(f'id="krav-{rule.meta.id}"') :]
        article = article[: article.index("</article>")]
        statute = rule.meta.statute or "Ingen bestemmelse i lov eller forskrift"
        assert "<dt>Lov/forskrift</dt><dd>" + str(markupsafe.escape(statute)) in article
        assert f"<dt>Retningslinje</dt><dd>{markupsafe.escape(rule.meta.guidance)}</dd>" in article
        assert "<dt>Revisjonsfrist (profil)</dt>" in article
        assert f"<dt>Lovens krav til tid</dt><dd>{markupsafe.escape(rule.meta.legal_deadline)}</dd>" in article
        assert str(markupsafe.escape(rule.meta.title)) in requirements


def test_parameters_are_written_as_values() -> None:
    page = view.render_supervision(run(make_extract(assessments=[{"patient_id": "1", "assessed_date": INDEX}])))
    ip01 = _text(page[page.index('id="krav-IP01"') : page.index('id="krav-IP02"')])
    assert "Innen 14 dager etter vurderingen." in ip01
    assert "info_days" not in ip01
    ip06 = _text(page[page.index('id="krav-IP06"') : page.index('id="krav-IP07"')])
    assert "fra 90 dager før til 14 dager etter vurderingen" in ip06


def test_counts_and_shares_per_requirement_match_the_result(page: str, result: AuditResult) -> None:
    findings = _section(page, "funn")
    for rule in result.rules:
        start = findings.index(f'id="funn-rad-{rule.meta.id}"')
        cells = [
            _text(c)
            for c in re.findall(r"<td[^>]*>(.*?)</td>", findings[start : findings.index("</tr>", start)], flags=re.S)
        ]
        c = rule.counts
        assessed = "–" if rule.meta.population == "own" else str(c["pass"] + c["fail"])
        passes = "–" if rule.meta.population == "own" else str(c["pass"])
        rate = "–" if rule.compliance_rate is None else f"{rule.compliance_rate * 100:.1f}".replace(".", ",") + " %"
        assert cells[1:] == [
            assessed,
            passes,
            str(c["fail"]),
            rate,
            str(c["pending"]),
            str(c["not_applicable"]),
            str(c["waived"]),
        ]


def test_the_status_columns_are_headed_with_the_status_labels(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(STATUS_LABELS, "pending", "Frist ennå ikke ute")
    findings = _section(view.render_supervision(result), "funn")
    header = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", findings, flags=re.S)]
    labels = list(STATUS_LABELS.values())
    assert header == ["Krav", "Vurdert", *labels[:2], "Andel oppfylt", *labels[2:]]
    assert "Frist ennå ikke ute" in header


def test_findings_split_into_law_and_guidelines(result: AuditResult) -> None:
    # IP04 (statute) has no fails here: it may appear in neither chapter.
    changed = _with_counts(result, "IP04", fail=0)
    page = view.render_supervision(changed)
    law = _text(_section(page, "funn-lov"))
    guidance = _text(_section(page, "funn-retningslinjer"))
    with_statute = [r for r in changed.rules if r.meta.statute and r.counts["fail"]]
    assert re.findall(r"6\.\d+ Mulig brudd på [^:]*: ([^.]*?) (?:Det|Behovet|Koordinators)", law) == [
        r.meta.title for r in with_statute
    ]
    for rule in with_statute:
        assert f"Mulig brudd på {rule.meta.statute}: {rule.meta.title}" in law
    assert "Koordinator oppnevnt eller avklart" not in law
    only_guidance = [r for r in changed.rules if not r.meta.statute and r.counts["fail"]]
    assert only_guidance, "the fixture has a guidance-only rule with fails"
    for rule in only_guidance:
        assert f"{rule.meta.title}" in guidance and rule.meta.title not in law
    assert "Mulig brudd" not in guidance


def test_the_tool_never_concludes_a_breach_of_law(page: str) -> None:
    text = _text(page)
    assert "Verktøyet konkluderer ikke med lovbrudd" in text
    assert "Tilsynsmyndigheten avgjør etter gjennomgang om kravet er brutt." in _text(_section(page, "funn-lov"))
    assert not re.search(r"(?<!med )\blovbrudd\b(?! eller)", text.replace("ikke et lovbrudd", ""))
    assert "Avvik 1" not in text and "Merknad 1" not in text
    assert "lovfestet frist" not in text.replace("ingen lovfestet frist", "")


def test_a_law_finding_states_count_share_requirement_and_provisions(page: str, result: AuditResult) -> None:
    law = _text(_section(page, "funn-lov"))
    ip01 = result.rule("IP01")
    fails, assessed = ip01.counts["fail"], ip01.counts["pass"] + ip01.counts["fail"]
    share = f"{fails / assessed * 100:.1f}".replace(".", ",")
    assert (
        "Det er ikke dokumentert at pasienten har fått informasjon "
        f"i {fails} av {assessed} vurderte journaler ({share} %; verktøyets telling, ikke gjennomgått i stikkprøven)."
    ) in law
    assert "Bygger på Verktøyets telling i hele kohorten" in law
    assert f"Lov/forskrift {ip01.meta.statute}" in law
    numbers = [int(n) for n in re.findall(r"6\.(\d+) Mulig brudd", law)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_ip00_counts_the_patients_it_flags_without_a_share() -> None:
    """The real IP00 chooses its own population: no share, the patients counted in words."""
    episodes = [
        {
            "patient_id": "77",
            "unit": "Medisinsk avdeling",
            "care_type": "døgn",
            "start_date": INDEX,
            "end_date": INDEX.replace(month=INDEX.month + 1),
        },
    ]
    result = run(
        make_extract(patients=["77"], assessments=[{"patient_id": "1", "assessed_date": INDEX}], episodes=episodes)
    )
    assert result.rule("IP00").counts["fail"] == 1
    page = view.render_supervision(result)
    assert "Behovet for individuell plan er ikke vurdert for 1 pasient som oppfyller kriteriene i punkt 4.1" in _text(
        _section(page, "funn-lov")
    )
    findings = _section(page, "funn")
    start = findings.index('id="funn-rad-IP00"')
    cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", findings[start : findings.index("</tr>", start)])]
    assert cells[1:5] == ["–", "–", "1", "–"]


def test_manual_review_rows_are_all_listed_with_sources_and_an_empty_judgement(page: str) -> None:
    manual = _section(page, "manuelt")
    assert len(MANUAL_REQUIREMENTS) >= 6
    for requirement in MANUAL_REQUIREMENTS:
        start = manual.index(f'id="manuelt-{requirement.id}"')
        row = manual[start : manual.index("</tr>", start)]
        assert str(markupsafe.escape(requirement.title)) in row
        for source in requirement.sources:
            assert str(markupsafe.escape(source)) in row
        assert '<td class="eval"></td>' in row
    text = _text(manual)
    for topic in ("møte", "Referat", "evaluert", "tillitsforhold", "medvirket", "oversikt"):
        assert topic in text


def test_manual_sources_cite_the_seed_documents_with_a_section() -> None:
    known = source_short_names()
    assert len(SOURCES) == 5
    for requirement in MANUAL_REQUIREMENTS:
        assert requirement.sources
        for citation in requirement.sources:
            assert any(citation.startswith(name) for name in known), citation
        # At least one citation per requirement points at a numbered section of a guideline.
        assert any(re.search(r"pkt\. \d", c) for c in requirement.sources), requirement.id
    assert len({r.id for r in MANUAL_REQUIREMENTS}) == len(MANUAL_REQUIREMENTS)


def test_the_data_basis_has_every_file_with_its_full_fingerprint(page: str, result: AuditResult) -> None:
    basis = _section(page, "datagrunnlag")
    for source in result.extract.sources:
        assert re.search(rf"<code>{source.sha256}</code>", basis)
        assert source.path.name in basis
    text = _text(basis)
    for table, counts in result.extract.counts.items():
        assert f"{table} " in text
        assert str(counts.rows_read) in text
    for fact in (
        "Revisjonsdato 30.06.2025",
        "national; kilde: innebygd; utvider: ingen",
        "ipaudit 0.1.0",
        "01.07.2025 kl. 06:15",
        "Pseudonymisert Nei",
    ):
        assert fact in text
    assert "ipaudit audit /data/uttrekk/2025-06 --as-of 2025-06-30 --profile national --from 2025-01-01" in text


def test_a_malicious_unit_name_is_escaped(result: AuditResult) -> None:
    evil = f"{SCRIPT}<img src=x onerror=alert(2)>"
    hostile = dataclasses.replace(
        result,
        results=result.results.with_columns(
            pl.when(pl.col("unit") == UNITS[0]).then(pl.lit(evil)).otherwise(pl.col("unit")).alias("unit")
        ),
        units=result.units.with_columns(
            pl.when(pl.col("unit") == UNITS[0]).then(pl.lit(evil)).otherwise(pl.col("unit")).alias("unit")
        ),
    )
    hostile = dataclasses.replace(
        hostile, extract=dataclasses.replace(hostile.extract, location=Path(f"/data/{SCRIPT}/uttrekk"))
    )
    page = view.render_supervision(hostile)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert str(markupsafe.escape(evil)) in page
    assert "/data/&lt;script&gt;alert(1)&lt;/script&gt;/uttrekk" in page  # in the commands as well


def test_a_pseudonymised_result_shows_no_original_id_or_name(result: AuditResult) -> None:
    pseudo = pseudonymize_result(result, KEY)
    page = view.render_supervision(pseudo)
    originals = set(result.results.get_column("patient_id").unique().to_list()) | {w.patient_id for w in result.waivers}
    for patient_id in originals:
        assert patient_id not in page and str(markupsafe.escape(patient_id)) not in page
    for name in ("Kari Nordmann", "Ola Nordmann"):
        assert name not in page
    assert re.search(r"P-[0-9a-f]{12}", page)
    assert "Pseudonymisert Ja" in _text(page[: page.index("</header>")])
    assert "Pseudonymisert Ja: pasient-id-er" in _text(_section(page, "datagrunnlag"))


def test_nothing_from_the_journal_reaches_the_report() -> None:
    """Coordinator names, authors and journal text are in the extract but never in the result's view."""
    coordinator, author, note = "Kari Koordinatorsen", "Dr. Ola Forfattersen", "Pasienten bor alene på Ytre Vik."
    extract = make_extract(
        assessments=[
            {
                "patient_id": "12345",
                "assessed_date": INDEX,
                "criteria_met": True,
                "wants_ip": True,
                "wants_coordinator": True,
                "unit": "Medisinsk avdeling",
            }
        ],
        documents=[
            {
                "patient_id": "12345",
                "doc_date": INDEX,
                "author": author,
                "text": f"{note} Informert om individuell plan og koordinator.",
            }
        ],
        coordinators=[{"patient_id": "12345", "name": coordinator, "phone": "99 88 77 66", "appointed_date": INDEX}],
    )
    real = run(extract)
    for result, hidden in ((real, ()), (pseudonymize_result(real, KEY), ("12345",))):
        page = view.render_supervision(result)
        for secret in (coordinator, author, note, "99 88 77 66", "Ytre Vik", *hidden):
            assert secret not in page


def test_the_default_sample_is_reproducible_with_the_printed_command(page: str, result: AuditResult) -> None:
    expected = select_sample(result, selection.DEFAULT_SAMPLE_SIZE, selection.DEFAULT_SAMPLE_SEED, "unit")
    sample = _section(page, "stikkprove")
    listed = [_text(c) for c in re.findall(r'<td class="id">(.*?)</td>', sample, flags=re.S)]
    assert listed == expected.get_column("patient_id").to_list()
    assert len(listed) == min(30, result.cohort_size)
    command = reproduce_command(result, 30, 1, "unit")
    assert command in _text(sample)


def test_a_supplied_sample_is_listed_with_the_select_command(result: AuditResult) -> None:
    frame = select_sample(result, 7, 42, "unit")
    draw = SampleDraw(patients=frame, n=7, seed=42, stratify="unit", on_real_ids=True).pseudonymized(KEY)
    pseudo = pseudonymize_result(result, KEY)
    sample = _section(view.render_supervision(pseudo, draw), "stikkprove")
    listed = [_text(c) for c in re.findall(r'<td class="id">(.*?)</td>', sample, flags=re.S)]
    assert listed == draw.patients.get_column("patient_id").to_list() and len(listed) == 7
    assert all(p.startswith("P-") for p in listed)
    text = _text(sample)
    assert "--n 7 --seed 42 --stratify unit" in text and "--pseudonymize NØKKELFIL" in text


def test_a_sample_drawn_among_pseudonyms_says_how_to_redraw_it(result: AuditResult) -> None:
    pseudo = pseudonymize_result(result, KEY)
    draw = draw_sample(pseudo)
    assert draw is not None and not draw.on_real_ids
    sample = _text(_section(view.render_supervision(pseudo, draw), "stikkprove"))
    assert "trukket blant pseudonymene" in sample
    assert re.search(r"ipaudit audit \S+ --as-of 2025-06-30 .*--format supervision .*--pseudonymize NØKKELFIL", sample)


def test_the_failing_rules_of_each_sampled_patient_are_shown(page: str, result: AuditResult) -> None:
    sample = _section(page, "stikkprove")
    first = select_sample(result, 30, 1, "unit").get_column("patient_id")[0]
    fails = result.results.filter((pl.col("patient_id") == first) & (pl.col("status") == "fail"))
    row_start = sample.index(str(markupsafe.escape(first)))
    row = _text(sample[row_start : sample.index("</tr>", row_start)])
    for rule_id in fails.get_column("rule_id").to_list():
        assert rule_id in row


def test_an_empty_cohort_explains_how_to_draw_a_sample() -> None:
    empty = run(make_extract(assessments=[{"patient_id": "1", "assessed_date": INDEX, "need": "nei"}]))
    assert empty.cohort_size == 0
    page = view.render_supervision(empty)
    sample = _text(_section(page, "stikkprove"))
    assert "ipaudit select" in sample and "--stratify unit" in sample
    assert "Ingen funn mot krav i lov og forskrift" in _text(_section(page, "funn-lov"))


def test_a_missing_optional_table_and_rule_notes_are_named_as_limitations() -> None:
    limited = make_result(20, missing_optional=("episodes",))
    method = _text(_section(view.render_supervision(limited), "metode"))
    assert "3.8 Begrensninger" in method and "episodes (kontakter)" in method
    assert "IP05: Tabellen coordinators mangler navn" in method
