"""SPEC M-01: rooms and bookings (no double booking, also under concurrent requests), confirmation the day
before, the checklist by size class from seed 004 ticked by the staff on duty, the day view."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.errors import DomainError
from meetings import services as svc
from meetings.models import Booking

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def at(*a):
    return datetime(*a, tzinfo=TZ)


@pytest.fixture
def room_a(site_a):
    return svc.room_create(site=site_a.site, name="一楼会议室", capacity=30, actor=site_a.users["front_desk"])


def book(ns, room, start, end, size="small", now=T0, **kw):
    return svc.booking_create(room=room, title=kw.pop("title", "业委会例会"), organiser="业委会", attendees=12,
                              size=size, starts_at=start, ends_at=end, staff_on_duty=ns.staff["front_desk"],
                              actor=ns.users["front_desk"], now=now, **kw)


# SPEC M-01: the same room twice at overlapping times is refused; back-to-back is fine
def test_double_booking_refused(site_a, room_a):
    b = book(site_a, room_a, at(2026, 11, 25, 9, 0), at(2026, 11, 25, 11, 0))
    with pytest.raises(DomainError) as err:
        book(site_a, room_a, at(2026, 11, 25, 10, 30), at(2026, 11, 25, 12, 0), title="物业例会")
    assert err.value.code == "double_booked" and "业委会例会" in err.value.message
    book(site_a, room_a, at(2026, 11, 25, 11, 0), at(2026, 11, 25, 12, 0), title="物业例会")
    svc.booking_cancel(booking=b, reason="改期", actor=site_a.users["front_desk"])
    book(site_a, room_a, at(2026, 11, 25, 9, 0), at(2026, 11, 25, 10, 0), title="改到这里")  # freed
    for start, end, code in [(at(2026, 11, 26, 10, 0), at(2026, 11, 26, 9, 0), "ends_at"),
                             (at(2026, 11, 20, 10, 0), at(2026, 11, 20, 11, 0), "starts_at")]:
        with pytest.raises(DomainError) as err:
            book(site_a, room_a, start, end)
        assert err.value.code == code


# SPEC M-01: seed 004 checklist by size class: large/important checked the day before, duty 1 h before;
# small 30 min; greeter 15 min before; tea every 15 minutes; clean-up at the end
def test_checklist_by_size_class(site_a, room_a):
    start, end = at(2026, 11, 25, 14, 0), at(2026, 11, 25, 16, 0)
    small = book(site_a, room_a, start, end)
    big = book(site_a, room_a, at(2026, 11, 26, 14, 0), at(2026, 11, 26, 16, 0), size="important")
    s = {c.text: c.due_at for c in small.checks.all()}
    b = {c.text: c.due_at for c in big.checks.all()}
    assert s["服务员着工作服、戴工作牌，提前30分钟到岗"] == start - timedelta(minutes=30)
    assert s["提前15分钟在会议室门外迎候参会人员"] == start - timedelta(minutes=15)
    assert s["会后清洁茶杯及会议室，关好灯、音响、空调、门、窗"] == end
    assert not any("提前一天" in t for t in s)
    assert b["检查达标后对会议室封闭管理，无关人员不得进入"] == at(2026, 11, 25, 14, 0)
    assert b["服务员着工作服、戴工作牌，提前1小时到岗"] == at(2026, 11, 26, 13, 0)
    assert any("每隔15分钟加茶水" in t for t in b)


# SPEC M-01: ticked by the staff on duty only; confirmed the day before
def test_tick_and_confirm(site_a, site_b, room_a):
    b = book(site_a, room_a, at(2026, 11, 25, 14, 0), at(2026, 11, 25, 16, 0))
    line = b.checks.first()
    with pytest.raises(DomainError):
        svc.booking_check_tick(line=line, actor=site_a.users["cs_supervisor"], now=T0)
    line = svc.booking_check_tick(line=line, actor=site_a.users["front_desk"], now=T0)
    assert line.done_by == site_a.users["front_desk"]
    with pytest.raises(DomainError) as err:
        svc.booking_confirm(booking=b, actor=site_a.users["front_desk"], now=T0)  # two days before
    assert err.value.code == "too_early"
    b = svc.booking_confirm(booking=b, actor=site_a.users["front_desk"], now=at(2026, 11, 24, 9, 0))
    assert b.status == Booking.Status.CONFIRMED


# SPEC M-01, X-02: the day view; another site's booking is 404
def test_day_view_and_isolation(client, site_a, site_b, room_a):
    b = book(site_a, room_a, at(2026, 11, 25, 14, 0), at(2026, 11, 25, 16, 0))
    client.force_login(site_a.users["front_desk"])
    page = client.get(reverse("meetings:day") + "?day=2026-11-25").content.decode()
    assert "业委会例会" in page and "一楼会议室" in page
    assert "业委会例会" not in client.get(reverse("meetings:day") + "?day=2026-11-26").content.decode()
    client.force_login(site_b.users["front_desk"])
    assert client.get(reverse("meetings:booking", args=[b.pk])).status_code == 404
    assert client.post(reverse("meetings:tick", args=[b.checks.first().pk])).status_code == 404
    assert "一楼会议室" not in client.get(reverse("meetings:day") + "?day=2026-11-25").content.decode()


# issue 14.1: confirm, cancel and tick are declared steps run by the generic view at the same URLs; a refusal
# comes back on the booking's page next to its form, nothing changed
@time_machine.travel(T0, tick=False)
def test_steps_through_the_page(client, site_a, room_a):
    b = book(site_a, room_a, at(2026, 11, 25, 14, 0), at(2026, 11, 25, 16, 0))
    page = reverse("meetings:booking", args=[b.pk])
    client.force_login(site_a.users["cs_supervisor"])  # may book, is not on duty
    html = client.get(page).content.decode()
    assert 'data-testid="action-confirm"' in html and 'data-testid="action-tick"' not in html
    r = client.post(reverse("meetings:confirm", args=[b.pk]))  # more than a day before (M-01)
    assert r.status_code == 422 and r.context["forms"]["confirm"].non_field_errors()
    r = client.post(reverse("meetings:cancel", args=[b.pk]), {"reason": ""})
    assert r.status_code == 422 and "reason" in r.context["forms"]["cancel"].errors
    r = client.post(reverse("meetings:tick", args=[b.checks.first().pk]))
    assert r.status_code == 422 and b.checks.filter(done_at__isnull=False).count() == 0
    client.force_login(site_a.users["front_desk"])  # the staff on duty
    assert client.post(reverse("meetings:tick", args=[b.checks.first().pk])).status_code == 302
    assert b.checks.filter(done_at__isnull=False).count() == 1
    client.force_login(site_a.users["cs_supervisor"])
    assert client.post(reverse("meetings:cancel", args=[b.pk]), {"reason": "改期"})["Location"] == page
    b.refresh_from_db()
    assert b.status == Booking.Status.CANCELLED and b.cancel_reason == "改期"
    html = client.get(page).content.decode()
    assert 'data-testid="action-confirm"' not in html and 'data-testid="action-cancel"' not in html
