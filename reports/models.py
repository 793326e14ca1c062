"""Participant-level extracts: one job per request, run by a Celery worker, its file kept for a
while (settings.EXPORT_RETENTION) and then removed."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (opens in Excel)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired: the file was removed")


FINISHED_STATUSES = frozenset({ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED})


class ExportJob(models.Model):
    """A participant-level extract asked for by one user. Moves through reports.extracts only;
    the row stays after its file expires, as the record of what was disclosed to whom."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    center_ids = ArrayField(models.IntegerField(), verbose_name=_("centers"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("participants written"), default=0)
    # Relative to the exports directory (settings.EXPORTS_DIR); empty until the file exists.
    file_path = models.CharField(_("file"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("participant export")
        verbose_name_plural = _("participant exports")
        ordering = ["-created_at", "-pk"]
        permissions = [("export_participants", "Can export participant-level records")]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_by_requester"),
            models.Index(fields=["status", "expires_at"], name="export_status_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                name="export_period_in_order", condition=Q(period_start__lte=F("period_end"))
            ),
            models.CheckConstraint(
                name="export_done_has_file_and_expiry",
                condition=~Q(status=ExportStatus.DONE)
                | (~Q(file_path="") & Q(expires_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.format} {self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent_done(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def period_label(self) -> str:
        """The program year ("2025-26", July to June) when the period lies within one, else the
        two dates."""
        start, end = self.period_start, self.period_end
        year = start.year if start.month >= 7 else start.year - 1
        if (end.year, end.month) <= (year + 1, 6):
            return f"{year}-{(year + 1) % 100:02d}"
        return f"{start:%Y%m%d}-{end:%Y%m%d}"

    @property
    def download_name(self) -> str:
        """A name that says what the file holds, wherever it ends up."""
        return f"CONFIDENTIAL-FERPA-reengage-participants-{self.period_label}.{self.format}"
