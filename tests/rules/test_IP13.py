"""IP13 — information about barnekoordinator for children under 18 on the index date, from 01.08.2022.

Named edge cases of spec/rules.md, each with the status, due date and evidence it must give.
"""

from __future__ import annotations

import pytest

from tests.builders import INDEX, WANTS, Case, check_case, d, days

BARNEKOORDINATOR = "Foreldrene er informert om barnekoordinator."
CHILD = d("2015-06-01")

CASES = [
    Case(
        "IP13 child informed in a journal note",
        "IP13",
        "pass",
        [{"doc_date": days(3), "text": BARNEKOORDINATOR}],
        birth_date=CHILD,
        message="Informasjon om barnekoordinator dokumentert",
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP13 nynorsk: orientert om ein barnekoordinator",
        "IP13",
        "pass",
        [{"doc_date": days(3), "text": "Foreldra er orientert om retten til ein barnekoordinator."}],
        birth_date=CHILD,
        due_date=days(14),
        evidence=["D0"],
    ),
    Case(
        "IP13 negated in the same clause",
        "IP13",
        "fail",
        [{"doc_date": days(3), "text": "Foreldrene er ikke informert om barnekoordinator."}],
        birth_date=CHILD,
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP13 information about IP alone is not about barnekoordinator",
        "IP13",
        "fail",
        [{"doc_type": "INFO_IP", "doc_date": days(3), "text": "Informert om individuell plan."}],
        birth_date=CHILD,
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP13 child, nothing yet, on the due date",
        "IP13",
        "pending",
        birth_date=CHILD,
        as_of=days(14),
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP13 child, nothing, the day after the due date",
        "IP13",
        "fail",
        birth_date=CHILD,
        as_of=days(15),
        message="Ingen dokumentert informasjon om barnekoordinator",
        due_date=days(14),
        evidence=[],
    ),
    # Age on the index date (INDEX = 2025-03-03).
    Case(
        "IP13 index date the day before the 18th birthday",
        "IP13",
        "fail",
        birth_date=d("2007-03-04"),
        due_date=days(14),
        evidence=[],
    ),
    Case(
        "IP13 index date on the 18th birthday is not under 18",
        "IP13",
        "not_applicable",
        birth_date=d("2007-03-03"),
        message="Pasienten er over 18 år.",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP13 adult",
        "IP13",
        "not_applicable",
        birth_date=d("1980-01-01"),
        message="Pasienten er over 18 år.",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP13 unknown birth date", "IP13", "not_applicable", message="Fødselsdato mangler.", due_date=None, evidence=[]
    ),
    # 29 February: the 18th birthday in a non-leap year is 1 March.
    Case(
        "IP13 born 29.02.2008, index 28.02.2026: still under 18",
        "IP13",
        "fail",
        assessments=[{**WANTS, "assessed_date": d("2026-02-28")}],
        birth_date=d("2008-02-29"),
        as_of=d("2026-06-30"),
        due_date=d("2026-03-14"),
        evidence=[],
    ),
    Case(
        "IP13 born 29.02.2008, index 01.03.2026: the 18th birthday",
        "IP13",
        "not_applicable",
        assessments=[{**WANTS, "assessed_date": d("2026-03-01")}],
        birth_date=d("2008-02-29"),
        as_of=d("2026-06-30"),
        message="Pasienten er over 18 år.",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP13 born 29.02.2004, index 28.02.2022 (a non-leap year too): under 18, but before 01.08.2022",
        "IP13",
        "not_applicable",
        assessments=[{**WANTS, "assessed_date": d("2022-02-28")}],
        birth_date=d("2004-02-29"),
        as_of=d("2022-12-31"),
        message="Kravet gjelder fra 01.08.2022.",
        due_date=None,
        evidence=[],
    ),
    # In force from 2022-08-01.
    Case(
        "IP13 index date 31.07.2022: not yet in force",
        "IP13",
        "not_applicable",
        [{"doc_date": d("2022-07-31"), "text": BARNEKOORDINATOR}],
        assessments=[{**WANTS, "assessed_date": d("2022-07-31")}],
        birth_date=CHILD,
        as_of=d("2022-12-31"),
        message="Kravet gjelder fra 01.08.2022.",
        due_date=None,
        evidence=[],
    ),
    Case(
        "IP13 index date 01.08.2022: in force",
        "IP13",
        "fail",
        assessments=[{**WANTS, "assessed_date": d("2022-08-01")}],
        birth_date=CHILD,
        as_of=d("2022-12-31"),
        due_date=d("2022-08-15"),
        evidence=[],
    ),
    Case(
        "IP13 child whose index date is before the in-force date: in-force message before age",
        "IP13",
        "not_applicable",
        assessments=[{**WANTS, "assessed_date": d("2021-01-04")}],
        birth_date=CHILD,
        as_of=d("2021-12-31"),
        message="Kravet gjelder fra 01.08.2022.",
        due_date=None,
        evidence=[],
    ),
]

assert INDEX == d("2025-03-03")  # the age cases above count from it


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_IP13(case: Case) -> None:
    check_case(case)
