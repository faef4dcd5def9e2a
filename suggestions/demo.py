"""Demo suggestions (SPEC C-15): one waiting for the director, one adopted and done, one not adopted."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from estates.models import Site, Staff
from suggestions import services as svc
from suggestions.models import Suggestion


def _user(code: str, role: str):
    s = Staff.objects.filter(user__username=f"{code.lower()}_{role}").select_related("user").first()
    return s


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    for code in ("SSTY", "LYXQ"):
        site = Site.objects.filter(code=code).first()
        desk, director, zone = _user(code, "front_desk"), _user(code, "site_director"), _user(code, "zone_manager")
        if site is None or not (desk and director and zone) or Suggestion.objects.filter(site=site).exists():
            continue
        t0 = now - timedelta(days=20)
        a = svc.suggestion_record(site=site, subject="增设快递柜",
                                  content="建议在各楼栋大堂增设智能快递柜，方便老人取件。", name="王先生",
                                  phone="13800138000", channel="box", actor=desk.user, now=t0)
        svc.suggestion_decide(suggestion=a, adopt=True, reason="业主需求普遍，可与快递柜公司合作免费安装",
                              action="联系快递柜公司在3、5、8号楼安装", owner=zone,
                              due_date=date.fromordinal(timezone.localdate(t0).toordinal() + 14),
                              actor=director.user, now=t0 + timedelta(days=2))
        svc.suggestion_complete(suggestion=a, note="三栋楼快递柜已安装投用", actor=zone.user,
                                now=t0 + timedelta(days=12))
        svc.suggestion_tell_resident(suggestion=a, how="电话告知王先生", actor=desk.user, now=t0 + timedelta(days=12))
        b = svc.suggestion_record(site=site, subject="延长游泳池开放时间", content="夏季游泳池开放到晚上十点。",
                                  name="李女士", channel="visit", actor=desk.user, now=t0 + timedelta(days=3))
        svc.suggestion_decide(suggestion=b, adopt=False, reason="晚间噪音影响低层住户休息，维持现开放时间",
                              actor=director.user, now=t0 + timedelta(days=5))
        svc.suggestion_record(site=site, subject="小区广场增设座椅", content="广场周边座椅太少，建议增设。",
                              name="张阿姨", channel="phone", actor=desk.user, now=now - timedelta(days=1))
        if stdout:
            stdout.write(f"suggestions: demo for {code}")
