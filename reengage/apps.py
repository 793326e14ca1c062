from django.apps import AppConfig


class ReengageConfig(AppConfig):
    """The project package as an app: shared template tags and the demo data command."""

    name = "reengage"
    verbose_name = "reengage"
