"""Sites as the foundation sees them: which sites a user may see (SPEC X-02), a site's office hours (W-01).

The rule lives with the tables it reads (`estates`: sites and staff). core declares the question and
estates answers it once at start-up (`EstatesConfig.ready` calls `provide`), so core imports no
domain app and the arrow runs the honest way: estates → core.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from django.db.models import QuerySet

SiteIds = Callable[[Any], list[int]]
Sites = Callable[[Any], QuerySet]
Hours = Callable[[int], tuple[time | None, time | None] | None]

_provider: dict[str, Callable[[Any], Any]] = {}


def provide(*, site_ids: SiteIds, sites: Sites, office_hours: Hours) -> None:
    """Called by the app that owns sites (estates) in its AppConfig.ready."""
    _provider.update(site_ids=site_ids, sites=sites, office_hours=office_hours)


def _get(name: str) -> Callable[[Any], Any]:
    try:
        return _provider[name]
    except KeyError:  # a configuration error, not a user's: estates is always installed
        raise RuntimeError("No site scope provided: is 'estates' in INSTALLED_APPS?") from None


def site_ids_visible_to(user: Any) -> list[int]:
    return _get("site_ids")(user)


def sites_visible_to(user: Any) -> QuerySet:
    return _get("sites")(user)


def visible(qs: QuerySet, user: Any, field: str = "site_id") -> QuerySet:
    """Restrict any site-owned queryset to what `user` may see."""
    return qs.filter(**{f"{field}__in": site_ids_visible_to(user)})


def office_hours(site_id: int) -> tuple[time | None, time | None] | None:
    """(open, close) of a site as its registry row says, None for an unknown site."""
    return _get("office_hours")(site_id)
