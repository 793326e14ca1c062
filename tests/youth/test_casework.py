import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.youth.factories import CaseNoteFactory, FollowUpFactory
from youth.models import CaseNote, Consent, FollowUp

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_a_note_is_added_and_moves_the_last_contact(client_for, counselor, case_a):
    response = client_for(counselor).post(
        reverse("youth:note_add", args=[case_a.youth_id]),
        {"kind": "phone", "contact_on": TODAY.isoformat(), "body": "Called about orientation."},
    )
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case_a)
    assert note.author == counselor
    case_a.refresh_from_db()
    assert case_a.last_contact_on == TODAY


def test_an_unanswered_attempt_is_not_a_contact(client_for, counselor, case_a):
    client_for(counselor).post(
        reverse("youth:note_add", args=[case_a.youth_id]),
        {"kind": "contact_attempt", "contact_on": TODAY.isoformat(), "body": "No answer."},
    )
    case_a.refresh_from_db()
    assert case_a.last_contact_on is None


def test_a_note_dated_in_the_future_is_refused(client_for, counselor, case_a):
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client_for(counselor).post(
        reverse("youth:note_add", args=[case_a.youth_id]),
        {"kind": "phone", "contact_on": tomorrow.isoformat(), "body": "Typed ahead."},
    )
    assert response.status_code == 200
    assert b"Typed ahead." in response.content
    assert not CaseNote.objects.exists()


def test_the_author_may_correct_a_note_shortly_after(client_for, counselor, case_a):
    note = CaseNoteFactory(case=case_a, author=counselor)
    url = reverse("youth:note_edit", args=[case_a.youth_id, note.pk])
    response = client_for(counselor).post(url, {"body": "Corrected text."})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "Corrected text."


def test_a_note_cannot_be_corrected_after_15_minutes(client_for, counselor, case_a):
    note = CaseNoteFactory(case=case_a, author=counselor)
    CaseNote.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    client_for(counselor).post(
        reverse("youth:note_edit", args=[case_a.youth_id, note.pk]), {"body": "Too late."}
    )
    note.refresh_from_db()
    assert note.body == "Met at the center."


def test_only_the_author_may_correct_a_note(client_for, supervisor, case_a):
    note = CaseNoteFactory(case=case_a)
    client_for(supervisor).post(
        reverse("youth:note_edit", args=[case_a.youth_id, note.pk]), {"body": "Not mine."}
    )
    note.refresh_from_db()
    assert note.body == "Met at the center."


def test_a_follow_up_is_scheduled_and_marked_done_once(client_for, counselor, case_a):
    client = client_for(counselor)
    client.post(
        reverse("youth:follow_up_add", args=[case_a.youth_id]),
        {
            "due_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "description": "Call about the interview",
            "assignee": counselor.pk,
        },
    )
    follow_up = FollowUp.objects.get(case=case_a)
    url = reverse("youth:follow_up_done", args=[case_a.youth_id, follow_up.pk])
    client.post(url)
    follow_up.refresh_from_db()
    first_done_at = follow_up.done_at
    assert first_done_at is not None
    client.post(url)
    follow_up.refresh_from_db()
    assert follow_up.done_at == first_done_at


def test_the_overdue_view_lists_past_due_follow_ups(client_for, counselor, case_a):
    late = FollowUpFactory(case=case_a, due_on=TODAY - datetime.timedelta(days=2))
    FollowUpFactory(case=case_a, due_on=TODAY + datetime.timedelta(days=2))
    response = client_for(counselor).get(reverse("youth:overdue"))
    assert list(response.context["follow_ups"]) == [late]


def test_a_consent_for_a_minor_must_be_signed_by_a_parent(client_for, counselor, case_a):
    youth = case_a.youth
    youth.birth_date = TODAY.replace(year=TODAY.year - 16)
    youth.save()
    data = {
        "signer_name": "Ana",
        "signer_role": "youth",
        "signed_on": TODAY.isoformat(),
        "covers_school_records": "on",
        "recipients": "LAUSD",
    }
    response = client_for(counselor).post(reverse("youth:consent_add", args=[youth.pk]), data)
    assert "signer_role" in response.context["form"].errors
    assert not Consent.objects.exists()
    response = client_for(counselor).post(
        reverse("youth:consent_add", args=[youth.pk]), {**data, "signer_role": "parent"}
    )
    assert response.status_code == 302


def test_the_record_shows_whether_education_records_may_be_pulled(
    client_for, counselor, consented_youth_a
):
    client = client_for(counselor)
    url = reverse("youth:detail", args=[consented_youth_a.pk])
    assert client.get(url).context["records_allowed"] is True
    consent = consented_youth_a.consents.get()
    client.post(
        reverse("youth:consent_withdraw", args=[consented_youth_a.pk, consent.pk]),
        {"withdrawn_on": TODAY.isoformat(), "note": "Asked to stop."},
    )
    assert client.get(url).context["records_allowed"] is False
