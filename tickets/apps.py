from django.apps import AppConfig
from django.core.checks import Tags, register
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from core.pdf import pdf_system_check


class TicketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tickets"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from tickets import approvals, callback_handlers, deadline_handlers  # noqa: F401, PLC0415 (registers handlers; models load after apps.py)

        post_migrate.connect(_install_open_counts, sender=self)  # issue 21.1: triggers + counts rebuilt
        register(pdf_system_check, Tags.compatibility)  # libharfbuzz-subset loaded, font subset present


def _install_open_counts(sender, using="default", **kwargs) -> None:
    from tickets.open_counts import install  # noqa: PLC0415 (models load after apps.py)

    install(using)
