from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scope import provide


class EstatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "estates"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # models are not loaded when apps.py is imported: these modules import models, so they wait for ready()
        from core.calendar_source import site_hours_changed  # noqa: PLC0415 (imports core.models)
        from estates import auth  # noqa: PLC0415 (imports django.contrib.auth.backends, which imports the models)
        from estates.selectors import (  # noqa: PLC0415 (imports estates.models)
            site_ids_visible_to,
            site_list_visible_to,
            site_office_hours,
        )

        # core asks, estates answers: which sites a user sees, a site's office hours
        provide(site_ids=site_ids_visible_to, sites=site_list_visible_to, office_hours=site_office_hours)
        post_save.connect(site_hours_changed, sender="estates.Site", dispatch_uid="calendar-site-hours")
        post_migrate.connect(_sync_role_groups, sender=self)
        auth.connect()  # the cached user of the request floor forgets a changed user, staff or site


def _sync_role_groups(sender, **kwargs) -> None:
    """Every SPEC §0 role exists as a Group after migrate."""
    from django.contrib.auth.models import Group  # noqa: PLC0415 (models load after apps.py)

    for role in Role:
        Group.objects.using(kwargs.get("using", "default")).get_or_create(name=role.value)
