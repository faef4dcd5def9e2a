from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from estates.selectors import visible
from meetings.models import Booking, BookingCheck, Room


def room_list_visible_to(user: Any) -> QuerySet[Room]:
    return visible(Room.objects.filter(is_active=True), user)


def booking_list_visible_to(user: Any) -> QuerySet[Booking]:
    return visible(Booking.objects.select_related("room", "staff_on_duty", "site"), user)


def check_list_visible_to(user: Any) -> QuerySet[BookingCheck]:
    return visible(BookingCheck.objects.select_related("booking"), user, field="booking__site_id")
