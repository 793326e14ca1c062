import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Center
from reengage.models import TimeStampedModel

from ..choices import (
    CONTACT_KINDS,
    Barrier,
    CaseStatus,
    ClosedReason,
    Language,
    NoteKind,
    OutreachSource,
    Race,
    SchoolStatus,
    Sex,
    SignerRole,
    TransferStatus,
    YesNoUndisclosed,
)
from ..names import digits, fold
from ..validators import validate_lausd_id, validate_phone, validate_zip


# Every change to youth-linked rows is kept by database triggers (django-pghistory), so bulk and
# raw writes are caught too; the event tables refuse updates and deletes.
def track(model):
    # Trackers are built per model: an UpdateEvent's condition binds to the model's fields.
    trackers = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    return pghistory.track(*trackers, append_only=True)(model)


# The fields of a youth's profile: what intake and editing ask for, what a stale save
# compares, and what a merge fills in.
PROFILE_FIELDS = (
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "birth_date",
    "sex",
    "gender_identity",
    "hispanic_latino",
    "races",
    "preferred_language",
    "phone",
    "email",
    "street_address",
    "city",
    "zip_code",
    "lausd_id",
    "school_status",
    "last_school_attended",
    "highest_grade_completed",
    "barriers",
    "outreach_source",
)


class YouthQuerySet(models.QuerySet):
    def active(self):
        """Records that have not been merged into another nor archived (youth.retention)."""
        return self.filter(merged_into__isnull=True, archived_at__isnull=True)


