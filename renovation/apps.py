from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "renovation"
    verbose_name = _("Renovation")

    def ready(self) -> None:
        from renovation import deadline_handlers  # noqa: F401, PLC0415 (registers the breach handlers; models load after apps.py)
