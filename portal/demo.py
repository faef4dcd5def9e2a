"""Demo resident account (login: the resident's phone, password `propserv-demo`), one online report
waiting at the front desk and two notices at SSTY (issue 22). Idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from estates.demo import DEMO_PASSWORD
from estates.models import Resident, Site
from portal.models import Notice, OnlineReport, ResidentAccount
from portal.services import account_open, notice_publish, report_submit

PASSWORD = DEMO_PASSWORD


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    site = Site.objects.filter(code="SSTY").first()
    desk = get_user_model().objects.filter(username="ssty_front_desk").first()
    if site is None or desk is None:
        return
    resident = (Resident.objects.filter(site=site, is_active=True).exclude(phone="")
                .filter(account__isnull=True).order_by("pk").first()
                if not ResidentAccount.objects.filter(site=site).exists() else None)
    if resident is not None:
        account, _token = account_open(resident=resident, actor=desk, now=now - timedelta(days=3))
        account.user.set_password(PASSWORD)
        account.user.save(update_fields=["password"])
        if stdout:
            stdout.write(f"demo: resident login {account.phone} / {PASSWORD}")
    account = ResidentAccount.objects.filter(site=site).order_by("pk").first()
    if account is not None and not OnlineReport.objects.filter(account=account).exists():
        report_submit(account=account, kind="repair", content="卫生间吊顶渗水，墙角有水渍",
                      preferred_time="工作日 18:00 以后", now=now - timedelta(hours=2))
    if not Notice.objects.filter(site=site).exists():
        notice_publish(site_id=site.pk, actor=desk, kind="outage", title="3号楼计划停水通知",
                       body="因二次供水设备检修，本周六 9:00–12:00 3号楼停水，请提前储水。",
                       now=now - timedelta(days=1))
        notice_publish(site_id=site.pk, actor=desk, kind="other", title="冬季消防安全提示",
                       body="请勿在楼道堆放杂物，电动车请到指定地点充电。", now=now - timedelta(days=2))
