from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Resident pages")

    def ready(self) -> None:
        from portal import ticket_steps  # noqa: PLC0415 (models load after apps.py)

        ticket_steps.register()
