"""Navigation by role: each app lists its menu entries in `<app>/nav.py` as `items(user)`."""

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

# Menu order: the supervisor's dashboard first, the engine's configuration pages last.
_FIRST, _LAST = ["reports"], ["core"]
_APPS = [a for a in settings.INSTALLED_APPS if "." not in a]
_NAV_APPS = _FIRST + [a for a in _APPS if a not in _FIRST + _LAST] + _LAST


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items, quick, groups = [], [], []
    for app in _NAV_APPS:
        try:
            nav = import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        app_items = list(nav.items(user)) if hasattr(nav, "items") else []
        items.extend(app_items)
        if app_items:
            # one menu per app, titled by its first entry (the app's main screen)
            groups.append({"label": app_items[0]["label"], "icon": app_items[0].get("icon"), "items": app_items})
        quick.extend(nav.quick_actions(user) if hasattr(nav, "quick_actions") else [])
    return {"nav_items": items, "nav_groups": groups, "nav_quick": quick}
