from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SisBridgeConfig(AppConfig):
    name = "sis_bridge"
    verbose_name = _("District SIS")
