"""Writing the access log in bulk."""

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from audit.services import access_record_each
from tests.youth.factories import YouthFactory


@pytest.mark.django_db
def test_each_youth_gets_its_own_entry_and_detail_in_one_statement(django_assert_num_queries):
    first, second = YouthFactory(), YouthFactory()
    before = timezone.now()
    with django_assert_num_queries(1):
        access_record_each(
            user=None,
            action=Action.SIS_PULLED,
            entries=[(first.pk, {"records": {"students": 1}}), (second.pk, {"sync_run": 7})],
        )
    entries = {e.youth_id: e for e in AccessLogEntry.objects.filter(action=Action.SIS_PULLED)}
    assert entries[first.pk].detail == {"records": {"students": 1}}
    assert entries[second.pk].detail == {"sync_run": 7}
    for entry in entries.values():
        assert (entry.user, entry.path, entry.ip_address) == (None, "", None)
        assert before <= entry.at <= timezone.now()


@pytest.mark.django_db
def test_nothing_to_record_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        access_record_each(user=None, action=Action.SIS_PULLED, entries=[])
