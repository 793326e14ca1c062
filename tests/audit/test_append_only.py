"""The access log cannot be changed or emptied through the application's own connection, by the
ORM, by raw SQL, or with pgtrigger's switch for ignoring triggers; and the admin offers no way
to add, change or delete an entry."""

import pghistory.models
import pgtrigger
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction

from audit.models import AccessLogEntry, Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(youth_a, counselor):
    return AccessLogEntry.objects.create(youth=youth_a, user=counselor, action=Action.VIEWED)


def refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
    return str(raised.value)


def test_raw_update_is_refused(entry):
    message = refused(
        "UPDATE audit_accesslogentry SET action = 'created' WHERE id = %s", [entry.pk]
    )

    assert "append-only" in message or "Cannot update or delete" in message
    entry.refresh_from_db()
    assert entry.action == Action.VIEWED


def test_raw_delete_is_refused(entry):
    refused("DELETE FROM audit_accesslogentry WHERE id = %s", [entry.pk])

    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_update_or_delete_either(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(path="/elsewhere/")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()

    entry.refresh_from_db()
    assert entry.path == ""


def test_ignoring_every_pgtrigger_does_not_open_the_log(entry):
    # pgtrigger.ignore() switches its own triggers off for the session; the plain trigger of
    # audit migration 0004 still refuses.
    with pgtrigger.ignore():
        message = refused("DELETE FROM audit_accesslogentry WHERE id = %s", [entry.pk])
    assert "the access log is append-only: DELETE refused" in message
    only_its_own = pgtrigger.ignore("audit.AccessLogEntry:append_only")
    with only_its_own, pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(action=Action.CHANGED)

    entry.refresh_from_db()
    assert entry.action == Action.VIEWED


def test_setting_the_ignore_variable_by_hand_does_not_open_the_log(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', "
            "'{pgtrigger_append_only_3e1fc,audit_access_log_refuse_change}', true)"
        )
        cursor.execute("UPDATE audit_accesslogentry SET path = 'x' WHERE id = %s", [entry.pk])


def test_inserting_still_works(entry, youth_a):
    AccessLogEntry.objects.create(youth=youth_a, action=Action.LISTED)

    assert AccessLogEntry.objects.count() == 2


def test_the_admin_has_no_page_for_the_log():
    assert AccessLogEntry not in admin.site._registry


def test_no_one_can_be_given_permission_to_add_change_or_delete_entries():
    codenames = set(
        Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
    )

    assert codenames == {"view_accesslogentry"}


def test_an_administrator_finds_no_admin_page_for_the_log(client_for, administrator):
    response = client_for(administrator).get("/admin/audit/accesslogentry/")

    assert response.status_code == 404


def test_history_tables_stay_append_only_too(youth_a):
    event_models = [m for m in apps.get_models() if issubclass(m, pghistory.models.Event)]
    youth_events = next(m for m in event_models if m._meta.label == "youth.YouthEvent")

    with pytest.raises(DatabaseError), transaction.atomic():
        youth_events.objects.filter(pgh_obj_id=youth_a.pk).update(legal_first_name="X")
