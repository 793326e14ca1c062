"""Merging two records of one person, and undoing it.

The survivor takes the merged record's cases (with their notes, follow-ups and transfers) and
consents; blank profile fields of the survivor are filled from the merged record. The merged
record stays as a pointer to the survivor. What moved is written down, so undo puts it back.
Apps that add youth-linked rows (referrals, assessments) add their model to MOVED_WITH_YOUTH.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_record
from centers.access import staff_access
from referrals.models import Referral

from .choices import CaseStatus, ClosedReason, TransferStatus
from .models import Assessment, Case, Consent, Transfer, Youth, YouthMerge
from .services import YOUTH_PROFILE_FIELDS

# (model, name of its foreign key to Youth)
MOVED_WITH_YOUTH = [
    (Case, "youth"),
    (Consent, "youth"),
    (Assessment, "youth"),
    (Referral, "youth"),
]
# The district snapshot moves only when the survivor has none of its own.
SIS_ROWS = ("SisLink", "AcademicTerm", "TranscriptCourse", "Enrollment")


def _label(model) -> str:
    return model._meta.label_lower


def _sis_models():
    return [apps.get_model("sis_bridge", name) for name in SIS_ROWS]


def _check_supervises(user, *youth: Youth) -> None:
    """Each record's current case (its open one, else its latest) must be at a center the user
    supervises: a past case here gives no hold on a youth served elsewhere now."""
    supervised = staff_access(user).supervised_center_ids
    # One query for every record: "open" sorts after "closed", so descending puts each
    # record's open case first.
    current = {
        case.youth_id: case
        for case in Case.objects.filter(youth__in=youth)
        .order_by("youth_id", "-status", "-intake_date", "-pk")
        .distinct("youth_id")
    }
    for record in youth:
        case = current.get(record.pk)
        if case is None or case.center_id not in supervised:
            raise ValidationError(_("You can merge only records of centers you supervise."))


def merged_record_ids(survivor_pk: int) -> list[int]:
    """The records merged into this one, directly or through a record merged into it (one
    query, any depth): the same person, whose access log and history belong with this one."""
    table = connection.ops.quote_name(Youth._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE absorbed(id) AS (
                SELECT id FROM {table} WHERE merged_into_id = %s
                UNION SELECT record.id FROM {table} AS record
                JOIN absorbed ON record.merged_into_id = absorbed.id
            )
            SELECT id FROM absorbed ORDER BY id
            """,  # noqa: S608 - only the table name, quoted, goes into the text
            [survivor_pk],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _check_not_archived(*youth: Youth) -> None:
    # An archived record keeps no personal fields: merging would bring some back onto it, and
    # undoing would hand cases back to a record that no longer says whose they are.
    if any(record.archived_at for record in youth):
        raise ValidationError(_("An archived record cannot be merged or unmerged."))


def _locked(*pks: int) -> dict[int, Youth]:
    # Always lock in the same order, so two opposite merges at once cannot deadlock.
    return {y.pk: y for y in Youth.objects.select_for_update().filter(pk__in=pks).order_by("pk")}


@transaction.atomic
def youth_merge(*, request, survivor: Youth, merged: Youth, reason: str) -> YouthMerge:
    if survivor.pk == merged.pk:
        raise ValidationError(_("Choose two different records."))
    rows = _locked(survivor.pk, merged.pk)
    survivor, merged = rows[survivor.pk], rows[merged.pk]
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    _check_not_archived(survivor, merged)
    _check_supervises(request.user, survivor, merged)

    moved: dict = {"closed_case": None, "filled": {}, "sis": False}
    open_cases = Case.objects.filter(youth__in=[survivor, merged], status=CaseStatus.OPEN)
    if open_cases.count() == 2:
        # One open case per youth: the duplicate's open case closes, and so does any transfer
        # it was waiting on.
        duplicate_case = open_cases.get(youth=merged)
        duplicate_case.status = CaseStatus.CLOSED
        duplicate_case.closed_on = timezone.localdate()
        duplicate_case.closed_reason = ClosedReason.MERGED
        duplicate_case.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
        Transfer.objects.filter(case=duplicate_case, status=TransferStatus.REQUESTED).update(
            status=TransferStatus.CANCELLED, decided_by=request.user, decided_at=timezone.now()
        )
        moved["closed_case"] = duplicate_case.pk
    for model, field in MOVED_WITH_YOUTH:
        rows_of_merged = model.objects.filter(**{field: merged})
        moved[_label(model)] = list(rows_of_merged.values_list("pk", flat=True))
        rows_of_merged.update(**{field: survivor})
    sis_link = _sis_models()[0]
    if not sis_link.objects.filter(youth=survivor).exists():
        for model in _sis_models():
            moved["sis"] |= bool(model.objects.filter(youth=merged).update(youth=survivor))

    for name in YOUTH_PROFILE_FIELDS:
        value = getattr(merged, name)
        if value not in (None, "", []) and getattr(survivor, name) in (None, "", []):
            moved["filled"][name] = value.isoformat() if hasattr(value, "isoformat") else value
            setattr(survivor, name, value)
    if "lausd_id" in moved["filled"]:
        # The ID is unique: it leaves the merged record before the survivor takes it.
        Youth.objects.filter(pk=merged.pk).update(lausd_id=None)
    Youth.objects.filter(pk=merged.pk).update(merged_into=survivor, updated_at=timezone.now())
    survivor.version += 1
    survivor.save()

    merge = YouthMerge.objects.create(
        survivor=survivor, merged=merged, performed_by=request.user, reason=reason, moved=moved
    )
    for record in (survivor, merged):
        access_record(
            request=request, action=Action.MERGED, youth=record, detail={"merge": merge.pk}
        )
    return merge


@transaction.atomic
def youth_merge_undo(*, request, merge: YouthMerge) -> YouthMerge:
    merge = YouthMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError(_("This merge was already undone."))
    rows = _locked(merge.survivor_id, merge.merged_id)
    survivor, merged = rows[merge.survivor_id], rows[merge.merged_id]
    _check_not_archived(survivor, merged)
    _check_supervises(request.user, survivor)

    for model, field in MOVED_WITH_YOUTH:
        model.objects.filter(pk__in=merge.moved.get(_label(model), [])).update(**{field: merged})
    if merge.moved.get("sis"):
        for model in _sis_models():
            model.objects.filter(youth=survivor).update(youth=merged)
    restored_lausd_id = None
    for name, filled in merge.moved.get("filled", {}).items():
        current = getattr(survivor, name)
        current = current.isoformat() if hasattr(current, "isoformat") else current
        if current != filled:
            continue  # corrected since the merge: the correction stays
        if name == "lausd_id":
            restored_lausd_id = survivor.lausd_id
            survivor.lausd_id = None
        else:
            setattr(survivor, name, Youth._meta.get_field(name).get_default())
    survivor.version += 1
    survivor.save()
    merged.merged_into = None
    if restored_lausd_id:
        merged.lausd_id = restored_lausd_id
    merged.version += 1
    merged.save()
    if merge.moved.get("closed_case"):
        Case.objects.filter(
            pk=merge.moved["closed_case"], closed_reason=ClosedReason.MERGED
        ).update(
            status=CaseStatus.OPEN, closed_on=None, closed_reason="", updated_at=timezone.now()
        )
    merge.undone_at, merge.undone_by = timezone.now(), request.user
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    for record in (survivor, merged):
        access_record(
            request=request, action=Action.UNMERGED, youth=record, detail={"merge": merge.pk}
        )
    return merge
