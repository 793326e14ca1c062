"""The programs directory (high-school completion options and WIOA youth services) and the
referrals counselors make to them, with the history of every status change."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Center
from reengage.models import TimeStampedModel
from youth.models import Case, Youth


class ProgramKind(models.TextChoices):
    """What enrolling in a program counts as. Declared in the order options are listed."""

    SCHOOL = "school", _("High-school completion: return to school")
    EQUIVALENCY = "equivalency", _("High-school equivalency or proficiency exam")
    WIOA = "wioa", _("WIOA youth program or service")
    OTHER = "other", _("Training or postsecondary")


# Enrolling in a program of these kinds is what the grant counts as "returned to school" and
# "enrolled in the WIOA youth program" (DESIGN.md section 2, first program year figures).
RETURN_TO_SCHOOL_KINDS = frozenset({ProgramKind.SCHOOL})
WIOA_KINDS = frozenset({ProgramKind.WIOA})


class WioaElement(models.TextChoices):
    """The 14 WIOA youth program elements (20 CFR 681.460)."""

    TUTORING = "tutoring", _("Tutoring, study skills and dropout recovery")
    ALTERNATIVE_SCHOOL = "alternative_school", _("Alternative secondary school")
    WORK_EXPERIENCE = "work_experience", _("Paid and unpaid work experience")
    OCCUPATIONAL_TRAINING = "occupational_training", _("Occupational skills training")
    CONCURRENT_EDUCATION = (
        "concurrent_education",
        _("Education concurrent with workforce preparation"),
    )
    LEADERSHIP = "leadership", _("Leadership development")
    SUPPORTIVE_SERVICES = "supportive_services", _("Supportive services")
    MENTORING = "mentoring", _("Adult mentoring")
    COUNSELING = "counseling", _("Comprehensive guidance and counseling")
    FINANCIAL_LITERACY = "financial_literacy", _("Financial literacy")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurial skills training")
    CAREER_AWARENESS = "career_awareness", _("Labor market and career awareness")
    POSTSECONDARY_TRANSITION = "postsecondary_transition", _("Postsecondary transition")
    FOLLOW_UP = "follow_up", _("Follow-up services")


class ProgramQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def offered_at(self, center: Center):
        """Programs open to youth of the center: those restricted to it, and those with no
        restriction."""
        return self.filter(Q(centers=center) | Q(centers__isnull=True)).distinct()


class Program(TimeStampedModel):
    """A place a counselor can refer a youth to, with its entry rules. Administrators keep the
    directory; a program is retired (is_active off), never deleted, once referred to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=ProgramKind)
    wioa_element = models.CharField(
        _("WIOA program element"), max_length=30, choices=WioaElement, blank=True
    )
    provider = models.CharField(_("provider"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    centers = models.ManyToManyField(
        Center,
        blank=True,
        related_name="programs",
        verbose_name=_("centers served"),
        help_text=_("Leave empty when the program serves youth of every center"),
    )
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_credits = models.PositiveSmallIntegerField(
        _("minimum credits"), null=True, blank=True, help_text=_("LAUSD credits earned")
    )
    max_credits = models.PositiveSmallIntegerField(
        _("maximum credits"), null=True, blank=True, help_text=_("LAUSD credits earned")
    )
    conditions = models.TextField(
        _("other conditions"),
        blank=True,
        max_length=2000,
        help_text=_("Entry rules the application cannot check, for the counselor to confirm"),
    )
    external = models.BooleanField(
        _("outside the center"),
        default=False,
        help_text=_(
            "The youth's record goes to an organisation other than LAUSD and the youth's "
            "center, so a referral needs a consent covering WIOA data sharing"
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="program_age_range_in_order",
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                violation_error_message=_("The minimum age is above the maximum age."),
            ),
            models.CheckConstraint(
                name="program_credit_range_in_order",
                condition=Q(min_credits__isnull=True)
                | Q(max_credits__isnull=True)
                | Q(min_credits__lte=F("max_credits")),
                violation_error_message=_("The minimum credits are above the maximum credits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def counts_as_return_to_school(self) -> bool:
        return self.kind in RETURN_TO_SCHOOL_KINDS

    @property
    def counts_as_wioa_enrollment(self) -> bool:
        return self.kind in WIOA_KINDS


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    EXITED = "exited", _("Exited")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The one table of allowed moves; referrals.services refuses anything else. A referral is
# withdrawn only before enrollment; after it, the youth completes or exits the program.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    ReferralStatus.DRAFT: frozenset({ReferralStatus.SENT, ReferralStatus.WITHDRAWN}),
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}
    ),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.ENROLLED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.ENROLLED: frozenset({ReferralStatus.COMPLETED, ReferralStatus.EXITED}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
    ReferralStatus.EXITED: frozenset(),
    ReferralStatus.WITHDRAWN: frozenset(),
}

# Statuses reached only through enrollment: the youth did enroll in the program.
ENROLLED_STATUSES = frozenset(
    {ReferralStatus.ENROLLED, ReferralStatus.COMPLETED, ReferralStatus.EXITED}
)
STATUSES_NEEDING_REASON = frozenset(
    {ReferralStatus.DECLINED, ReferralStatus.EXITED, ReferralStatus.WITHDRAWN}
)
OPEN_STATUSES = frozenset(status for status, moves in ALLOWED_MOVES.items() if moves)


class ReferralQuerySet(models.QuerySet):
    def open(self):
        """Referrals still moving: not declined, completed, exited or withdrawn."""
        return self.filter(status__in=OPEN_STATUSES)

    def returned_to_school(self):
        return self.filter(status__in=ENROLLED_STATUSES, program__kind__in=RETURN_TO_SCHOOL_KINDS)

    def enrolled_in_wioa(self):
        return self.filter(status__in=ENROLLED_STATUSES, program__kind__in=WIOA_KINDS)

    def in_status_since(self, status: str, before):
        """Referrals that have sat in `status` since before the given time."""
        return self.filter(status=status, status_changed_at__lt=before)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    append_only=True,
    # ReferralEvent is the status history people read; these are the row snapshots.
    model_name="ReferralSnapshot",
    obj_field=pghistory.ObjForeignKey(related_name="snapshots"),
)
class Referral(TimeStampedModel):
    """A counselor's referral of a youth to a program, made in the youth's open case. Moves
    through referrals.services only; never deleted."""

    youth = models.ForeignKey(
        Youth, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("youth")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case")
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("program")
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referred by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus, default=ReferralStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    status_reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("Why the referral was declined, withdrawn or the youth exited"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrollment confirmed by"),
    )
    fit_override_reason = models.CharField(
        _("why this program, though it does not fit"),
        max_length=500,
        blank=True,
        help_text=_("Required when the program's entry rules do not fit the youth"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=4000)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="referral_status_since"),
            models.Index(fields=["youth", "-created_at"], name="referral_by_youth"),
            # The pipeline's stuck referrals, oldest first (referrals.pipeline.STUCK_STATUSES):
            # only the referrals still moving, in the order the page lists them.
            models.Index(
                fields=["status_changed_at", "id"],
                name="referral_moving_since",
                condition=Q(
                    status__in=[ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED]
                ),
            ),
            # The counted figures (reports.figures) "referred" and "enrolled" and its kinds read
            # the referrals of the period from these alone, instead of every referral
            # (pipeline, program year to date at LA scale: referred 93 to 51 ms, enrolled 76 to
            # 43 ms, returned to school 98 to 34 ms).
            models.Index(fields=["sent_at"], include=["case", "youth"], name="referral_sent_on"),
            models.Index(
                fields=["enrolled_on"],
                include=["case", "youth", "program"],
                name="referral_enrolled_on",
                condition=Q(status__in=sorted(ENROLLED_STATUSES)),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_enrolled_has_date_and_confirmer",
                condition=(
                    Q(
                        status__in=ENROLLED_STATUSES,
                        enrolled_on__isnull=False,
                        confirmed_by__isnull=False,
                    )
                    | (
                        ~Q(status__in=ENROLLED_STATUSES)
                        & Q(enrolled_on__isnull=True, confirmed_by__isnull=True)
                    )
                ),
                violation_error_message=_(
                    "An enrolled referral needs the enrollment date and who confirmed it."
                ),
            ),
            models.CheckConstraint(
                name="referral_closing_status_has_reason",
                condition=~Q(status__in=STATUSES_NEEDING_REASON) | ~Q(status_reason=""),
                violation_error_message=_(
                    "A declined, withdrawn or exited referral needs a reason."
                ),
            ),
            models.CheckConstraint(
                name="referral_sent_has_sent_at",
                condition=Q(status__in=[ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN])
                | Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} ({self.get_status_display()})"

    @property
    def next_statuses(self) -> frozenset[str]:
        return ALLOWED_MOVES[self.status]

    @property
    def next_steps(self) -> list[tuple[str, str]]:
        """The allowed next statuses with their labels, in the flow's order, for a form."""
        return [
            (value, label)
            for value, label in ReferralStatus.choices
            if value in ALLOWED_MOVES[self.status]
        ]

    @property
    def reached_enrollment(self) -> bool:
        return self.status in ENROLLED_STATUSES

    @property
    def returned_to_school(self) -> bool:
        """The youth enrolled in a school option (same rule as the queryset's)."""
        return self.reached_enrollment and self.program.kind in RETURN_TO_SCHOOL_KINDS

    @property
    def enrolled_in_wioa(self) -> bool:
        return self.reached_enrollment and self.program.kind in WIOA_KINDS


class ReferralEvent(models.Model):
    """One status change of a referral, who made it and why. Append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from"), max_length=10, choices=ReferralStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ReferralStatus)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.CharField(_("reason or note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")
        ordering = ["at", "pk"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"
