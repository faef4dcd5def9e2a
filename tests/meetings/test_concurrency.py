"""SPEC M-01: a room is not double-booked even when two requests arrive at the same moment (PostgreSQL)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.errors import DomainError
from meetings import services as svc
from meetings.models import Booking
from tests.concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


# SPEC M-01
def test_concurrent_overlapping_bookings_one_wins(site_a):
    room = svc.room_create(site=site_a.site, name="二楼会议室", capacity=20, actor=site_a.users["front_desk"])

    def attempt(i):
        return lambda: svc.booking_create(
            room=room, title=f"会议{i}", organiser="物业", attendees=5, size="small",
            starts_at=datetime(2026, 11, 25, 9, i * 5, tzinfo=TZ), ends_at=datetime(2026, 11, 25, 11, 0, tzinfo=TZ),
            staff_on_duty=site_a.staff["front_desk"], actor=site_a.users["front_desk"], now=T0)

    outcomes = run_at_once([attempt(i) for i in range(4)])
    won = [o for o in outcomes if isinstance(o, Booking)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 1 and len(refused) == 3, outcomes
    assert all(e.code == "double_booked" for e in refused)
    assert Booking.objects.filter(room=room).count() == 1
