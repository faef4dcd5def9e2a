from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "estates"
    verbose_name = _("Registry")

    def ready(self) -> None:
        post_migrate.connect(_sync_role_groups, sender=self)


def _sync_role_groups(sender, **kwargs) -> None:  # noqa: ANN001
    """Every SPEC §0 role exists as a Group after migrate."""
    from django.contrib.auth.models import Group

    from estates.roles import Role

    for role in Role:
        Group.objects.using(kwargs.get("using", "default")).get_or_create(name=role.value)
