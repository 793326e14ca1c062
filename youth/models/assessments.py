from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reengage.models import TimeStampedModel

from ..choices import Barrier, Pathway, SkillsSubject, SkillsTest
from .records import Case, Youth, track


@track
class Assessment(TimeStampedModel):
    """A counselor's assessment: the credit picture as of that day (kept, so later SIS data
    does not change it), basic skills, barriers, goals, the recommended pathway, the academic
    plan, and the WIOA out-of-school youth eligibility determined from them."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="assessments")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counselor"),
    )
    assessed_on = models.DateField(_("assessment date"), default=timezone.localdate)
    credit_snapshot = models.JSONField(_("credits as of the assessment"), null=True, blank=True)
    barriers = ArrayField(
        models.CharField(max_length=30, choices=Barrier),
        default=list,
        blank=True,
        verbose_name=_("barriers"),
    )
    goals = models.TextField(_("goals"), max_length=2000)
    pathway = models.CharField(_("recommended pathway"), max_length=20, choices=Pathway)
    pathway_reasoning = models.TextField(_("why this pathway"), max_length=2000)
    # [{"area": code, "label": text, "credits": needed, "plan": how they will be earned}]
    academic_plan = models.JSONField(_("academic plan"), default=list, blank=True)
    evidence_on_file = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        verbose_name=_("eligibility evidence on file"),
    )
    # The WIOA out-of-school youth determination made with this assessment (youth.eligibility).
    wioa_eligible = models.BooleanField(_("WIOA out-of-school youth eligible"), default=False)
    wioa_criterion = models.CharField(_("criterion"), max_length=40, blank=True)
    wioa_regulation = models.CharField(_("regulation"), max_length=80, blank=True)
    wioa_missing_evidence = models.JSONField(default=list, blank=True)
    wioa_determined_on = models.DateField(null=True, blank=True)
    wioa_expires_on = models.DateField(null=True, blank=True)
    basic_skills_deficient = models.BooleanField(null=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["youth", "-assessed_on"], name="assessment_youth")]

    def __str__(self) -> str:
        return f"{self.assessed_on:%Y-%m-%d}"

    @property
    def criterion_label(self) -> str:
        from ..eligibility import CRITERION_CHOICES

        return str(dict(CRITERION_CHOICES).get(self.wioa_criterion, self.wioa_criterion))

    @property
    def missing_evidence_labels(self) -> list[str]:
        from ..eligibility import Evidence

        labels = dict(Evidence.choices)
        return [str(labels.get(code, code)) for code in self.wioa_missing_evidence]

    def eligibility_in_force(self, day=None) -> bool:
        day = day or timezone.localdate()
        return bool(self.wioa_eligible and self.wioa_expires_on and day < self.wioa_expires_on)


@track
class SkillsTestScore(TimeStampedModel):
    """A CASAS or TABE result, with the NRS level derived from the bands table."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="scores")
    test = models.CharField(_("test"), max_length=10, choices=SkillsTest)
    form = models.CharField(_("form"), max_length=20, help_text=_("For example 11/12 or 82R"))
    subject = models.CharField(_("subject"), max_length=10, choices=SkillsSubject)
    scale_score = models.PositiveSmallIntegerField(_("scale score"))
    tested_on = models.DateField(_("test date"))
    nrs_level = models.PositiveSmallIntegerField(_("NRS level"), null=True, blank=True)

    class Meta:
        ordering = ["subject", "-tested_on"]
        verbose_name = _("skills test score")
        verbose_name_plural = _("skills test scores")
        constraints = [
            models.CheckConstraint(
                name="score_within_test_range", condition=Q(scale_score__lte=999)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.test} {self.subject} {self.scale_score}"


class ScaleScoreBand(models.Model):
    """The editable cut table from scale scores to NRS levels (administrators keep it current
    when test publishers change their cut scores)."""

    test = models.CharField(_("test"), max_length=10, choices=SkillsTest)
    subject = models.CharField(_("subject"), max_length=10, choices=SkillsSubject)
    level = models.PositiveSmallIntegerField(_("NRS level"))
    low = models.PositiveSmallIntegerField(_("lowest score"), null=True, blank=True)
    high = models.PositiveSmallIntegerField(_("highest score"), null=True, blank=True)
    grade_range = models.CharField(_("grade levels"), max_length=20)

    class Meta:
        ordering = ["test", "subject", "level"]
        verbose_name = _("scale score band")
        verbose_name_plural = _("scale score bands")
        constraints = [
            models.UniqueConstraint(fields=["test", "subject", "level"], name="one_band_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.test} {self.subject} level {self.level}"
