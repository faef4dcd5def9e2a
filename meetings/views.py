"""Thin views: selector → form → one service call → redirect; a DomainError becomes a form error."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action_post_view
from core.errors import DomainError
from core.once import submit_once
from estates.selectors import site_ids_visible_to, site_list_visible_to, staff_of
from meetings import forms as f
from meetings import permissions as perm
from meetings import selectors as sel
from meetings import services as svc
from meetings.actions import BOOKING, CHECK
from meetings.models import Booking, BookingCheck


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


def _booking_page(request: HttpRequest, b: Booking, bound: dict | None = None, status: int = 200,
                  line: tuple[int, dict] | None = None) -> HttpResponse:
    """The booking with its steps and checklist lines, each step for whom its predicate allows
    (meetings/actions.py); `line` is (line pk, its failed form) when a tick came back with an error."""
    checks = list(b.checks.select_related("done_by"))
    for c in checks:
        c.booking = b
        c.forms = CHECK.forms(request.user, c, line[1] if line and line[0] == c.pk else None)
    return render(request, "meetings/booking.html", {
        "b": b, "checks": checks, "forms": BOOKING.forms(request.user, b, bound), "now": timezone.now()},
        status=status)


def _line_page(request: HttpRequest, c: BookingCheck, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return _booking_page(request, c.booking, status=status, line=(c.pk, bound or {}))


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _booking_page(request, BOOKING.get_object(request, pk))


# the steps (meetings/actions.py), run by core's generic view: a refusal shows on the booking's page
booking_confirm = action_post_view(BOOKING, page=_booking_page, key="confirm")
booking_cancel = action_post_view(BOOKING, page=_booking_page, key="cancel")
check_tick = action_post_view(CHECK, page=_line_page, key="tick")
