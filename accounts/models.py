from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member. What they may see and do comes from their center memberships."""

    # "Sign out everywhere": a session signed in before this moment has ended, on any device.
    sessions_valid_after = models.DateTimeField(
        _("sessions signed in before this have ended"), null=True, blank=True, editable=False
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username
