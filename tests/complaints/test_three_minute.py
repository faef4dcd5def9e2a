"""SPEC C-14: the three-minute service rate, from the site-editable policy ticket.dispatch.standard."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.report_sections import ComplaintSection
from core.models import DeadlinePolicy
from tickets.models import Category, WorkOrder
from tickets.service_rate import three_minute_counts

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)


def _order(site, n, received_at, dispatched_after=None, status=None):
    o = WorkOrder.objects.create(site=site.site, number=f"BS-20261118-{n:04d}", category=Category.objects.first(),
                                 content="漏水", received_at=received_at)
    fields = {}
    if dispatched_after is not None:
        fields.update(dispatched_at=received_at + dispatched_after, status=WorkOrder.Status.DISPATCHED)
    if status:
        fields["status"] = status
    if fields:
        WorkOrder.objects.filter(pk=o.pk).update(**fields)
    return o


# SPEC C-14: measured on every order as dispatched at − registered at, against the (site's) policy
def test_three_minute_rate_follows_the_site_policy(site_a, site_b):
    now = T0 + timedelta(hours=1)
    _order(site_a, 1, T0, timedelta(minutes=2))
    _order(site_a, 2, T0, timedelta(minutes=3))  # exactly at the limit: on time
    _order(site_a, 3, T0, timedelta(minutes=5))  # late
    _order(site_a, 4, now - timedelta(minutes=10))  # nobody on the way after 10 minutes: late
    _order(site_a, 5, now - timedelta(minutes=1))  # still within its minutes: not counted yet
    _order(site_a, 6, T0, status=WorkOrder.Status.CANCELLED)  # cancelled: not counted
    _order(site_b, 7, T0, timedelta(minutes=30))  # another site
    day = (T0.replace(hour=0), T0.replace(hour=0) + timedelta(days=1))
    assert three_minute_counts(site_ids=[site_a.site.pk], start=day[0], end=day[1], now=now) == {
        "on_time": 2, "late": 2, "measured": 4}
    # ✎ the site sets six minutes: the 5-minute dispatch is now on time
    base = DeadlinePolicy.objects.get(code="ticket.dispatch.standard", site__isnull=True)
    assert base.site_editable
    DeadlinePolicy.objects.create(code=base.code, site=site_a.site, name=base.name, amount=6, unit=base.unit,
                                  action=base.action)
    counts = three_minute_counts(site_ids=[site_a.site.pk], start=day[0], end=day[1], now=now)
    assert (counts["on_time"], counts["late"]) == (3, 1)
    # shown as a rate on the complaints section of the monthly report
    block = ComplaintSection().monthly(site_ids=[site_a.site.pk], start=T0.replace(day=1, hour=0),
                                       end=datetime(2026, 12, 1, tzinfo=TZ))
    figure = next(f for f in block.figures if f.key == "three_minute_rate")
    assert str(figure.value) == "0.6000"  # at the month's end the order still waiting is late too: 3 of 5


# SPEC C-14 with T-03: an order registered afterwards (worked first) had no live dispatch to measure
def test_three_minute_rate_leaves_out_orders_registered_afterwards(site_a):
    now = T0 + timedelta(hours=1)
    _order(site_a, 1, T0, timedelta(minutes=2))  # on time
    late = _order(site_a, 2, T0, timedelta(hours=3))  # entered afterwards with the real times
    never = _order(site_a, 3, T0)  # registered afterwards, no dispatch time of its own
    WorkOrder.objects.filter(pk__in=[late.pk, never.pk]).update(registered_late=True)
    day = (T0.replace(hour=0), T0.replace(hour=0) + timedelta(days=1))
    assert three_minute_counts(site_ids=[site_a.site.pk], start=day[0], end=day[1], now=now) == {
        "on_time": 1, "late": 0, "measured": 1}
    WorkOrder.objects.filter(pk=late.pk).update(registered_late=False)  # the same order live: late
    assert three_minute_counts(site_ids=[site_a.site.pk], start=day[0], end=day[1], now=now) == {
        "on_time": 1, "late": 1, "measured": 2}
