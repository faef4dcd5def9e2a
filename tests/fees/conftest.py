"""Fees fixtures: site A's charge items (management fee per m², parking per space, tiered water,
fixed garbage fee), a water meter per unit and the cashiers; a frozen clock."""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from fees import services as svc
from fees.models import ChargeItem, Meter, UnitCharge

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # a Monday
NOV = date(2026, 11, 1)
OCT = date(2026, 10, 1)


def setup_fees(ns, *, effective_from=date(2026, 1, 1)):
    fin = ns.users["finance"]
    mgmt = svc.charge_item_create(site=ns.site, code="WY", name="物业管理费", kind=ChargeItem.Kind.PER_AREA,
                                  price="2.35", actor=fin, effective_from=effective_from, applies_to_all=True,
                                  unit_label="m²")
    park = svc.charge_item_create(site=ns.site, code="CW", name="车位管理费", kind=ChargeItem.Kind.PER_SPACE,
                                  price="150.00", actor=fin, effective_from=effective_from)
    water = svc.charge_item_create(site=ns.site, code="SF", name="水费", kind=ChargeItem.Kind.METERED,
                                   meter_kind="water", price="3.50", actor=fin, effective_from=effective_from,
                                   tiers=[["10", "3.50"], [None, "5.00"]], applies_to_all=True)
    garbage = svc.charge_item_create(site=ns.site, code="LJ", name="垃圾清运费", kind=ChargeItem.Kind.FIXED,
                                     price="10.00", actor=fin, effective_from=effective_from, applies_to_all=True)
    UnitCharge.objects.create(site=ns.site, unit=ns.units[0], item=park, quantity=Decimal("1"))
    meters = [Meter.objects.create(site=ns.site, unit=u, building=u.building, kind="water", number=f"W{u.code}")
              for u in ns.units]
    return SimpleNamespace(mgmt=mgmt, park=park, water=water, garbage=garbage, meters=meters)


@pytest.fixture
def fees_a(site_a):
    return setup_fees(site_a)


@pytest.fixture
def fees_b(site_b):
    return setup_fees(site_b)


def read_meters(ns, f, period, values):
    for meter, v in zip(f.meters, values, strict=False):
        svc.meter_reading_record(meter=meter, period=period, reading=v, actor=ns.users["zone_staff"], now=T0)
