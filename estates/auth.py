"""The request floor (issue 21.2): the logged-in user with their roles and visible sites, from the cache.

Django's ModelBackend reads the user from the database on every request, then the page asks for the
user's groups (core.roles.user_roles) and site (site_ids_visible_to): three queries before the view
does anything. `CachedModelBackend.get_user` answers all three from one cache read (Redis when
configured) and fills the per-request attributes those two helpers already look for.

Exactness: every change that could alter the answer drops the entry — a saved or deleted user, a
change of their groups, a saved or deleted Staff row; a saved or deleted site bumps a generation that
company-level users' entries carry (their site list is every site). Writes that bypass signals
(queryset.update) are bounded by AUTH_USER_CACHE_SECONDS (5 minutes).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.roles import is_company_level, user_roles

GENERATION_KEY = "authuser:sites-gen"


def _key(pk) -> str:
    return f"authuser:{pk}"


def _seconds() -> int:
    return getattr(settings, "AUTH_USER_CACHE_SECONDS", 300)


class CachedModelBackend(ModelBackend):
    """ModelBackend whose get_user is one cache read on a hit (user + staff + roles + visible site ids)."""

    def get_user(self, user_id):
        if not _seconds():
            return super().get_user(user_id)
        found = cache.get_many([_key(user_id), GENERATION_KEY])
        entry, generation = found.get(_key(user_id)), found.get(GENERATION_KEY, 0)
        if entry is not None:
            user, gen = entry
            if gen is None or gen == generation:
                return user if self.user_can_authenticate(user) else None
        # the user with their staff record (every permission predicate asks user.staff): one query
        user = get_user_model()._default_manager.select_related("staff").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        from estates.selectors import site_ids_visible_to  # noqa: PLC0415 (selectors import this app's models)

        user_roles(user)  # sets user._role_codes
        site_ids_visible_to(user)  # sets user._visible_site_ids
        # a company-level user's sites are all sites: their entry follows the site generation
        cache.set(_key(user_id), (user, generation if is_company_level(user) else None), _seconds())
        return user


def forget_user(pk) -> None:
    cache.delete(_key(pk))


def _user_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def _staff_changed(sender, instance, **kwargs) -> None:
    if instance.user_id:
        forget_user(instance.user_id)


def _groups_changed(sender, instance, action, pk_set=None, model=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    user_model = get_user_model()
    if isinstance(instance, user_model):
        forget_user(instance.pk)
    else:  # group.user_set changed: the users named (all of them on clear)
        for pk in pk_set or instance.user_set.values_list("pk", flat=True):
            forget_user(pk)


def _sites_changed(sender, instance, **kwargs) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def connect() -> None:
    """Called from EstatesConfig.ready."""
    user_model = get_user_model()
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="authcache-user-save")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="authcache-user-delete")
    m2m_changed.connect(_groups_changed, sender=user_model.groups.through, dispatch_uid="authcache-groups")
    post_save.connect(_staff_changed, sender="estates.Staff", dispatch_uid="authcache-staff-save")
    post_delete.connect(_staff_changed, sender="estates.Staff", dispatch_uid="authcache-staff-delete")
    post_save.connect(_sites_changed, sender="estates.Site", dispatch_uid="authcache-site-save")
    post_delete.connect(_sites_changed, sender="estates.Site", dispatch_uid="authcache-site-delete")
