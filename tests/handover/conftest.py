"""Handover fixtures: a takeover with its reply issued, item results, a key cabinet, scans."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from handover import services as svc
from handover.models import Scope
from keys import services as key_svc

TZ = ZoneInfo("Asia/Shanghai")
# a Monday (working day) at 10:00
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def results(scope: str, *, fail: int | None = None, note: str = "墙面开裂") -> dict[int, dict]:
    """Every item of the list passed, except the `fail`-th (0-based) which fails with `note`."""
    return {item.pk: {"passed": i != fail, "note": note if i == fail else ""}
            for i, item in enumerate(svc.items_of(scope))}


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


@pytest.fixture
def takeover_a(site_a):
    t = svc.takeover_register(site=site_a.site, developer="嘉华地产", notified_on=T0.date(),
                              actor=site_a.users["cs_supervisor"], now=T0)
    return svc.takeover_reply(takeover=t, text="资料已核对。", actor=site_a.users["cs_supervisor"], now=T0)


@pytest.fixture
def cab_a(site_a):
    return key_svc.key_cabinet_create(site=site_a.site, name="钥匙柜", slots=5, custodian=site_a.staff["front_desk"],
                                      now=T0)


def store_developer_key(ns, cab, inspection, now=T0, seal="S-100"):
    """A passed unit's keys received (H-01) then approved and stored by the keys app's dual control."""
    from keys.models import KeyApproval

    dep = svc.takeover_keys_receive(inspection=inspection, key_description="入户门钥匙", key_count=2,
                                    actor=ns.users["cs_supervisor"], now=now)
    key_svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_PROPERTY, actor=ns.users["center_head"],
                                now=now)
    key_svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_SECURITY,
                                actor=ns.users["security_supervisor"], now=now)
    return key_svc.key_deposit_store(deposit=dep, slot=cab.slots.get(number=1), seal_number=seal,
                                     actor=ns.users["front_desk"], witness=ns.staff["security_officer"], now=now)


UNIT, PUBLIC = Scope.UNIT, Scope.PUBLIC
