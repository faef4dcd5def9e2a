"""Meeting service (SPEC M-01): every rule lives here and re-checks its permission."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from meetings import permissions as perm
from meetings.checklists import BY_SIZE, END
from meetings.models import Booking, BookingCheck, Room

LIVE = [Booking.Status.BOOKED, Booking.Status.CONFIRMED]


def _need(ok: bool, message: str, code: str = "not_allowed") -> None:
    if not ok:
        raise DomainError(message, code=code)


@transaction.atomic
def room_create(*, site, name: str, capacity: int, actor: User, location: str = "") -> Room:
    _need(perm.can_book(actor, site.pk), _("You may not manage meeting rooms at this site."))
    _need(bool(name.strip()), _("Name the room."), "name")
    _need(capacity >= 1, _("A room has at least one seat."), "capacity")
    return Room.objects.create(site=site, name=name.strip()[:60], capacity=capacity, location=location[:100])


@transaction.atomic
def booking_create(*, room: Room, title: str, organiser: str, attendees: int, size: str, starts_at: datetime,
                   ends_at: datetime, staff_on_duty, actor: User, leader_level: str = Booking.Leader.NONE,
                   organiser_phone: str = "", now: datetime | None = None) -> Booking:
    """Book a room; the room row is locked so two concurrent requests cannot both take the same time."""
    now = now or timezone.now()
    _need(perm.can_book(actor, room.site_id), _("You may not book rooms at this site."))
    room = Room.objects.select_for_update().get(pk=room.pk)  # serialises bookings of this room
    _need(room.is_active, _("This room is not in use."), "room")
    _need(bool(title.strip()) and bool(organiser.strip()), _("Give the meeting and its organiser."), "title")
    _need(size in Booking.Size.values, _("Choose the size class."), "size")
    _need(leader_level in Booking.Leader.values, _("Choose the leader level."), "leader_level")
    _need(ends_at > starts_at, _("The meeting must end after it starts."), "ends_at")
    _need(starts_at > now, _("A meeting cannot be booked in the past."), "starts_at")
    _need(1 <= attendees <= room.capacity, _("The room seats %(n)d.") % {"n": room.capacity}, "attendees")
    _need(staff_on_duty.site_id == room.site_id and staff_on_duty.is_active,
          _("The staff on duty must work at this site."), "staff_on_duty")
    clash = Booking.objects.filter(room=room, status__in=LIVE, starts_at__lt=ends_at, ends_at__gt=starts_at).first()
    _need(clash is None, _("%(room)s is booked %(from)s–%(to)s for “%(title)s”.") % {
        "room": room.name, "from": timezone.localtime(clash.starts_at).strftime("%H:%M") if clash else "",
        "to": timezone.localtime(clash.ends_at).strftime("%H:%M") if clash else "",
        "title": clash.title if clash else ""}, "double_booked")
    b = Booking.objects.create(site_id=room.site_id, room=room, title=title.strip()[:200],
                               organiser=organiser.strip()[:100], organiser_phone=organiser_phone[:30],
                               attendees=attendees, size=size, leader_level=leader_level, starts_at=starts_at,
                               ends_at=ends_at, staff_on_duty=staff_on_duty, created_by=actor)
    lines = []
    for i, (text, before) in enumerate(BY_SIZE[size], start=1):
        due = ends_at if before == END else starts_at - timedelta(minutes=int(before))
        lines.append(BookingCheck(booking=b, position=i, text=text, due_at=due))
    BookingCheck.objects.bulk_create(lines)
    return b


@transaction.atomic
def booking_confirm(*, booking: Booking, actor: User, now: datetime | None = None) -> Booking:
    """M-01: confirmed with the organiser the day before (from the day before until the start)."""
    now = now or timezone.now()
    b = Booking.objects.select_for_update().get(pk=booking.pk)
    _need(perm.can_book(actor, b.site_id), _("You may not confirm bookings at this site."))
    _need(b.status == Booking.Status.BOOKED, _("Only a booked meeting is confirmed."), "bad_state")
    day_before = timezone.localdate(b.starts_at) - timedelta(days=1)
    _need(timezone.localdate(now) >= day_before and now < b.starts_at,
          _("Confirm the meeting with the organiser the day before."), "too_early")
    b.status, b.confirmed_at, b.confirmed_by = Booking.Status.CONFIRMED, now, actor
    b.save(update_fields=["status", "confirmed_at", "confirmed_by", "updated_at"])
    return b


@transaction.atomic
def booking_cancel(*, booking: Booking, reason: str, actor: User) -> Booking:
    b = Booking.objects.select_for_update().get(pk=booking.pk)
    _need(perm.can_book(actor, b.site_id), _("You may not cancel bookings at this site."))
    _need(b.status in LIVE, _("This booking is cancelled already."), "bad_state")
    _need(bool(reason.strip()), _("Give the reason for cancelling."), "reason")
    b.status, b.cancel_reason = Booking.Status.CANCELLED, reason.strip()[:200]
    b.save(update_fields=["status", "cancel_reason", "updated_at"])
    return b


@transaction.atomic
def booking_check_tick(*, line: BookingCheck, actor: User, now: datetime | None = None) -> BookingCheck:
    now = now or timezone.now()
    line = BookingCheck.objects.select_for_update().select_related("booking").get(pk=line.pk)
    _need(perm.can_tick(actor, line.booking), _("The checklist is ticked by the staff on duty for this meeting."))
    _need(line.booking.status in LIVE, _("This booking is cancelled."), "bad_state")
    _need(line.done_at is None, _("This line is ticked already."), "done")
    line.done_at, line.done_by = now, actor
    line.save(update_fields=["done_at", "done_by"])
    return line


def day_view(site_ids: list[int], day: date) -> list[dict]:
    """The rooms of the sites with their live bookings of the day, in time order."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    end = start + timedelta(days=1)
    rooms = list(Room.objects.filter(site_id__in=site_ids, is_active=True).select_related("site"))
    bookings = (Booking.objects.filter(room__in=rooms, status__in=LIVE, starts_at__lt=end, ends_at__gt=start)
                .select_related("staff_on_duty").prefetch_related("checks"))
    by_room: dict[int, list[Booking]] = {}
    for b in bookings:
        by_room.setdefault(b.room_id, []).append(b)
    return [{"room": r, "bookings": by_room.get(r.pk, [])} for r in rooms]
