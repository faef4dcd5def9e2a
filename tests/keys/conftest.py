"""Key custody fixtures: a cabinet per site (custodian: the front desk) and helpers to walk a key."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from keys import services as svc
from keys.models import KeyApproval

TZ = ZoneInfo("Asia/Shanghai")
# a Monday (working day) at 10:00
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def _cabinet(ns):
    return svc.key_cabinet_create(site=ns.site, name=f"{ns.site.code}钥匙柜", slots=5,
                                  custodian=ns.staff["front_desk"], now=T0)


@pytest.fixture
def cab_a(site_a):
    return _cabinet(site_a)


@pytest.fixture
def cab_b(site_b):
    return _cabinet(site_b)


def register(ns, now=T0, **kw):
    return svc.key_deposit_register(site=ns.site, unit=ns.units[0], reason="resident",
                                    key_description="入户门钥匙", key_count=2, actor=ns.users["zone_staff"],
                                    now=now, **kw)


def approve_deposit(ns, dep, now=T0):
    svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_PROPERTY, actor=ns.users["center_head"],
                            now=now)
    return svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_SECURITY,
                                   actor=ns.users["security_supervisor"], now=now)


def stored_key(ns, cab, seal="S-0001", slot_no=1, now=T0):
    dep = approve_deposit(ns, register(ns, now=now), now=now)
    slot = cab.slots.get(number=slot_no)
    return svc.key_deposit_store(deposit=dep, slot=slot, seal_number=seal, actor=ns.users["front_desk"],
                                 witness=ns.staff["security_officer"], now=now)


def approved_use(ns, dep, now=T0, planned_return=None):
    use = svc.key_use_request(deposit=dep, purpose="水管维修", actor=ns.users["zone_staff"],
                              planned_out=now, planned_return=planned_return or now + timedelta(hours=2), now=now)
    svc.key_use_approve(use=use, kind=KeyApproval.Kind.USE_PROPERTY, actor=ns.users["center_head"], now=now)
    return svc.key_use_approve(use=use, kind=KeyApproval.Kind.USE_SECURITY, actor=ns.users["security_supervisor"],
                               now=now)


# a drawn signature as the signature pad sends it
SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
             "AAAABJRU5ErkJggg==")


def sign_entry(ns, use, now=T0):
    """SPEC K-04: the two staff sign in their own logins, the contractor's lead draws his signature."""
    svc.key_use_sign_entry(use=use, actor=ns.users["zone_staff"], now=now)
    return svc.key_use_sign_entry(use=use, actor=ns.users["security_officer"], contractor_signature=SIGNATURE,
                                  now=now)


def out_use(ns, dep, now=T0, planned_return=None, signed=True):
    use = approved_use(ns, dep, now=now, planned_return=planned_return)
    use = svc.key_use_take_out(use=use, property_staff=ns.staff["zone_staff"],
                               security_staff=ns.staff["security_officer"], actor=ns.users["front_desk"],
                               contractor_lead="王师傅", now=now)
    return sign_entry(ns, use, now=now) if signed else use


@pytest.fixture
def keyflow():
    return SimpleNamespace(register=register, approve_deposit=approve_deposit, stored_key=stored_key,
                           approved_use=approved_use, out_use=out_use, sign_entry=sign_entry,
                           T0=T0)
