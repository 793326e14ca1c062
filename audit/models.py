import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEWED = "viewed", _("viewed the record")
    LISTED = "listed", _("saw the youth in a list or search")
    CREATED = "created", _("created the record")
    CHANGED = "changed", _("changed the record")
    MERGED = "merged", _("merged records")
    UNMERGED = "unmerged", _("undid a merge")
    TRANSFERRED = "transferred", _("transferred the case")
    EXPORTED = "exported", _("exported the record")
    SIS_PULLED = "sis_pulled", _("pulled education records from the SIS")
    # Staff-account events (no youth): the account concerned is in `detail["staff_user"]`.
    TWO_STEP_ON = "two_step_on", _("turned on two-step sign-in")
    TWO_STEP_OFF = "two_step_off", _("turned off two-step sign-in")
    BACKUP_CODES_RENEWED = "backup_codes_renewed", _("made new backup codes")
    SECOND_FACTOR_RESET = "reset_second_factor", _("reset a staff member's two-step sign-in")
    SESSIONS_ENDED = "sessions_ended", _("signed out on every device")


class AccessLogEntry(models.Model):
    """One read, change or disclosure of a youth's record (FERPA, 34 CFR 99.32).

    Append-only: the application has no code path that changes a row, and database triggers
    refuse UPDATE and DELETE from anyone, the application's own role included. Besides the
    pgtrigger below, which `pgtrigger.ignore()` can switch off for a session, migration 0004
    adds a plain trigger that nothing in the application can switch off. Django keeps only the
    "view" permission: no admin path adds, changes or deletes a row.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    youth = models.ForeignKey(
        "youth.Youth",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("youth"),
        db_index=False,  # access_by_youth (youth, -at) serves every lookup by youth
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    path = models.CharField(_("page"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["youth", "-at"], name="access_by_youth")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.youth_id}"
