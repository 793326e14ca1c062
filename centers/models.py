from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reengage.models import TimeStampedModel


class Center(TimeStampedModel):
    """A YouthSource center, where a counselor meets out-of-school youth."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=120, help_text=_("Name or operator as published"))
    region = models.CharField(_("region"), max_length=40)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "region"]
        verbose_name = _("center")
        verbose_name_plural = _("centers")

    def __str__(self) -> str:
        # Two operators run two centers each, so the region tells them apart.
        return f"{self.name} ({self.region})"


class Role(models.TextChoices):
    COUNSELOR = "counselor", _("Counselor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("CDD analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


CENTER_ROLES = (Role.COUNSELOR, Role.SUPERVISOR)


class StaffMembership(TimeStampedModel):
    """Who works where, in what role.

    Counselors and supervisors belong to a center (a supervisor may hold several memberships);
    analysts and administrators work across all centers, so their membership has no center.
    A read-only membership may look at a center's work but not change it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("staff member"),
    )
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("center"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    read_only = models.BooleanField(
        _("read-only"), default=False, help_text=_("May view the center's work but not change it")
    )
    # LAUSD employees may read the district SIS; City and nonprofit staff may not (DESIGN 2).
    reads_district_records = models.BooleanField(
        _("reads district records"),
        default=False,
        help_text=_("LAUSD staff, who may see the district's education records (with consent)"),
    )

    class Meta:
        ordering = ["center__name", "role", "user__last_name"]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_center_matches_role",
                condition=(
                    Q(role__in=CENTER_ROLES, center__isnull=False)
                    | (~Q(role__in=CENTER_ROLES) & Q(center__isnull=True))
                ),
                violation_error_message=_(
                    "Counselors and supervisors belong to a center; analysts and "
                    "administrators work across all centers and have none."
                ),
            ),
            models.UniqueConstraint(
                name="membership_unique_role_per_center",
                fields=["user", "center", "role"],
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        where = self.center.code if self.center_id else _("all centers")
        return f"{self.user} · {self.get_role_display()} · {where}"
