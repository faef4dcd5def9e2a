"""The arrears summaries kept by the bill triggers (issue 16 benchmark: the aging page and the account
page under 100 ms with ≤ 10 queries at millions of ledger rows) — SPEC F-03, F-02."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fees import selectors as sel
from fees import services as svc
from fees.models import ArrearsCell, ArrearsUnit, Bill
from tests.fees.conftest import NOV, OCT, T0, read_meters

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(site_a, site_b, fees_a, fees_b):
    """Two months billed on two sites, partial payments, a reversal and a bill replaced by a re-run."""
    for ns, f in ((site_a, fees_a), (site_b, fees_b)):
        read_meters(ns, f, OCT, ["100", "200", "300"])
        svc.bill_run_now(site=ns.site, period=OCT, actor=ns.users["finance"], now=T0)
        read_meters(ns, f, NOV, ["115", "205", "300"])
        svc.bill_run_now(site=ns.site, period=NOV, actor=ns.users["finance"], now=T0)
    desk = site_a.users["front_desk"]
    pay = svc.payment_post(unit=site_a.units[0], amount="250.55", method="cash", actor=desk, now=T0)
    svc.payment_post(unit=site_a.units[1], amount="10", method="cash", actor=desk, now=T0)
    svc.payment_reverse(payment=pay, amount="50", reason="输错金额", actor=site_a.users["finance"], now=T0)
    # a corrected reading: the unit's November bill is replaced (void + new bill)
    svc.meter_reading_record(meter=fees_a.meters[2], period=NOV, reading="330", actor=site_a.users["zone_staff"],
                             now=T0)
    assert svc.bill_rerun_unit(unit=site_a.units[2], period=NOV, actor=site_a.users["finance"], now=T0).replaces_id
    svc.payment_post(unit=site_b.units[2], amount="5000", method="transfer", actor=site_b.users["front_desk"],
                     now=T0)  # pays everything, the rest is credit
    return site_a, site_b


def _direct_units() -> dict[int, tuple[Decimal, int]]:
    return {r["unit_id"]: (r["s"], r["n"]) for r in Bill.objects.filter(status=Bill.Status.OPEN).values("unit_id")
            .annotate(s=Sum(F("total") - F("paid")), n=Sum(1)) if r["n"]}


@pytest.mark.postgres
def test_f03_summaries_follow_every_posting(busy):
    # SPEC F-03: the per-unit and per-building-month summaries equal the open bills, after bill runs,
    # partial payments, a reversal and a full payment with credit (kept in the same transaction)
    got = {u.unit_id: (u.owed, u.bills) for u in ArrearsUnit.objects.filter(bills__gt=0)}
    assert got == _direct_units()
    cells = {(c.building_id, c.period): (c.owed, c.bills) for c in ArrearsCell.objects.filter(bills__gt=0)}
    direct = {(r["unit__building_id"], r["period"]): (r["s"], r["n"]) for r in Bill.objects.filter(
        status=Bill.Status.OPEN).values("unit__building_id", "period").annotate(s=Sum(F("total") - F("paid")),
                                                                               n=Sum(1))}
    assert cells == direct


@pytest.mark.postgres
@pytest.mark.parametrize("month", ["now", "nov", "oct"])
@pytest.mark.parametrize("group", ["unit", "building", "zone", "site"])
def test_f03_aging_from_summaries_equals_aging_from_bills(busy, group, month, django_user_model):
    # SPEC F-03: the fast path (summaries) gives the same rows as grouping every open bill, for this month,
    # the last billed month, and a month after which bills are open (the unit list then groups the bills)
    admin = django_user_model.objects.create_superuser("root-aging", password="x")
    as_of = {"now": max(timezone.localdate().replace(day=1), NOV), "nov": NOV, "oct": OCT}[month]
    fast = list(sel.arrears_aging(admin, as_of=as_of, group=group)[0:50])
    slow = list(sel._from_bills(admin, as_of=as_of, group=group, site_id=None, zone_id=None))
    assert fast and [dict(r) for r in fast] == [dict(r) for r in slow]


def test_f03_arrears_and_account_pages_stay_within_ten_queries(client, busy):
    # issue 16 benchmark: the arrears page (per unit and per zone) and a unit's account page, ≤ 10 queries
    site_a, _b = busy
    client.force_login(site_a.users["finance"])
    month = f"{max(timezone.localdate().replace(day=1), NOV):%Y-%m}"
    for url in (reverse("fees:arrears") + f"?month={month}", reverse("fees:arrears") + f"?group=zone&month={month}",
                reverse("fees:unit_account", args=[site_a.units[0].pk])):
        client.get(url)  # warm (session, caches)
        with CaptureQueriesContext(connection) as q:
            r = client.get(url)
        assert r.status_code == 200 and len(q) <= 10, (url, [x["sql"][:120] for x in q])
    r = client.get(reverse("fees:arrears") + f"?month={month}")
    assert site_a.units[1].code in r.content.decode()
