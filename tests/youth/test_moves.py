"""Concurrent edits, transfers, reassignment, merges."""

import pytest
from django.urls import reverse

from centers.models import Role
from tests.centers.factories import staff
from tests.youth.factories import CaseFactory, CaseNoteFactory, ConsentFactory, YouthFactory
from youth.models import Case, CaseNote, Transfer, Youth

pytestmark = pytest.mark.django_db


def profile_data(youth, **changes):
    data = {
        "legal_first_name": youth.legal_first_name,
        "legal_last_name": youth.legal_last_name,
        "birth_date": youth.birth_date.isoformat(),
        "sex": youth.sex,
        "hispanic_latino": youth.hispanic_latino,
        "preferred_language": youth.preferred_language,
        "phone": youth.phone,
        "school_status": youth.school_status,
        "city": youth.city,
        "version": youth.version,
    }
    data.update(changes)
    return data


def test_a_second_save_from_an_older_copy_is_refused_and_keeps_the_input(
    client_for, counselor, supervisor, youth_a
):
    first, second = client_for(counselor), None
    url = reverse("youth:edit", args=[youth_a.pk])
    opened = profile_data(youth_a)  # both open the record at the same version
    assert first.post(url, {**opened, "phone": "3235550111"}).status_code == 302

    from django.test import Client

    from tests.accounts.factories import sign_in_fully

    second = sign_in_fully(Client(), supervisor)
    response = second.post(url, {**opened, "phone": "8185550122", "email": "new@example.org"})
    assert response.status_code == 200
    youth_a.refresh_from_db()
    assert youth_a.phone == "3235550111"
    assert youth_a.email == ""
    changed = {change.name: change for change in response.context["stale"].changed}
    assert set(changed) == {"phone"}
    assert changed["phone"].theirs == "3235550111"
    assert b'value="new@example.org"' in response.content
    # Saving again, now on the current version, goes through.
    again = second.post(url, {**opened, "phone": "8185550122", "version": youth_a.version})
    assert again.status_code == 302
    youth_a.refresh_from_db()
    assert youth_a.phone == "8185550122"


def test_a_transfer_is_requested_then_accepted_by_the_receiving_center(
    client_for, counselor, other_counselor, case_a, center_b
):
    client_for(counselor).post(
        reverse("youth:transfer_request", args=[case_a.youth_id]),
        {"to_center": center_b.pk, "reason": "Moved to South LA"},
    )
    transfer = Transfer.objects.get(case=case_a)
    assert transfer.status == "requested"
    receiving = client_for(other_counselor)
    assert receiving.get(reverse("youth:detail", args=[case_a.youth_id])).status_code == 404
    response = receiving.post(
        reverse("youth:transfer_decide", args=[transfer.pk]),
        {"decision": "accept", "counselor": other_counselor.pk},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.status, case_a.closed_reason) == ("closed", "transferred")
    new_case = Case.objects.get(youth=case_a.youth, status="open")
    assert (new_case.center, new_case.counselor) == (center_b, other_counselor)
    assert receiving.get(reverse("youth:detail", args=[case_a.youth_id])).status_code == 200
    assert (
        client_for(counselor).get(reverse("youth:detail", args=[case_a.youth_id])).status_code
        == 404
    )


def test_a_declined_transfer_leaves_the_case_and_keeps_the_history(
    client_for, counselor, other_counselor, case_a, center_b
):
    client_for(counselor).post(
        reverse("youth:transfer_request", args=[case_a.youth_id]),
        {"to_center": center_b.pk, "reason": "Closer to home"},
    )
    transfer = Transfer.objects.get()
    response = client_for(other_counselor).post(
        reverse("youth:transfer_decide", args=[transfer.pk]), {"decision": "decline"}
    )
    assert "note" in response.context["form"].errors
    client_for(other_counselor).post(
        reverse("youth:transfer_decide", args=[transfer.pk]),
        {"decision": "decline", "note": "No capacity this month"},
    )
    transfer.refresh_from_db()
    assert transfer.status == "declined"
    case_a.refresh_from_db()
    assert case_a.status == "open"
    assert transfer.events.count() == 2


def test_only_the_receiving_center_decides_a_transfer(client_for, counselor, case_a, center_b):
    client_for(counselor).post(
        reverse("youth:transfer_request", args=[case_a.youth_id]),
        {"to_center": center_b.pk, "reason": "Moved"},
    )
    transfer = Transfer.objects.get()
    assert (
        client_for(counselor).get(reverse("youth:transfer_decide", args=[transfer.pk])).status_code
        == 404
    )


def test_a_supervisor_reassigns_a_whole_caseload(client_for, supervisor, counselor, center_a):
    colleague = staff("carla.counselor", Role.COUNSELOR, "EAST")
    cases = [CaseFactory(center=center_a, counselor=counselor) for _ in range(3)]
    response = client_for(supervisor).post(
        reverse("youth:caseload_reassign", args=["EAST"]),
        {"from_counselor": counselor.pk, "to_counselor": colleague.pk},
    )
    assert response.status_code == 302
    assert {Case.objects.get(pk=case.pk).counselor for case in cases} == {colleague}


