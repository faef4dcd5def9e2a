from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tickets"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from core.pdf import pdf_system_check
        from tickets import callback_handlers, deadline_handlers  # noqa: F401

        register(pdf_system_check, Tags.compatibility)  # libharfbuzz-subset loaded, font subset present
