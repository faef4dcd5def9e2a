"""The unit lookup the registration forms share (issue 20.3): type a unit, a name or a phone, pick the
unit, then pick who is calling among the people who live there. htmx partials, read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.validators import to_half_width
from estates.selectors import unit_household, unit_lookup


@login_required
def unit_lookup_view(request: HttpRequest) -> HttpResponse:
    """`?unit_code=3-2-10` (or `?q=`) → the matching units (natural order) and residents."""
    q = to_half_width((request.GET.get("unit_code") or request.GET.get("q") or "").strip())
    units, residents = unit_lookup(request.user, q)
    return render(request, "estates/partials/_unit_lookup.html", {"units": units, "residents": residents, "q": q})


@login_required
def unit_household_view(request: HttpRequest) -> HttpResponse:
    """`?unit=<id>&resident=<id>` → who lives there, to choose the caller (the chosen or first one preselected)."""
    unit, people = unit_household(request.user, request.GET.get("unit"))
    chosen = request.GET.get("resident") or ""
    if people and not any(str(p.pk) == chosen for p in people):
        chosen = str(people[0].pk)
    return render(request, "estates/partials/_household.html", {"unit": unit, "people": people, "chosen": chosen})
