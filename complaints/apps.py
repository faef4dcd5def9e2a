from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from complaints import (  # noqa: PLC0415 (models load after apps.py)
            approvals,  # noqa: F401
            deadline_handlers,  # noqa: F401
            hooks,
        )

        hooks.register()
