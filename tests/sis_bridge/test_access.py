"""The youth page answers "reads district records" and "may change" from the cases it has
loaded; those answers must be the ones the access functions give by asking the database."""

import pytest
from zeal import zeal_ignore

from sis_bridge.access import open_case_access, reads_district_records
from tests.centers.factories import staff
from tests.youth.factories import CaseFactory
from youth.access import can_change
from youth.selectors import youth_page

PERSONAS = ["counselor", "readonly_colleague", "other_counselor", "supervisor"]


@pytest.fixture
def records(centers, counselor):
    open_at_a = CaseFactory(center=centers["EAST"], counselor=counselor).youth
    closed_at_a = CaseFactory(
        center=centers["EAST"],
        counselor=counselor,
        status="closed",
        closed_on="2026-01-05",
        closed_reason="moved",
    ).youth
    moved = CaseFactory(
        center=centers["EAST"],
        counselor=counselor,
        status="closed",
        closed_on="2026-02-01",
        closed_reason="transferred",
    ).youth
    CaseFactory(youth=moved, center=centers["CRENS"])
    return [open_at_a, closed_at_a, moved]


@pytest.mark.parametrize("persona", [*PERSONAS, "district_supervisor"])
def test_the_answers_from_loaded_cases_are_the_access_functions_answers(
    request, persona, records, centers
):
    if persona == "district_supervisor":
        user = staff("dee.district", "supervisor", "EAST", "CRENS", reads_district_records=True)
    else:
        user = request.getfixturevalue(persona)
    # One page after another is this test's loop, not an N+1 of the application.
    with zeal_ignore():
        for youth in records:
            cases = youth_page(youth, user)["cases"]
            assert open_case_access(user, cases) == (
                reads_district_records(user, youth),
                can_change(user, youth),
            )
