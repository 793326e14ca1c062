"""The N+1 watch (tests/zeal_plugin.py) is on in every test, and only where it should be."""

import pytest
from django.urls import reverse
from zeal import NPlusOneError

from tests.youth.factories import CaseFactory
from youth.models import Case


def test_loading_a_relation_row_by_row_fails_the_test(center_a, counselor):
    CaseFactory.create_batch(3, center=center_a, counselor=counselor)
    with pytest.raises(NPlusOneError, match=r"youth\.Case\.youth"):
        [case.youth.legal_last_name for case in Case.objects.all()]


def test_the_same_relation_loaded_once_per_page_is_not_an_n_plus_one(client_for, counselor, case_a):
    client = client_for(counselor)
    for _ in range(3):  # the same view, the same lines, three requests
        assert client.get(reverse("youth:detail", args=[case_a.youth_id])).status_code == 200


def test_test_data_built_in_a_loop_is_not_watched(center_a, counselor):
    for _ in range(3):
        CaseFactory(center=center_a, counselor=counselor)
    assert Case.objects.filter(center=center_a).count() == 3
