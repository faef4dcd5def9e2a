"""SPEC X-01: nothing is deleted by users, not even through the Django admin.

The project's admin site wraps every ModelAdmin registered for one of our apps (any app that lives in this
repository: complaints, callbacks, orders, keys, surveys, fees, renovation, the registry …) so that it has no
delete permission, no "delete selected" action and no delete page. Records are cancelled or voided with a
reason by the app's services instead. Third-party and Django models (users, sessions, axes) keep the default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Model


def is_domain_model(model: type[Model]) -> bool:
    """A model of one of our apps (its package is in this repository, not in the virtualenv)."""
    path = Path(model._meta.app_config.path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and not any(part.startswith(".") or part == "site-packages"
                                                 for part in path.relative_to(base).parts)


class NoDeleteMixin:
    """X-01: the admin offers no way to delete the record (single page, bulk action, inline)."""

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: Any) -> dict:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


def _no_delete(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    if issubclass(admin_class, NoDeleteMixin):
        return admin_class
    inlines = [_no_delete(i) for i in getattr(admin_class, "inlines", [])]
    return type(admin_class.__name__, (NoDeleteMixin, admin_class), {"inlines": inlines,
                                                                     "__module__": admin_class.__module__})


class PropservAdminSite(admin.AdminSite):
    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        for model in models:
            cls = admin_class or admin.ModelAdmin
            super().register(model, _no_delete(cls) if is_domain_model(model) else cls, **options)


class PropservAdminConfig(AdminConfig):
    default_site = "core.admin_site.PropservAdminSite"
