from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core.calendar_source import calendar_changed  # noqa: PLC0415 (models load after apps)

        post_migrate.connect(_sync_policies, sender=self)
        for model in ("core.HolidayOverride", "core.CalendarYear"):
            post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar-save-{model}")
            post_delete.connect(calendar_changed, sender=model, dispatch_uid=f"calendar-delete-{model}")


def _sync_policies(sender, **kwargs) -> None:
    from core.services import policy_table_sync  # noqa: PLC0415 (models load after apps)

    policy_table_sync(using=kwargs.get("using", "default"))