def test_a_counselor_cannot_reassign_a_caseload(client_for, counselor):
    assert (
        client_for(counselor).get(reverse("youth:caseload_reassign", args=["EAST"])).status_code
        == 403
    )


def test_a_merge_moves_everything_and_can_be_undone(client_for, supervisor, counselor, center_a):
    survivor_case = CaseFactory(center=center_a, counselor=counselor)
    duplicate = YouthFactory(lausd_id="201234X567", email="lupe@example.org")
    duplicate_case = CaseFactory(youth=duplicate, center=center_a, counselor=counselor)
    note = CaseNoteFactory(case=duplicate_case)
    consent = ConsentFactory(youth=duplicate)
    survivor = survivor_case.youth
    client = client_for(supervisor)
    response = client.post(
        reverse("youth:merge"),
        {"survivor": survivor.pk, "merged": duplicate.pk, "reason": "Same birth date and phone"},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert survivor.lausd_id == "201234X567"
    assert set(survivor.cases.values_list("pk", flat=True)) == {survivor_case.pk, duplicate_case.pk}
    assert survivor.cases.filter(status="open").count() == 1
    assert CaseNote.objects.get(pk=note.pk).case.youth_id == survivor.pk
    assert consent.pk in set(survivor.consents.values_list("pk", flat=True))
    # The merged record's address leads to the survivor.
    follow = client.get(reverse("youth:detail", args=[duplicate.pk]))
    assert follow.status_code == 302
    assert follow.url == reverse("youth:detail", args=[survivor.pk])

    merge = survivor.merges_kept.get()
    client.post(reverse("youth:merge_undo", args=[merge.pk]))
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.lausd_id == "201234X567"
    assert survivor.lausd_id is None
    assert list(duplicate.cases.values_list("pk", "status")) == [(duplicate_case.pk, "open")]
    assert list(duplicate.consents.all()) == [consent]


def test_merging_needs_a_supervisor(client_for, counselor, youth_a):
    assert client_for(counselor).get(reverse("youth:merge")).status_code == 403


def test_a_merged_record_is_left_as_a_pointer(client_for, supervisor, counselor, center_a):
    first = CaseFactory(center=center_a, counselor=counselor).youth
    second = CaseFactory(center=center_a, counselor=counselor).youth
    client_for(supervisor).post(
        reverse("youth:merge"), {"survivor": first.pk, "merged": second.pk, "reason": "Same"}
    )
    assert Youth.objects.filter(pk=second.pk).exists()
    assert list(Youth.objects.active().values_list("pk", flat=True)) == [first.pk]


def test_a_supervisor_cannot_merge_away_a_youth_served_at_another_center(
    client_for, supervisor, counselor, other_counselor, center_a, center_b
):
    ours = CaseFactory(center=center_a, counselor=counselor).youth
    theirs = CaseFactory(center=center_b, counselor=other_counselor).youth
    # A past case at center A gives no hold on a youth now served at B.
    CaseFactory(
        youth=theirs,
        center=center_a,
        counselor=counselor,
        status="closed",
        closed_on=ours.created_at.date(),
        closed_reason="moved",
    )
    response = client_for(supervisor).post(
        reverse("youth:merge"), {"survivor": ours.pk, "merged": theirs.pk, "reason": "Same"}
    )
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.merged_into is None


def test_a_transfer_of_a_case_closed_by_a_merge_is_cancelled(
    client_for, supervisor, counselor, other_counselor, center_a, center_b
):
    keep = CaseFactory(center=center_a, counselor=counselor).youth
    duplicate_case = CaseFactory(center=center_a, counselor=counselor)
    client_for(counselor).post(
        reverse("youth:transfer_request", args=[duplicate_case.youth_id]),
        {"to_center": center_b.pk, "reason": "Moved"},
    )
    client_for(supervisor).post(
        reverse("youth:merge"),
        {"survivor": keep.pk, "merged": duplicate_case.youth_id, "reason": "Same"},
    )
    transfer = Transfer.objects.get(case=duplicate_case)
    assert transfer.status == "cancelled"
    response = client_for(other_counselor).post(
        reverse("youth:transfer_decide", args=[transfer.pk]),
        {"decision": "accept", "counselor": other_counselor.pk},
    )
    assert response.status_code == 404
    assert Case.objects.filter(youth=keep, status="open").count() == 1


def test_undoing_a_merge_keeps_a_correction_made_since(client_for, supervisor, counselor, center_a):
    keep = CaseFactory(center=center_a, counselor=counselor).youth
    duplicate = CaseFactory(center=center_a, counselor=counselor).youth
    Youth.objects.filter(pk=duplicate.pk).update(email="old@example.org")
    keep.email = ""
    keep.save()
    client = client_for(supervisor)
    client.post(
        reverse("youth:merge"), {"survivor": keep.pk, "merged": duplicate.pk, "reason": "Same"}
    )
    Youth.objects.filter(pk=keep.pk).update(email="corrected@example.org")
    client.post(reverse("youth:merge_undo", args=[keep.merges_kept.get().pk]))
    keep.refresh_from_db()
    assert keep.email == "corrected@example.org"
