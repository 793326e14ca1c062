"""Merging two records of one person, and undoing it.

The survivor takes the merged record's cases (with their notes, follow-ups and transfers) and
consents; blank profile fields of the survivor are filled from the merged record. The merged
record stays as a pointer to the survivor. What moved is written down, so undo puts it back.
Apps that add youth-linked rows (referrals, assessments) add their model to MOVED_WITH_YOUTH.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_record
from centers.access import staff_access

from .choices import CaseStatus, ClosedReason
from .models import Case, Consent, Youth, YouthMerge
from .services import YOUTH_PROFILE_FIELDS

# (model, name of its foreign key to Youth)
MOVED_WITH_YOUTH = [(Case, "youth"), (Consent, "youth")]


def _label(model) -> str:
    return model._meta.label_lower


def _check_supervises(user, *youth: Youth) -> None:
    supervised = staff_access(user).supervised_center_ids
    for record in youth:
        if not record.cases.filter(center_id__in=supervised).exists():
            raise ValidationError(_("You can merge only records of centers you supervise."))


@transaction.atomic
def youth_merge(*, request, survivor: Youth, merged: Youth, reason: str) -> YouthMerge:
    survivor, merged = (
        Youth.objects.select_for_update().get(pk=pk) for pk in (survivor.pk, merged.pk)
    )
    if survivor.pk == merged.pk:
        raise ValidationError(_("Choose two different records."))
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    _check_supervises(request.user, survivor, merged)

    moved: dict = {"closed_case": None, "filled": {}}
    open_cases = Case.objects.filter(youth__in=[survivor, merged], status=CaseStatus.OPEN)
    if open_cases.count() == 2:
        # One open case per youth: the duplicate's open case closes.
        duplicate_case = open_cases.get(youth=merged)
        duplicate_case.status = CaseStatus.CLOSED
        duplicate_case.closed_on = timezone.localdate()
        duplicate_case.closed_reason = ClosedReason.MERGED
        duplicate_case.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
        moved["closed_case"] = duplicate_case.pk
    for model, field in MOVED_WITH_YOUTH:
        rows = model.objects.filter(**{field: merged})
        moved[_label(model)] = list(rows.values_list("pk", flat=True))
        rows.update(**{field: survivor})

    for name in YOUTH_PROFILE_FIELDS:
        if getattr(merged, name) not in (None, "", []) and getattr(survivor, name) in (
            None,
            "",
            [],
        ):
            moved["filled"][name] = True
            setattr(survivor, name, getattr(merged, name))
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
    survivor = Youth.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Youth.objects.select_for_update().get(pk=merge.merged_id)
    _check_supervises(request.user, survivor)

    for model, field in MOVED_WITH_YOUTH:
        model.objects.filter(pk__in=merge.moved.get(_label(model), [])).update(**{field: merged})
    restored_lausd_id = None
    for name in merge.moved.get("filled", {}):
        if name == "lausd_id":
            restored_lausd_id = survivor.lausd_id
        setattr(survivor, name, Youth._meta.get_field(name).get_default())
    if "lausd_id" in merge.moved.get("filled", {}):
        survivor.lausd_id = None
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
