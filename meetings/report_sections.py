"""Meeting service (M-01) on the dashboard and in the monthly report."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Booking, BookingCheck
from reports.registry import Figure, Section, Table, register

LIVE = [Booking.Status.BOOKED, Booking.Status.CONFIRMED]


@register
class MeetingSection(Section):
    key = "meetings"
    title = _("Meeting service")
    order = 76
    requires = ("meetings.Booking",)

    def dashboard(self, *, site_ids: list[int], now: datetime):
        day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        qs = Booking.objects.filter(site_id__in=site_ids, status__in=LIVE)
        today = qs.filter(starts_at__gte=day, starts_at__lt=day + timedelta(days=1)).count()
        unconfirmed = qs.filter(status=Booking.Status.BOOKED, starts_at__gte=day + timedelta(days=1),
                                starts_at__lt=day + timedelta(days=2)).count()
        late = BookingCheck.objects.filter(booking__in=qs, done_at__isnull=True, due_at__lt=now,
                                           due_at__gte=now - timedelta(days=1)).count()
        url = reverse("meetings:day")
        return self.block(figures=[
            Figure("meetings_today", _("Meetings today"), today, url=url),
            Figure("meetings_unconfirmed", _("Tomorrow's meetings not confirmed"), unconfirmed,
                   alert=unconfirmed > 0, url=url + f"?day={(day + timedelta(days=1)).date().isoformat()}"),
            Figure("meeting_checks_late", _("Meeting checklist lines late"), late, alert=late > 0, url=url)])

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):
        by_size = dict(Booking.objects.filter(site_id__in=site_ids, status__in=LIVE, starts_at__gte=start,
                                              starts_at__lt=end).values_list("size").annotate(n=Count("pk"))
                       .values_list("size", "n"))
        checks = BookingCheck.objects.filter(booking__site_id__in=site_ids, booking__status__in=LIVE,
                                             booking__starts_at__gte=start, booking__starts_at__lt=end).aggregate(
            all=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False)))
        table = Table("meetings_by_size", _("Meetings by size class"), [str(_("Size class")), str(_("Meetings"))],
                      [[str(label), by_size.get(code, 0)] for code, label in Booking.Size.choices])
        return self.block(figures=[
            Figure("meetings", _("Meetings served"), sum(by_size.values()), url=reverse("meetings:day")),
            Figure("meeting_checks_done", _("Checklist lines done"), checks["done"]),
            Figure("meeting_checks", _("Checklist lines"), checks["all"])], tables=[table])
