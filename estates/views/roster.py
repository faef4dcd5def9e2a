"""The duty roster of a site (SPEC O-03)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.calendar_source import load_work_calendar
from core.errors import DomainError
from core.once import submit_once
from estates import forms as f
from estates import permissions as perms
from estates import selectors as sel
from estates import services
from estates.models import Site
from estates.roster import week_gaps
from estates.views.records import _reason_action
from estates.views.registry import _user_site

# ---- duty roster (SPEC O-03) -----------------------------------------------------------------------

def _roster_site(request: HttpRequest) -> Site:
    sites = sel.site_list_visible_to(request.user)
    site_id = request.GET.get("site") or request.POST.get("site")
    site = sites.filter(pk=site_id).first() if site_id else (_user_site(request.user) or sites.first())
    if site is None or not sites.filter(pk=site.pk).exists():
        raise Http404
    return site


@login_required
def roster_week(request: HttpRequest) -> HttpResponse:

    site = _roster_site(request)
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    shifts = list(sel.duty_shift_list_visible_to(request.user).filter(site=site, date__range=(days[0], days[-1]),
                                                                       cancelled=False))
    by_day: dict[date, list] = {d: [] for d in days}
    for s in shifts:
        by_day[s.date].append(s)
    cal = load_work_calendar()
    gaps = week_gaps({d: [(s.start, s.end) for s in ss] for d, ss in by_day.items()}, monday, cal,
                     site.office_open, site.office_close)
    may_keep = perms.can_keep_roster(request.user, site.pk)
    form = f.DutyShiftForm(user=request.user, site=site, initial={"date": days[0], "start": site.office_open,
                                                                   "end": site.office_close}) if may_keep else None
    week = [{"day": d, "working": cal.is_working_day(d), "shifts": by_day[d], "gaps": gaps[d]} for d in days]
    return render(request, "estates/roster_week.html", {
        "site": site, "week": week, "monday": monday, "prev": monday - timedelta(days=7),
        "next": monday + timedelta(days=7), "form": form, "may_keep": may_keep,
        "sites": sel.site_list_visible_to(request.user), "gap_count": sum(len(g) for g in gaps.values()),
    })


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def roster_add(request: HttpRequest) -> HttpResponse:
    site = _roster_site(request)
    form = f.DutyShiftForm(request.POST, user=request.user, site=site)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.duty_shift_add(site=site, staff=d["staff"], day=d["date"], start=d["start"], end=d["end"],
                                    actor=request.user)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Shift added."))
        return redirect(f"{reverse('estates:roster')}?site={site.pk}&week={d['date']:%Y-%m-%d}")
    for errs in form.errors.values():
        for e in errs:
            messages.error(request, e)
    return redirect(f"{reverse('estates:roster')}?site={site.pk}")


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def roster_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(sel.duty_shift_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.duty_shift_cancel(shift=shift, actor=request.user, reason=r)):
        messages.success(request, _("Shift cancelled."))
    return redirect(f"{reverse('estates:roster')}?site={shift.site_id}&week={shift.date:%Y-%m-%d}")
