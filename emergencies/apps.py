from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "emergencies"
    verbose_name = _("Emergencies")

    def ready(self) -> None:
        from emergencies import deadline_handlers  # noqa: F401, PLC0415 (registers handlers; models load after apps.py)
