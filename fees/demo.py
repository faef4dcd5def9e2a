"""Demo fees (issue 16 part 10): at 山水庭苑 (SSTY) a year of monthly bills (management fee per m²,
garbage fee, parking for some units, tiered water for building 1 from monthly readings), payments at
the desk, by mobile and by bank collection, units in arrears of every age, one reminder, one deposit
and one reversal."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from estates.models import Site, Staff, Unit
from fees import services as svc
from fees.models import Bill, ChargeItem, Meter, Payment, UnitCharge

SITE_CODE = "SSTY"


def _user(code: str, role: str):
    return Staff.objects.select_related("user").get(user__username=f"{code.lower()}_{role}").user


def _month(d: date, back: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - back, 12)
    return date(y, m + 1, 1)


def seed(*, now: datetime, stdout=None) -> None:
    site = Site.objects.filter(code=SITE_CODE).first()
    if site is None or ChargeItem.objects.filter(site=site).exists():
        return
    rng = random.Random(16)
    fin, desk, zone = _user(SITE_CODE, "finance"), _user(SITE_CODE, "front_desk"), _user(SITE_CODE, "zone_staff")
    this_month = timezone.localdate(now).replace(day=1)
    start = _month(this_month, 12)
    svc.charge_item_create(site=site, code="WY", name="物业管理费", kind=ChargeItem.Kind.PER_AREA, price="2.35",
                           actor=fin, effective_from=start, applies_to_all=True, unit_label="m²", sort=1)
    svc.charge_item_create(site=site, code="LJ", name="垃圾清运费", kind=ChargeItem.Kind.FIXED, price="10.00",
                           actor=fin, effective_from=start, applies_to_all=True, sort=2)
    svc.charge_item_create(site=site, code="SF", name="水费", kind=ChargeItem.Kind.METERED, meter_kind="water",
                                   price="3.50", tiers=[["20", "3.50"], ["30", "4.90"], [None, "6.20"]], actor=fin,
                                   effective_from=start, applies_to_all=True, unit_label="吨", sort=3)
    park = svc.charge_item_create(site=site, code="CW", name="车位管理费", kind=ChargeItem.Kind.PER_SPACE,
                                  price="150.00", actor=fin, effective_from=start, unit_label="个", sort=4)
    # a price change half-way through the year: old bills keep the old price (F-01)
    svc.tariff_set(item=park, price="180.00", effective_from=_month(this_month, 6), actor=fin)
    units = list(Unit.objects.filter(site=site, occupancy=Unit.Occupancy.OCCUPIED, archived=False)
                 .select_related("building").order_by("code"))
    UnitCharge.objects.bulk_create([UnitCharge(site=site, unit=u, item=park) for u in units[::7]])
    b1 = [u for u in units if u.building.number == "1"]
    meters = Meter.objects.bulk_create([Meter(site=site, unit=u, building=u.building, kind="water",
                                              number=f"SB{u.code}") for u in b1])
    meters.append(Meter.objects.create(site=site, building=b1[0].building, kind="water", number="SB1-GG",
                                       label="1栋公共区域"))
    level = {m.pk: Decimal(rng.randrange(100, 900)) for m in meters}
    for back in range(13, 0, -1):  # readings from the month before the first bill on
        period = _month(this_month, back)
        at = datetime(period.year, period.month, 25, 10, tzinfo=timezone.get_current_timezone())
        for m in meters:
            level[m.pk] += Decimal(rng.randrange(8, 35))
            svc.meter_reading_record(meter=m, period=period, reading=level[m.pk], actor=zone, now=at)
    for back in range(12, 0, -1):
        period = _month(this_month, back)
        svc.bill_run_now(site=site, period=period, actor=fin,
                         now=datetime(period.year, period.month, 28, 9, tzinfo=timezone.get_current_timezone()))
    # payments: most pay each half-year; some stop paying (arrears of every age); some pay part
    methods = [Payment.Method.CASH, Payment.Method.MOBILE, Payment.Method.TRANSFER, Payment.Method.BANK_COLLECTION]
    for i, u in enumerate(units):
        habit = rng.random()
        bills = list(Bill.objects.filter(unit=u).order_by("period"))
        if not bills or habit < 0.06:
            continue  # never paid: 12+ months
        stop = len(bills) if habit > 0.25 else rng.randrange(1, len(bills))  # stopped paying after `stop` months
        for half in (bills[:6], bills[6:stop]):
            half = [b for b in half if b in bills[:stop]]
            if not half:
                continue
            amount = sum((b.total for b in half), Decimal("0"))
            if rng.random() < 0.1:
                amount = (amount * Decimal("0.6")).quantize(Decimal("1"))  # a partial payment
            if amount <= 0:
                continue
            last = half[-1].period
            at = datetime(last.year, last.month, 1, 9, tzinfo=timezone.get_current_timezone()) + timedelta(
                days=33 + i % 20, minutes=i)
            svc.payment_post(unit=u, amount=amount, method=methods[i % 4], actor=desk if i % 4 != 3 else fin,
                             now=min(at, now))
    # one reversal by finance (a mistyped amount), one deposit, one reminder for the oldest debtor
    first = Payment.objects.filter(site=site).order_by("received_at", "pk").first()
    if first is not None:
        svc.payment_reverse(payment=first, amount="10.00", reason="收款金额录入错误，多收10元", actor=fin,
                            now=first.received_at + timedelta(hours=2))
    svc.deposit_take(unit=units[3], amount="3000.00", method=Payment.Method.TRANSFER, reference="装修押金",
                     actor=desk, now=now - timedelta(days=20))
    debtor = (Bill.objects.filter(site=site, status=Bill.Status.OPEN).order_by("period", "unit__code")
              .values_list("unit_id", flat=True).first())
    if debtor is not None:
        svc.reminder_create(unit=Unit.objects.get(pk=debtor), actor=fin, now=now - timedelta(days=2))
    if stdout:
        stdout.write(f"fees: a year of bills and payments for {SITE_CODE} ({len(units)} units)")