@track
class Youth(TimeStampedModel):
    """A young person: one record across all centers. No SSN is collected."""

    legal_first_name = models.CharField(_("legal first name"), max_length=80)
    legal_middle_name = models.CharField(_("middle name"), max_length=80, blank=True)
    legal_last_name = models.CharField(
        _("legal last name(s)"), max_length=120, help_text=_("Both surnames if they use two")
    )
    preferred_name = models.CharField(_("preferred name"), max_length=80, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=20, choices=Sex)
    gender_identity = models.CharField(_("gender identity"), max_length=60, blank=True)
    hispanic_latino = models.CharField(
        _("Hispanic or Latino"),
        max_length=20,
        choices=YesNoUndisclosed,
        default=YesNoUndisclosed.NOT_DISCLOSED,
    )
    races = ArrayField(
        models.CharField(max_length=20, choices=Race),
        default=list,
        blank=True,
        verbose_name=_("race"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language, default=Language.ENGLISH
    )
    phone = models.CharField(_("phone"), max_length=10, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True, default="Los Angeles")
    zip_code = models.CharField(_("ZIP code"), max_length=5, blank=True, validators=[validate_zip])
    lausd_id = models.CharField(
        _("LAUSD student ID"),
        max_length=10,
        blank=True,
        null=True,
        unique=True,
        validators=[validate_lausd_id],
        help_text=_("Ten characters: six digits, a letter, three digits (e.g. 201234X567)"),
    )
    school_status = models.CharField(_("school status"), max_length=20, choices=SchoolStatus)
    last_school_attended = models.CharField(_("last school attended"), max_length=120, blank=True)
    highest_grade_completed = models.PositiveSmallIntegerField(
        _("highest grade completed"), null=True, blank=True
    )
    barriers = ArrayField(
        models.CharField(max_length=30, choices=Barrier),
        default=list,
        blank=True,
        verbose_name=_("barriers"),
    )
    outreach_source = models.CharField(
        _("how they heard of the center"), max_length=20, choices=OutreachSource, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    # Set by the retention job (youth.retention): the personal fields were removed, what the
    # reports count was kept.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    # Raised by every change, so a save based on an older copy is refused (see services).
    version = models.PositiveIntegerField(default=1)
    # Folded names for search and duplicate checks, kept in step by save().
    search_first = models.CharField(max_length=80, editable=False, default="")
    search_last = models.CharField(max_length=120, editable=False, default="")

    objects = YouthQuerySet.as_manager()

    class Meta:
        verbose_name = _("youth")
        verbose_name_plural = _("youth")
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            GinIndex(
                name="youth_search_last_trgm",
                fields=["search_last"],
                opclasses=["gin_trgm_ops"],
            ),
            GinIndex(
                name="youth_search_first_trgm",
                fields=["search_first"],
                opclasses=["gin_trgm_ops"],
            ),
            models.Index(fields=["birth_date"], name="youth_birth_date"),
            models.Index(fields=["phone"], name="youth_phone"),
            # The caseload's default order: its first page walks this index and stops after 25
            # rows instead of sorting every case of the center (bench/RESULTS.md).
            models.Index(fields=["search_last", "search_first"], name="youth_name_order"),
            GinIndex(fields=["barriers"], name="youth_barriers"),
            # The caseload's counts by school status and age read the matching ids from the
            # index alone, instead of visiting every page of the table.
            models.Index(
                fields=["school_status", "birth_date"], include=["id"], name="youth_status_birth"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="youth_not_merged_into_itself", condition=~Q(merged_into=models.F("pk"))
            ),
            models.CheckConstraint(
                name="youth_grade_0_to_12", condition=Q(highest_grade_completed__lte=12)
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_first = fold(f"{self.legal_first_name} {self.preferred_name}")
        self.search_last = fold(self.legal_last_name)
        self.phone = digits(self.phone)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_first", "search_last"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.archived_at:
            return _("Archived record %(number)s") % {"number": self.pk}
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    def barrier_labels(self) -> list[str]:
        return [str(Barrier(value).label) for value in self.barriers]

    def age_on(self, day) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


@track
class Case(TimeStampedModel):
    """An intake at a center: the youth's case there, from the first visit until closed."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="cases")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="cases")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("counselor"),
    )
    intake_date = models.DateField(_("intake date"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus, default=CaseStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(
        _("reason closed"), max_length=20, choices=ClosedReason, blank=True
    )
    closed_note = models.TextField(_("closing note"), blank=True, max_length=2000)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-intake_date"]
        indexes = [
            models.Index(fields=["center", "status"], name="case_center_status"),
            models.Index(fields=["counselor", "status"], name="case_counselor_status"),
            # The caseload by last contact walks this index and stops after a page; its counts
            # (days without contact, school status, age) read no case rows.
            models.Index(
                fields=["center", "status", "last_contact_on"],
                include=["youth", "intake_date"],
                name="case_center_status_contact",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                name="one_open_case_per_youth",
                fields=["youth"],
                condition=Q(status="open"),
                violation_error_message=_("This youth already has an open case."),
            ),
            models.CheckConstraint(
                name="closed_case_has_reason_and_date",
                condition=Q(status="open", closed_on__isnull=True)
                | (Q(status="closed", closed_on__isnull=False) & ~Q(closed_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.center.code} {self.intake_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


@track
class Consent(TimeStampedModel):
    """A signed FERPA release: who signed, what it covers, until when."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="consents")
    signer_name = models.CharField(_("signed by"), max_length=160)
    signer_role = models.CharField(_("signer is"), max_length=10, choices=SignerRole)
    signed_on = models.DateField(_("date signed"))
    covers_school_records = models.BooleanField(
        _("school records"), default=False, help_text=_("LAUSD may disclose education records")
    )
    covers_wioa_sharing = models.BooleanField(
        _("WIOA data sharing"),
        default=False,
        help_text=_("Records may be shared with the City and WIOA youth providers"),
    )
    covers_text_contact = models.BooleanField(_("contact by text message"), default=False)
    recipients = models.CharField(
        _("recipients named"),
        max_length=300,
        blank=True,
        default="LAUSD; City of Los Angeles (CDD); YouthSource center operator",
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_note = models.CharField(_("withdrawal note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="consent_expires_after_signing",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("signed_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_signer_role_display()} {self.signed_on:%Y-%m-%d}"

    def is_in_force(self, day=None) -> bool:
        day = day or timezone.localdate()
        if self.withdrawn_on and self.withdrawn_on <= day:
            return False
        return self.signed_on <= day and (self.expires_on is None or day <= self.expires_on)


@track
class CaseNote(TimeStampedModel):
    """A contact or attempt, written by a counselor. Never deleted; its author may correct it
    for a short while (services.NOTE_EDIT_WINDOW)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind)
    contact_on = models.DateField(_("date"), default=timezone.localdate)
    body = models.TextField(_("note"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-contact_on", "-created_at"]
        indexes = [
            # "Youth reached" asks, for every case at the centers, whether it has a contact in
            # the period: answered from this index alone (at LA scale, 800 ms to 270 ms).
            models.Index(
                fields=["case", "contact_on"],
                name="casenote_contacts",
                condition=Q(kind__in=CONTACT_KINDS),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.contact_on:%Y-%m-%d}"

    @property
    def was_corrected(self) -> bool:
        return self.updated_at - self.created_at > datetime.timedelta(seconds=1)


@track
class FollowUp(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField(_("due"))
    description = models.CharField(_("what to do"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="followup_due")]

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d} {self.description[:40]}"

    def is_overdue(self, day=None) -> bool:
        return self.done_at is None and self.due_on < (day or timezone.localdate())


@track
class Transfer(TimeStampedModel):
    """A request to move an open case to another center, which accepts or declines it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    from_center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    to_center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("to center")
    )
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus, default=TransferStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    new_case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="transferred_from"
    )

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                name="one_pending_transfer_per_case",
                fields=["case"],
                condition=Q(status="requested"),
                violation_error_message=_("This case already has a transfer waiting."),
            ),
            models.CheckConstraint(
                name="transfer_to_another_center", condition=~Q(to_center=models.F("from_center"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_center.code} → {self.to_center.code} ({self.status})"


@track
class YouthMerge(TimeStampedModel):
    """Two records found to be one person: what moved to the survivor, so it can be undone."""

    survivor = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="merges_absorbed")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("why these are one person"), max_length=500)
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="merge_two_different_records", condition=~Q(survivor=models.F("merged"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
