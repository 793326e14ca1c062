"""District SIS data, kept apart from the City's case data (FERPA): the link of a youth to an
LAUSD student, the last good snapshot of their records, and the log of sync runs."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reengage.models import TimeStampedModel
from youth.models import Youth


class LinkMethod(models.TextChoices):
    LAUSD_ID = "lausd_id", _("LAUSD ID on the youth's record")
    CONFIRMED = "confirmed", _("match confirmed by a counselor")


class SisLink(TimeStampedModel):
    """A youth's LAUSD student record, and when their snapshot was last refreshed."""

    youth = models.OneToOneField(
        Youth, on_delete=models.PROTECT, related_name="sis_link", verbose_name=_("youth")
    )
    student_unique_id = models.CharField(_("LAUSD student ID"), max_length=32, unique=True)
    method = models.CharField(_("linked by"), max_length=20, choices=LinkMethod)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    last_refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # AB 167/216 bases the SIS reports (_ext.lausd flags), e.g. "fosterYouth".
    special_status = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    snapshot_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("SIS link")
        verbose_name_plural = _("SIS links")

    def __str__(self) -> str:
        return f"SIS link of youth {self.youth_id}"

    @property
    def last_attempt_failed(self) -> bool:
        return bool(self.last_error)


class AcademicTerm(models.Model):
    """One Ed-Fi studentAcademicRecord: a student's credits and GPA for a term at a school."""

    # No index of its own: the (youth, ...) index below serves every lookup by youth, and a
    # sync writes millions of these rows, each one an entry in every index.
    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="+", db_index=False)
    sis_id = models.CharField(max_length=32)
    school_id = models.BigIntegerField()
    school_year = models.PositiveSmallIntegerField(_("school year"))
    term = models.CharField(_("term"), max_length=60)
    grade_level = models.PositiveSmallIntegerField(null=True, blank=True)
    attempted_credits = models.FloatField(null=True, blank=True)
    earned_credits = models.FloatField(null=True, blank=True)
    cumulative_earned_credits = models.FloatField(null=True, blank=True)
    credit_type = models.CharField(max_length=306, blank=True)
    lausd_credits_earned = models.FloatField(default=0)
    gpa = models.FloatField(_("term GPA"), null=True, blank=True)
    cumulative_gpa = models.FloatField(_("cumulative GPA"), null=True, blank=True)

    class Meta:
        ordering = ["school_year", "term"]
        indexes = [models.Index(fields=["youth", "school_year"], name="sis_term_youth")]

    def __str__(self) -> str:
        return f"{self.school_year} {self.term}"


class TranscriptCourse(models.Model):
    """One Ed-Fi courseTranscript row: raw earned credits and type, plus LAUSD credits."""

    # No index of its own: the (youth, ...) index below serves every lookup by youth, and a
    # sync writes millions of these rows, each one an entry in every index.
    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="+", db_index=False)
    sis_id = models.CharField(max_length=32)
    school_id = models.BigIntegerField()
    school_year = models.PositiveSmallIntegerField(_("school year"))
    term = models.CharField(_("term"), max_length=60)
    grade_level = models.PositiveSmallIntegerField(null=True, blank=True)
    course_code = models.CharField(_("course"), max_length=60)
    title = models.CharField(_("title"), max_length=60)
    subject_area = models.CharField(_("requirement area"), max_length=10)
    academic_subject = models.CharField(max_length=120, blank=True)
    ag_letter = models.CharField(_("A-G"), max_length=1, blank=True)
    letter_grade = models.CharField(_("grade"), max_length=20, blank=True)
    result = models.CharField(_("result"), max_length=40)
    attempted_credits = models.FloatField(null=True, blank=True)
    earned_credits = models.FloatField(_("earned credits (SIS)"), null=True, blank=True)
    credit_type = models.CharField(max_length=306, blank=True)
    credit_conversion = models.FloatField(null=True, blank=True)
    lausd_credits = models.FloatField(_("LAUSD credits"), default=0)
    counted = models.BooleanField(default=True)
    credit_recovery = models.BooleanField(_("credit recovery"), default=False)

    class Meta:
        ordering = ["school_year", "term", "course_code"]
        indexes = [models.Index(fields=["youth", "school_year"], name="sis_course_youth")]

    def __str__(self) -> str:
        return f"{self.course_code} {self.school_year} {self.term}"


class Enrollment(models.Model):
    """One Ed-Fi studentSchoolAssociation: a stay at a school and how it ended."""

    # No index of its own: the (youth, ...) index below serves every lookup by youth, and a
    # sync writes millions of these rows, each one an entry in every index.
    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="+", db_index=False)
    sis_id = models.CharField(max_length=32)
    school_id = models.BigIntegerField()
    school_name = models.CharField(_("school"), max_length=75)
    entry_date = models.DateField(_("entered"))
    entry_grade = models.PositiveSmallIntegerField(_("grade at entry"), null=True, blank=True)
    exit_date = models.DateField(_("left"), null=True, blank=True)
    exit_descriptor = models.CharField(_("exit type"), max_length=80, blank=True)
    exit_code = models.CharField(_("CALPADS exit code"), max_length=4, blank=True)

    class Meta:
        ordering = ["entry_date"]
        indexes = [models.Index(fields=["youth", "entry_date"], name="sis_enrollment_youth")]

    def __str__(self) -> str:
        return f"{self.school_name} {self.entry_date}"


class SyncKind(models.TextChoices):
    STUDENT = "student", _("one youth, on demand")
    NIGHTLY = "nightly", _("all linked youth, incremental")


class SyncStatus(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    PARTIAL = "partial", _("finished with errors")
    FAILED = "failed", _("failed")


class SyncRun(models.Model):
    """One run of a sync job. `error` holds no personal data."""

    kind = models.CharField(_("kind"), max_length=10, choices=SyncKind)
    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, null=True, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SyncStatus, default=SyncStatus.RUNNING
    )
    fetched = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # The change-version window covered; `change_version_to` is set only when the whole scan
    # of changes succeeded, so the next run starts after it.
    change_version_from = models.BigIntegerField(null=True, blank=True)
    change_version_to = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["youth", "-started_at"], name="sis_run_youth"),
            models.Index(fields=["kind", "-started_at"], name="sis_run_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status="running", kind="nightly"),
                name="sis_one_nightly_run_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(status="running", kind="student"),
                name="sis_one_pull_per_youth_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(kind="nightly", youth__isnull=True)
                | Q(kind="student", youth__isnull=False),
                name="sis_run_youth_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class QuarantinedRecord(models.Model):
    """A record that broke the contract, kept as it came so nothing is silently dropped."""

    run = models.ForeignKey(SyncRun, on_delete=models.PROTECT, related_name="quarantined")
    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, null=True, related_name="+")
    resource = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64, blank=True)
    field = models.CharField(max_length=200)
    error = models.CharField(max_length=300)
    raw = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["youth", "-created_at"], name="sis_quarantine_youth")]

    def __str__(self) -> str:
        return f"{self.resource} {self.record_id}: {self.field}"
