"""Navigation by role: each app lists its menu entries in `<app>/nav.py` as `items(user)`, optionally
`quick_actions(user)` and `landing(user)` (where `/` sends this user: `(rank, url)`, lowest rank wins)."""

import hashlib
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.http import HttpRequest

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


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items, quick, groups = [], [], []
    for nav in nav_modules():
        app_items = list(nav.items(user)) if hasattr(nav, "items") else []
        items.extend(app_items)
        if app_items:
            # one menu per app, titled by its first entry (the app's main screen)
            groups.append({"label": app_items[0]["label"], "icon": app_items[0].get("icon"), "items": app_items})
        quick.extend(nav.quick_actions(user) if hasattr(nav, "quick_actions") else [])
    # The menu's own content is its cache key (templates/base.html renders it once per distinct menu):
    # exact whatever changed a user's roles or the apps' rules, and costs no query (issue 13.12)
    key = hashlib.md5(repr([(str(i["label"]), i["url"], i.get("icon"), i.get("key")) for i in items]
                           + [(str(q["label"]), q["url"], q.get("icon"), q.get("key")) for q in quick]).encode(),
                      usedforsecurity=False).hexdigest()
    return {"nav_items": items, "nav_groups": groups, "nav_quick": quick, "nav_key": key}
