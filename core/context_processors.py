"""Navigation by role: each app lists its menu entries in `<app>/nav.py` as `items(user)`, optionally
`quick_actions(user)` and `landing(user)` (where `/` sends this user: `(rank, url)`, lowest rank wins)."""

import hashlib
import pickle
from contextlib import suppress
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

_APPS = [a for a in settings.INSTALLED_APPS if "." not in a]


def nav_modules() -> list[ModuleType]:
    """The `<app>.nav` modules in menu order: a nav's `MENU_ORDER` (default 100; the dashboard 0, the
    engine's configuration pages last), then INSTALLED_APPS order. An app without nav.py has no menu."""
    out = []
    for app in _APPS:
        try:
            out.append(import_module(f"{app}.nav"))
        except ModuleNotFoundError:
            continue
    return sorted(out, key=lambda nav: getattr(nav, "MENU_ORDER", 100))


def landing_url(user: Any) -> str | None:
    """`/` by role: the lowest-ranked landing any app's nav declares for this user, else None (the menu)."""
    offers = [offer for nav in nav_modules() if hasattr(nav, "landing") and (offer := nav.landing(user))]
    return min(offers, key=lambda o: o[0])[1] if offers else None


# Issue 21.2: the menu was ~2.5 ms of every page (17 navs, ~30 reverse(), a digest and a cache read). A nav's
# answer is a function of the user object alone (its fields, staff record, roles and visible sites, which
# the auth cache carries; no nav reads anything else or the database), the language and the URL
# configuration, so it is kept per process under a digest of exactly those: a changed role, staff record
# or site list gives another digest, so the next request computes the new menu (issue 13.12's rule: every
# user sees exactly their own menu, in their own language).
_MEMO: dict[tuple, dict] = {}
_MEMO_SIZE = 256


def _user_digest(user: Any) -> bytes | None:
    """The whole user object (fields, related rows it carries, cached roles and sites) as a digest; None
    when it cannot be pickled (then the menu is computed, never guessed)."""
    try:
        return hashlib.blake2b(pickle.dumps(user, pickle.HIGHEST_PROTOCOL), digest_size=20).digest()
    except Exception:  # any object a view hung on the user that pickle refuses: no memo this request
        return None


def _forget(**kwargs: Any) -> None:  # a test's override_settings may change what a nav answers
    _MEMO.clear()


setting_changed.connect(_forget, dispatch_uid="core-navigation-memo")


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    digest = _user_digest(user)
    key = (digest, get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    found = _MEMO.get(key) if digest is not None else None
    if found is None:
        found = _navigation(user)
        if digest is not None:
            if len(_MEMO) >= _MEMO_SIZE:
                with suppress(KeyError, RuntimeError, StopIteration):  # another thread evicting at once
                    _MEMO.pop(next(iter(_MEMO)))  # the oldest
            _MEMO[key] = found
    return dict(found)


def _navigation(user: Any) -> dict:
    items, quick, groups = [], [], []
    for nav in nav_modules():
        app_items = list(nav.items(user)) if hasattr(nav, "items") else []
        items.extend(app_items)
        if app_items:
            # one menu per app, titled by its first entry (the app's main screen)
            groups.append({"label": app_items[0]["label"], "icon": app_items[0].get("icon"), "items": app_items})
        quick.extend(nav.quick_actions(user) if hasattr(nav, "quick_actions") else [])
    # rendered here, once per memo entry (the user state, language and URLs it was made for), instead of
    # reading a cached copy in every page (issue 21.2)
    shown = {"nav_groups": groups, "nav_quick": quick}
    return {"nav_items": items, "nav_groups": groups, "nav_quick": quick,
            "nav_menu": render_to_string("nav/_menu.html", shown),
            "nav_quick_buttons": render_to_string("nav/_quick.html", shown)}
