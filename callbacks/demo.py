"""Demo callbacks, visit plans and sampling at both demo sites (SPEC §4). Idempotent.

Units stand in as subjects until the work orders and complaints seed their own callbacks.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from callbacks.models import Callback, Result
from callbacks.services import (
    callback_attempt_record,
    callback_request,
    promised_reply_create,
    relationship_plan_create,
    relationship_task_add,
    relationship_task_record,
    sampling_draw,
    visit_plan_generate,
    visit_record,
)
from estates.models import Site, Unit, Zone

SUMMARIES = ["更换厨房水龙头", "疏通卫生间下水", "维修单元门禁", "更换楼道灯泡", "修补外墙渗水", "清理地下车库积水",
             "调试对讲门铃", "修剪楼前绿篱", "更换电梯按钮", "维修入户门锁"]


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    unit_ct = ContentType.objects.get_for_model(Unit)
    for code in ("SSTY", "LYXQ"):
        site = Site.objects.filter(code=code).first()
        if site is None:
            continue
        if Callback.objects.filter(site=site, subject_type=unit_ct).exists():
            continue
        _seed_site(site, now=now, prefix=code.lower())
        if stdout is not None:
            stdout.write(f"callbacks: demo callbacks and visit plans for {site.name}\n")


def _seed_site(site: Site, *, now: datetime, prefix: str) -> None:
    rng = random.Random(f"callbacks-demo-{site.code}")
    staff = _user(f"{prefix}_zone_staff")
    manager = _user(f"{prefix}_zone_manager")
    units = list(Unit.objects.filter(site=site, residents__isnull=False).distinct().order_by("pk")[:400])
    if not units or staff is None:
        return
    picks = rng.sample(units, min(len(units), 16))

    def make(i: int, created: datetime, kind: str = "ticket") -> Callback:
        u = picks[i]
        code = "ticket.callback" if kind == "ticket" else "complaint.callback"
        return callback_request(subject=u, site_id=site.pk, kind=kind, policy_code=code, now=created, unit=u,
                                summary=SUMMARIES[i % len(SUMMARIES)], department_report="已处理完毕，业主签字确认")

    # open: due today or tomorrow
    for i in range(0, 4):
        make(i, now - timedelta(hours=2 + i), kind="ticket" if i % 2 == 0 else "complaint")
    # overdue: returned days ago
    for i in range(4, 7):
        make(i, now - timedelta(days=5 + i))
    # done: on time and late
    results = [Result.SATISFIED, Result.BASICALLY, Result.SATISFIED, Result.UNSATISFIED]
    for i in range(7, 11):
        cb = make(i, now - timedelta(days=3))
        callback_attempt_record(callback=cb, actor=staff, method="phone", number_dialled=cb.phone or "13800000000",
                                result=results[i - 7],
                                comment="业主表示已修好" if i != 10 else "业主认为仍有异响",
                                now=now - timedelta(days=3) + timedelta(hours=3 + i))
    # closed as unreachable after 3 attempts
    cb = make(11, now - timedelta(days=4))
    for h in (2, 6, 24):
        callback_attempt_record(callback=cb, actor=staff, method="phone", number_dialled=cb.phone or "13800000000",
                                result=Result.UNREACHABLE, comment="无人接听", now=now - timedelta(days=4, hours=-h))
    # site check pending (CB-03)
    cb = make(12, now - timedelta(days=1))
    callback_attempt_record(callback=cb, actor=staff, method="phone", number_dialled=cb.phone or "13800000000",
                            result=Result.UNSATISFIED, mismatch=True, mismatch_note="业主说维修人员未上门",
                            now=now - timedelta(hours=20))
    # a promised reply (CB-05)
    cb = make(13, now - timedelta(hours=1))
    promised_reply_create(site_id=site.pk, callback=cb, question="车位月租能否按季度缴纳？", actor=staff,
                          due_at=now + timedelta(days=1), now=now)
    # this month's visit plans, a few visits recorded
    month = timezone.localdate(now).replace(day=1)
    plans = visit_plan_generate(site=site, month=month, now=now)
    for plan in plans:
        for k, v in enumerate(plan.visits.order_by("position")[: 3 + plan.pk % 4]):
            when = max(now - timedelta(days=k + 1), timezone.make_aware(datetime.combine(month, datetime.min.time())))
            visit_record(visit=v, actor=plan.visitor, result=Result.SATISFIED, signed_on_paper=True,
                         signer_name=v.unit.residents.first().name, comment="走访：对物业服务总体满意",
                         now=when if when < now else now)
    # quality sampling of last month (CB-06), units standing in for closed complaints
    last_end = month - timedelta(days=1)
    cands = [(u, u, u.residents.first()) for u in units[200:240]]
    if cands and manager is not None:
        sampling_draw(site=site, period_start=last_end.replace(day=1), period_end=last_end, candidates=cands,
                      now=now)
    _seed_relationship(site, month=month, now=now, prefix=prefix)


def _seed_relationship(site: Site, *, month: Any, now: datetime, prefix: str) -> None:
    """CB-08: this month's relationship plan, a greeting and an information update per zone, one done."""
    supervisor, staff = _user(f"{prefix}_cs_supervisor"), _user(f"{prefix}_zone_staff")
    if supervisor is None:
        return
    plan = relationship_plan_create(site=site, month=month, actor=supervisor, now=now,
                                    notes="节日问候与住户资料更新，各片区本月内完成。")
    last_day = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for zone in Zone.objects.filter(site=site).order_by("name"):
        greeting = relationship_task_add(plan=plan, zone=zone, kind="greeting", title="节日上门问候独居老人",
                                         due_date=last_day, actor=supervisor, now=now)
        relationship_task_add(plan=plan, zone=zone, kind="info_update", title="核对更新住户联系电话",
                              due_date=last_day, actor=supervisor, now=now)
        zone_staff = getattr(staff, "staff", None)
        if zone_staff is not None and zone_staff.zone_id == zone.pk:
            relationship_task_record(task=greeting, actor=staff, result="已上门问候并赠送春联", households=12, now=now)


__all__ = ["seed"]
