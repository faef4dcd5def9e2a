"""Demo visitor/call log and shift work logs at both demo sites (SPEC RC-01, RC-02). Idempotent."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from estates.models import Site, Unit
from reception.models import ReceptionEntry
from reception.services import handover_acknowledge, reception_entry_register, work_log_create

MATTERS = [
    ("consultation", "物业费缴费方式咨询", "可在前台刷卡、扫码或银行代扣"),
    ("consultation", "装修需要办理哪些手续", "需办理装修申请并缴纳押金，详见装修管理规定"),
    ("request", "楼道灯不亮", "已转报事单，工程部今日处理"),
    ("complaint", "楼上夜间噪音", "已登记投诉，片区管理员上门协调"),
    ("other", "快递代收", "已告知快递柜位置"),
    ("consultation", "车位租赁价格", ""),
]
NAMES = ["王先生", "李女士", "张阿姨", "刘先生", "陈女士", "杨先生"]


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    User = get_user_model()
    for code in ("SSTY", "LYXQ"):
        site = Site.objects.filter(code=code).first()
        if site is None or ReceptionEntry.objects.filter(site=site).exists():
            continue
        desk = User.objects.filter(username=f"{code.lower()}_front_desk").first()
        desk2 = User.objects.filter(username=f"{code.lower()}_front_desk_2").first() or \
            User.objects.filter(username=f"{code.lower()}_cs_supervisor").first()
        guard = User.objects.filter(username=f"{code.lower()}_security_officer").first()
        if desk is None:
            continue
        rng = random.Random(f"reception-demo-{code}")
        units = list(Unit.objects.filter(site=site).order_by("pk")[:300])
        for i in range(24):
            purpose, content, answer = MATTERS[i % len(MATTERS)]
            at = now - timedelta(hours=3 * i + 1)
            promise = None if answer else now + timedelta(hours=rng.choice([-5, 20, 30]))
            if promise is not None and promise <= now:
                # an overdue promise: registered earlier with the promise still in the future then
                reception_entry_register(site=site, actor=desk, channel=rng.choice(["visit", "call"]),
                                         person_name=NAMES[i % len(NAMES)], purpose=purpose, content=content,
                                         unit=rng.choice(units) if units else None, at=at,
                                         promised_reply_at=promise, now=at)
                continue
            reception_entry_register(site=site, actor=desk, channel=rng.choice(["visit", "call"]),
                                     person_name=NAMES[i % len(NAMES)], purpose=purpose, content=content,
                                     answer=answer, unit=rng.choice(units) if units else None, at=at,
                                     promised_reply_at=promise, now=at)
        for d in range(3, 0, -1):
            day = now - timedelta(days=d)
            log = work_log_create(site=site, actor=desk, shift="day", log_date=timezone.localdate(day),
                                  content="接待来访来电，办理装修登记，收发快递通知。",
                                  handovers=[("3号楼2单元业主钥匙待取", "next_shift"),
                                             ("今晚22点装修垃圾清运车进场，请放行", "security")], now=day)
            if d > 1 and desk2 is not None:
                for item in log.handovers.all():
                    actor = guard if item.target == "security" and guard is not None else desk2
                    handover_acknowledge(item=item, actor=actor, note="已知悉", now=day + timedelta(hours=2))
        if stdout is not None:
            stdout.write(f"reception: demo visitor log and work logs for {site.name}\n")
