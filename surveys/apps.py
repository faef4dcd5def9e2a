from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from surveys import deadline_handlers  # noqa: F401, PLC0415 (registers handlers; models load after apps.py)
