"""Demo meeting rooms and bookings (SPEC M-01). Idempotent."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from estates.models import Site, Staff
from meetings import services as svc
from meetings.models import Room


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    for code in ("SSTY",):
        site = Site.objects.filter(code=code).first()
        desk = Staff.objects.filter(user__username=f"{code.lower()}_front_desk").select_related("user").first()
        desk2 = Staff.objects.filter(user__username=f"{code.lower()}_front_desk_2").first() or desk
        if site is None or desk is None or Room.objects.filter(site=site).exists():
            continue
        small = svc.room_create(site=site, name="一楼小会议室", capacity=12, location="会所一楼", actor=desk.user)
        big = svc.room_create(site=site, name="三楼多功能厅", capacity=120, location="会所三楼", actor=desk.user)
        day = timezone.localdate(now) + timedelta(days=1)

        def at(d, h, m=0):
            return timezone.make_aware(datetime.combine(d, time(h, m)))

        svc.booking_create(room=small, title="业委会月度例会", organiser="业主委员会", attendees=9, size="small",
                           starts_at=at(day, 9, 30), ends_at=at(day, 11), staff_on_duty=desk, actor=desk.user, now=now)
        svc.booking_create(room=big, title="街道社区工作会议", organiser="街道办事处", attendees=80, size="important",
                           leader_level="district", starts_at=at(day, 14, 30), ends_at=at(day, 17),
                           staff_on_duty=desk2, actor=desk.user, now=now)
        svc.booking_create(room=small, title="装修管理培训", organiser="客服中心", attendees=10, size="small",
                           starts_at=at(day + timedelta(days=1), 10), ends_at=at(day + timedelta(days=1), 11),
                           staff_on_duty=desk, actor=desk.user, now=now)
        if stdout:
            stdout.write(f"meetings: demo for {code}")
