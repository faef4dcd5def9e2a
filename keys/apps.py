from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "keys"
    verbose_name = _("Key custody")

    def ready(self) -> None:
        from keys import approvals, deadline_handlers  # noqa: F401, PLC0415 (registers handlers; models load after apps.py)
