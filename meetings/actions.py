"""The steps on a meeting-room booking (SPEC M-01; STYLE §3, issue 14.1): confirm with the organiser and
cancel (whoever may book at the site), tick a checklist line (the staff on duty). One declaration each, run
by core's generic view at the meetings app's own URL names; the services re-check the same predicates."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.actions import Action, ConfirmForm, Registry
from meetings import forms as f
from meetings import permissions as perm
from meetings import selectors as sel
from meetings import services as svc
from meetings.models import Booking, BookingCheck

S = Booking.Status


def _booking(request: Any, pk: int) -> Booking:
    return get_object_or_404(sel.booking_list_visible_to(request.user), pk=pk)


def _line(request: Any, pk: int) -> BookingCheck:
    return get_object_or_404(sel.check_list_visible_to(request.user).select_related("booking"), pk=pk)


BOOKING = Registry("meetings", get_object=_booking)
BOOKING.add(Action(
    "confirm", _("Confirmed with the organiser"), ConfirmForm,
    lambda u, b: b.status == S.BOOKED and perm.can_book(u, b.site_id),
    run=lambda b, u, d: svc.booking_confirm(booking=b, actor=u), style="outline-success",
    message=_("Confirmed with the organiser.")), url_name="meetings:confirm")
BOOKING.add(Action(
    "cancel", _("Cancel the booking"), f.CancelForm,
    lambda u, b: b.status in svc.LIVE and perm.can_book(u, b.site_id),
    run=lambda b, u, d: svc.booking_cancel(booking=b, reason=d["reason"], actor=u), style="outline-danger",
    error_fields={"reason": "reason"}), url_name="meetings:cancel")

# a checklist line is shown (and ticked) on its booking's page
CHECK = Registry("meetings.check", get_object=_line, page_url=lambda c: c.booking.get_absolute_url())
CHECK.add(Action(
    "tick", _("Done"), ConfirmForm,
    lambda u, c: c.done_at is None and c.booking.status in svc.LIVE and perm.can_tick(u, c.booking),
    run=lambda c, u, d: svc.booking_check_tick(line=c, actor=u), style="outline-primary"), url_name="meetings:tick")
