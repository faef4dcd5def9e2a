from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspections"
    verbose_name = _("Inspections and assessment")

    def ready(self) -> None:
        from inspections import deadline_handlers, ticket_steps  # noqa: F401, PLC0415 (registers handlers; models load after apps.py)

        ticket_steps.register()
