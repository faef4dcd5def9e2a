"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.once import submit_once
from estates.selectors import site_ids_visible_to, site_list_visible_to, staff_of
from meetings import forms as f
from meetings import permissions as perm
from meetings import selectors as sel
from meetings import services as svc


def _user_site(request: HttpRequest):
    staff = staff_of(request.user)
    if staff is not None and staff.site_id:
        return staff.site
    return site_list_visible_to(request.user).first()


def _viewer(request):
    if not perm.can_view(request.user):
        raise Http404


@login_required
def day(request: HttpRequest) -> HttpResponse:
    """M-01: the day view of the rooms."""
    _viewer(request)
    try:
        the_day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        the_day = timezone.localdate()
    site = _user_site(request)
    return render(request, "meetings/day.html", {
        "day": the_day, "rooms": svc.day_view(site_ids_visible_to(request.user), the_day),
        "may_book": site is not None and perm.can_book(request.user, site.pk)})


@login_required
@submit_once
def rooms(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    site = _user_site(request)
    may = site is not None and perm.can_book(request.user, site.pk)
    form = f.RoomForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise Http404
        if form.is_valid():
            try:
                svc.room_create(site=site, actor=request.user, **form.cleaned_data)
            except DomainError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("meetings:rooms")
    return render(request, "meetings/rooms.html", {"rooms": sel.room_list_visible_to(request.user), "form": form,
                                                   "may_book": may})


@login_required
@submit_once
def booking_new(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    if site is None or not perm.can_book(request.user, site.pk):
        raise Http404
    form = f.BookingForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            b = svc.booking_create(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Room booked."))
            return redirect(b)
    return render(request, "meetings/form.html", {"form": form, "title": _("Book a meeting room")})


def _get(request, pk):
    return get_object_or_404(sel.booking_list_visible_to(request.user), pk=pk)


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    b = _get(request, pk)
    return render(request, "meetings/booking.html", {
        "b": b, "checks": b.checks.select_related("done_by"), "may_book": perm.can_book(request.user, b.site_id),
        "may_tick": perm.can_tick(request.user, b), "cancel_form": f.CancelForm(), "now": timezone.now()})


@login_required
@require_POST
def booking_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    b = _get(request, pk)
    try:
        svc.booking_confirm(booking=b, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Confirmed with the organiser."))
    return redirect(b)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    b = _get(request, pk)
    try:
        svc.booking_cancel(booking=b, reason=request.POST.get("reason", ""), actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(b)


@login_required
@require_POST
def check_tick(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(sel.check_list_visible_to(request.user), pk=pk)
    try:
        svc.booking_check_tick(line=line, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(line.booking)
