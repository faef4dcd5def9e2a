"""Demo emergencies, duty list, drills and supplies (SPEC E-01, E-02). Idempotent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from emergencies import services as svc
from emergencies.models import SupplyItem
from estates.models import Site, Staff


def _s(code: str, role: str):
    return Staff.objects.filter(user__username=f"{code.lower()}_{role}").select_related("user").first()


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    for code in ("SSTY", "LYXQ"):
        site = Site.objects.filter(code=code).first()
        head, desk, officer = _s(code, "center_head"), _s(code, "front_desk"), _s(code, "security_officer")
        sec, eng = _s(code, "security_supervisor"), _s(code, "dept_staff")
        if site is None or not (head and desk and officer and sec) or SupplyItem.objects.filter(site=site).exists():
            continue
        duties = [(head, "总指挥"), (sec, "现场警戒"), (officer, "疏散引导"), (desk, "通讯联络")]
        for i, (staff, duty) in enumerate(duties):
            svc.duty_member_add(site=site, staff=staff, duty=duty, position=i, actor=head.user)
        today = timezone.localdate(now)
        for name, qty, low, unit, exp in [("沙袋", 30, 50, "袋", None), ("手电筒", 12, 10, "支", None),
                                          ("急救箱", 4, 3, "个", today + timedelta(days=200)),
                                          ("灭火器（干粉）", 40, 40, "具", today - timedelta(days=10)),
                                          ("雨衣雨靴", 20, 10, "套", None)]:
            item = svc.supply_add(site=site, name=name, quantity=qty, min_quantity=low, unit=unit, expires_on=exp,
                                  location="地下一层应急物资库", actor=head.user)
            svc.supply_check(item=item, quantity=qty, usable=True, actor=officer.user, now=now - timedelta(days=7))
        t = now - timedelta(days=5)
        ev = svc.emergency_open(site=site, kind="lift", title="5号楼1单元电梯困人", location="5号楼1单元2号梯",
                                started_at=t, commander=head, team=[officer, *( [eng] if eng else [])],
                                actor=desk.user, now=t)
        svc.emergency_timeline_add(event=ev, at=t + timedelta(minutes=3), text="保安到场，与被困人员通话安抚",
                                   on_scene=True, actor=officer.user, now=t + timedelta(minutes=4))
        svc.emergency_timeline_add(event=ev, at=t + timedelta(minutes=18), text="电梯维保人员到场，盘车放人",
                                   actor=officer.user, now=t + timedelta(minutes=20))
        svc.emergency_close(event=ev, followup="通知维保单位全面检查门机，三日内提交报告", actor=head.user,
                            now=t + timedelta(minutes=40))
        period = svc.drill_period_ensure(site=site, now=now)
        fire = svc.drill_plan(site=site, kind="fire", planned_on=max(period.start, today - timedelta(days=10)),
                              actor=head.user, now=now)
        held = min(now - timedelta(days=1), timezone.make_aware(datetime.combine(fire.planned_on, datetime.min.time()))
                   + timedelta(hours=15))
        svc.drill_record(drill=fire, held_at=held, participants=[head, sec, officer, desk], residents_count=35,
                         findings="2号楼消防通道有杂物堆放，已通知清理", actor=head.user, now=now)
        svc.drill_plan(site=site, kind="flood", planned_on=date.fromordinal(today.toordinal() + 30), actor=head.user,
                       now=now)
        if stdout:
            stdout.write(f"emergencies: demo for {code}")
