import pytest

from tests.youth.factories import CaseFactory, ConsentFactory


@pytest.fixture
def case_a(counselor, center_a):
    """An open case at center A, the counselor persona's."""
    return CaseFactory(center=center_a, counselor=counselor)


@pytest.fixture
def youth_a(case_a):
    return case_a.youth


@pytest.fixture
def consented_youth_a(youth_a, counselor):
    ConsentFactory(youth=youth_a, recorded_by=counselor)
    return youth_a
