from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    # This module also holds the admin's configuration below.
    default = True

    def ready(self) -> None:
        from . import signals  # noqa: F401


class VerifiedAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the site that asks for a verified second factor."""

    default = False
    default_site = "accounts.admin_site.VerifiedAdminSite"
